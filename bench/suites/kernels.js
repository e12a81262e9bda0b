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
import { readdirSync } from "node:fs";
import { fmt, fmtRatio, library, measure, writeResults } from "../lib/harness.js";

// Every .js file in bench/kernels/ except the shared fixtures is a spec file:
// the known ones in this order, any new one after them.
const ORDER = ["vector", "blas1", "dense", "lu", "bellman", "optimality"];
const SPECS = readdirSync(new URL("../kernels/", import.meta.url))
  .filter((f) => f.endsWith(".js") && f !== "fixtures.js")
  .map((f) => f.slice(0, -3))
  .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b));
// `npm run bench -- kernels --only bellman`: only kernels whose file or name contains the text.
const ONLY = process.env.BENCH_ONLY;

const lib = await library();
const rows = [];
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
        const us = (r) => (r ? fmt(r.ms * 1e3) : "–");
        rows.push([
          spec.kernel,
          spec.size(n),
          fmt(simd.opsPerSec),
          us(simd),
          us(scalar),
          us(twin),
          us(withCopy),
          scalar ? fmtRatio(scalar.ms / simd.ms) : "–",
          `**${fmtRatio(twin.ms / simd.ms)}**`,
          withCopy ? fmtRatio(twin.ms / withCopy.ms) : "–",
        ]);
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

writeResults("kernels", {
  title: "Kernels: WebAssembly SIMD vs scalar WebAssembly vs plain TypeScript",
  notes: [
    "Times are medians per call (benny / benchmark.js). Inputs already sit in WebAssembly memory for SIMD and scalar: no copying is timed.",
    "\"SIMD+copy\" also copies the inputs from JavaScript arrays into WebAssembly memory (and outputs back) inside the timed call: what a one-off call from plain arrays costs.",
    "Speed-ups are time ratios: TS twin ÷ SIMD (higher is better for WebAssembly).",
    "Kernels without a SIMD/scalar pair (CSR gathers) show the one WebAssembly kernel in the SIMD column.",
    ...(ONLY ? [`Partial run: only kernels matching "${ONLY}".`] : []),
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
  rows,
  data,
});
if (failures.length) process.exitCode = 1;
