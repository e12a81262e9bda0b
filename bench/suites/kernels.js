// Suite "kernels": every kernel as WASM SIMD vs WASM scalar vs its
// plain-TypeScript twin, plus SIMD with the copy of its inputs into WASM memory
// (and of its output back) inside the timed call, so the table says when the
// copy costs more than SIMD saves.
//
// A kernel spec file in bench/kernels/ (picked up by name) default-exports
// `async (lib) => spec[]` ([] when its twin is not built), each spec
// `{ kernel, sizes, size(n) -> label, options?, prepare(n) -> { simd, scalar?,
// twin, simdWithCopy?, check?, free } }`; `check()` returns the largest
// difference between SIMD and twin (a warning above 1e-8). It may export
// `cleanup()`, called after its specs.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fmt, fmtRatio, library, measure, RESULTS, writeResults } from "../lib/harness.js";

// Every .js file in bench/kernels/ except the shared fixtures is a spec file:
// the known ones in this order, any new one after them.
const ORDER = ["vector", "blas1", "dense", "lu", "bellman", "optimality", "mirror", "mirror-extra"];
const SPECS = readdirSync(new URL("../kernels/", import.meta.url))
  .filter((f) => f.endsWith(".js") && f !== "fixtures.js")
  .map((f) => f.slice(0, -3))
  .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b));
// `npm run bench -- kernels --only bellman`: only kernels whose file or name contains the
// text, merged into the previous full table (see below).
const ONLY = process.env.BENCH_ONLY;

/** One table row from a measurement entry (also for entries kept from a previous run). */
function rowOf(d) {
  const us = (r) => (r ? fmt(r.ms * 1e3) : "–");
  return [
    d.kernel,
    d.size,
    fmt(d.simd.opsPerSec),
    us(d.simd),
    us(d.scalar),
    us(d.twin),
    us(d.simdWithCopy),
    d.scalar ? fmtRatio(d.scalar.ms / d.simd.ms) : "–",
    `**${fmtRatio(d.twin.ms / d.simd.ms)}**`,
    d.simdWithCopy ? fmtRatio(d.twin.ms / d.simdWithCopy.ms) : "–",
  ];
}

const lib = await library();
const data = [];
const skipped = [];
const failures = [];
for (const file of SPECS) {
  let specs;
  let mod;
  try {
    mod = await import(`../kernels/${file}.js`);
    specs = await mod.default(lib);
  } catch (error) {
    console.error(`  bench/kernels/${file}.js: FAILED to load: ${error?.message ?? error}`);
    failures.push(`${file}.js (${error?.message ?? error})`);
    continue;
  }
  if (specs.length === 0) skipped.push(file);
  for (const spec of specs) {
    if (ONLY && !file.includes(ONLY) && !spec.kernel.includes(ONLY)) continue;
    for (const n of spec.sizes) {
      const label = `${spec.kernel} ${spec.size(n)}`;
      let impl;
      try {
        impl = spec.prepare(n);
        const error = impl.check?.();
        if (error !== undefined && !(error <= 1e-8)) {
          console.warn(`  WARNING ${label}: SIMD and twin differ by ${error}`);
        }
        const cases = [{ name: `${label} SIMD`, fn: impl.simd }];
        if (impl.scalar) cases.push({ name: `${label} scalar`, fn: impl.scalar });
        cases.push({ name: `${label} TS twin`, fn: impl.twin });
        if (impl.simdWithCopy) cases.push({ name: `${label} SIMD+copy`, fn: impl.simdWithCopy });
        const results = await measure(label, cases, spec.options);
        const pick = (suffix) => results.find((r) => r.name.endsWith(` ${suffix}`));
        const [simd, scalar, twin, withCopy] = ["SIMD", "scalar", "TS twin", "SIMD+copy"].map(pick);
        data.push({
          file,
          kernel: spec.kernel,
          size: spec.size(n),
          n,
          simd,
          scalar,
          twin,
          simdWithCopy: withCopy,
          speedupVsTwin: twin.ms / simd.ms,
          speedupVsScalar: scalar ? scalar.ms / simd.ms : undefined,
          speedupWithCopyVsTwin: withCopy ? twin.ms / withCopy.ms : undefined,
          maxDifference: error,
        });
      } catch (error) {
        console.error(`  ${label}: FAILED: ${error?.message ?? error}`);
        failures.push(`${label} (${error?.message ?? error})`);
      } finally {
        impl?.free();
      }
    }
  }
  mod.cleanup?.();
}

// A partial run (--only) replaces the matching entries of the previous run's
// kernels.json and keeps the others, so the table stays complete.
let kept = [];
let previousDate;
if (ONLY && existsSync(join(RESULTS, "kernels.json"))) {
  try {
    const previous = JSON.parse(readFileSync(join(RESULTS, "kernels.json"), "utf8"));
    previousDate = previous.machine?.date?.slice(0, 10);
    kept = (previous.rows ?? []).filter((d) => !(d.file ?? "").includes(ONLY) && !d.kernel.includes(ONLY) && d.simd && d.twin);
  } catch (error) {
    console.warn(`  bench/results/kernels.json unreadable, not merged: ${error?.message ?? error}`);
  }
}
const all = [...kept, ...data];

writeResults("kernels", {
  title: "Kernels: WebAssembly SIMD vs scalar WebAssembly vs plain TypeScript",
  notes: [
    "Times are medians per call (benny / benchmark.js). Inputs already sit in WebAssembly memory for SIMD and scalar: no copying is timed.",
    "\"SIMD+copy\" also copies the inputs from JavaScript arrays into WebAssembly memory (and outputs back) inside the timed call: what a one-off call from plain arrays costs.",
    "Speed-ups are time ratios: TS twin ÷ SIMD (higher is better for WebAssembly).",
    "Kernels without a SIMD/scalar pair (CSR gathers) show the one WebAssembly kernel in the SIMD column.",
    ...(ONLY
      ? [
          kept.length
            ? `Partial run: kernels matching "${ONLY}" re-measured; the other rows are kept from the run of ${previousDate ?? "an earlier date"}.`
            : `Partial run: only kernels matching "${ONLY}".`,
        ]
      : []),
    ...(skipped.length ? [`Not benchmarked yet (no built twin): ${skipped.join(", ")}.`] : []),
    ...(failures.length ? [`FAILED: ${failures.join("; ")}.`] : []),
  ],
  header: [
    "kernel",
    "size",
    "SIMD ops/s",
    "SIMD µs",
    "scalar µs",
    "TS twin µs",
    "SIMD+copy µs",
    "SIMD vs scalar",
    "SIMD vs TS",
    "SIMD+copy vs TS",
  ],
  align: "llrrrrrrrr",
  rows: all.map(rowOf),
  data: all,
});
if (failures.length) process.exitCode = 1;
