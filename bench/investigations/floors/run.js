#!/usr/bin/env node
// Floors for the kernels that miss 6x their TypeScript twins: times loops that
// do strictly less work than those kernels (bench/investigations/floors/floors.ts, compiled
// here with the project's asc), next to the twins they are compared with, in
// one process. Writes bench/results/floors.md.
//
//   npm run build && node bench/investigations/floors/run.js
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mirrorPolicies } from "../../kernels/fixtures.js";
import { DIST, importFromDist, wasmExports } from "../../lib/builds.js";
import { ROOT, RESULTS, machine } from "../../lib/harness.js";

const dir = mkdtempSync(join(tmpdir(), "mirror-floors-"));
const wasm = join(dir, "floors.wasm");
execFileSync(join(ROOT, "node_modules", ".bin", "asc"), [join(ROOT, "bench", "investigations", "floors", "floors.ts"), "-O3", "--runtime", "stub", "--enable", "simd", "--noAssert", "-o", wasm]);
const k = wasmExports(wasm, "floors.wasm");
rmSync(dir, { recursive: true });

/** Median ns per item over 15 batches (after warm-up) of `reps` calls of f, each doing `items` items. */
function time(f, items, reps = 20) {
  for (let r = 0; r < 2 * reps; r++) f();
  const ts = [];
  for (let b = 0; b < 15; b++) {
    const t = process.hrtime.bigint();
    for (let r = 0; r < reps; r++) f();
    ts.push(Number(process.hrtime.bigint() - t) / reps / items);
  }
  ts.sort((a, b) => a - b);
  return ts[7];
}

// Seeded inputs (the library's generator), as the kernel suite's fixtures.
const { Rng } = await importFromDist(DIST, "core/rng.js");
const rng = new Rng(3);
const uniform = (lo, hi) => rng.uniform(lo, hi);

// log: n = 10^5 probabilities in (0, 1).
const n = 100_000;
const S = 25_000;
const A = 4;
const pairs = S / 2;
const bytes = 3 * 8 * n + pairs * 160 + 4096;
k.memory.grow(Math.ceil(bytes / 65536) + 1);
const x = 65536;
const out = x + 8 * n;
const table = out + 8 * n;
const rows = table + 4096;
const t0 = rows + pairs * 128;
const tOut = t0 + pairs * 16;
const mem = new Float64Array(k.memory.buffer);
const xs = new Float64Array(n).map(() => uniform(1e-6, 1));
mem.set(xs, x / 8);
for (let i = 0; i < 256; i++) mem[table / 8 + i] = 1 + i / 1000;
const logOut = new Float64Array(n);
const logTwin = () => {
  for (let i = 0; i < n; i++) logOut[i] = Math.log(xs[i]);
};

// TRL at A = 4: the twin on the kernels' fixture (coef 1.3), the floor on the same kind of rows.
const { trlSolveTwin } = await importFromDist(DIST, "mirror/kernels/trl-dual.twin.js");
const f = mirrorPolicies(uniform, S, A);
const coef = new Float64Array(S).fill(1.3);
const trlOut = new Float64Array(S * A);
for (let p = 0; p < pairs; p++) {
  for (let a = 0; a < A; a++) {
    for (let lane = 0; lane < 2; lane++) {
      const s = 2 * p + lane;
      let amax = -Infinity;
      for (let b = 0; b < A; b++) amax = Math.max(amax, f.adv[s * A + b]);
      mem[rows / 8 + p * 16 + 2 * a + lane] = amax - f.adv[s * A + a];
      mem[rows / 8 + p * 16 + 8 + 2 * a + lane] = 1.3 * f.pi[s * A + a];
    }
  }
  mem[t0 / 8 + 2 * p] = mem[t0 / 8 + 2 * p + 1] = 1.3;
}

const r = {
  copy: time(() => k.floorCopy(x, out, n), n),
  poly: time(() => k.floorPoly(x, out, n), n),
  estrin: time(() => k.floorEstrin(x, out, n), n),
  polyTable: time(() => k.floorPolyTable(x, out, n, table), n),
  logTwin: time(logTwin, n),
  trl: time(() => k.floorTrl(rows, t0, tOut, pairs), S),
  trlTwin: time(() => trlSolveTwin(f.pi, f.adv, coef, S, A, trlOut), S, 5),
};
const fmt = (v) => v.toFixed(2);
const m = machine();
const lines = [
  "# Floors: how fast the kernels that miss 6× could be at best",
  "",
  `${m.cpu}, ${m.cores} cores, Node ${m.node} (V8 ${m.v8}), ${m.os}, ${m.date.slice(0, 10)}. \`node bench/investigations/floors/run.js\`; medians of 15 batches, one process.`,
  "",
  "Each floor loop does strictly less work than the kernel it bounds (bench/investigations/floors/floors.ts), so a kernel of that kind cannot run faster than its floor under this engine; the last column is the largest ratio to the twin any such kernel could reach.",
  "",
  "| loop | ns per item | twin ns per item | twin ÷ floor |",
  "| --- | ---: | ---: | ---: |",
  `| load + store only, per element | ${fmt(r.copy)} | – | – |`,
  `| inaccurate log: exponent split + degree-8 Horner polynomial, no table (per element) | ${fmt(r.poly)} | Math.log ${fmt(r.logTwin)} | ${fmt(r.logTwin / r.poly)}× |`,
  `| the same with Estrin's scheme | ${fmt(r.estrin)} | Math.log ${fmt(r.logTwin)} | ${fmt(r.logTwin / r.estrin)}× |`,
  `| the same + the two per-lane table reads of a table log | ${fmt(r.polyTable)} | Math.log ${fmt(r.logTwin)} | ${fmt(r.logTwin / r.polyTable)}× |`,
  `| TRL dual, A = 4: three Halley evaluations only (no setup, bracket, test or output; per state) | ${fmt(r.trl)} | trlSolveTwin ${fmt(r.trlTwin)} | ${fmt(r.trlTwin / r.trl)}× |`,
  "",
  `Reading: 6× Math.log needs ${fmt(r.logTwin / 6)} ns per element; no loop that splits the exponent and evaluates a polynomial reaches it, and an accurate log (mirrorLog: about 2.9 ns, bench/results/kernels.md) does more. 6× the TRL twin needs ${fmt(r.trlTwin / 6)} ns per state, of which the three evaluations alone take ${fmt(r.trl)}.`,
  "",
];
writeFileSync(join(RESULTS, "floors.md"), lines.join("\n"));
console.log(lines.join("\n"));
