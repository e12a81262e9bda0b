import { it } from "vitest";
import { kernels } from "../wasm/module.js";
import { f64Block, scratch } from "../wasm/arena.js";

function time(fn: () => void, minMs = 500): number {
  for (let i = 0; i < 5; i++) fn();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) { fn(); n++; t = performance.now(); }
  return (t - t0) / n;
}
it("bench2", () => {
  const k = kernels();
  const n = 1_000_000;
  const x = new Float64Array(n).map((_, i) => 0.001 + (i % 1000) / 100);
  const out = new Float64Array(n);
  scratch((take) => {
    const xb = take(f64Block(n, x)), ob = take(f64Block(n));
    console.log("logSimd", time(() => k.mirrorLogSimd(xb.ptr, n, ob.ptr)).toFixed(3));
    console.log("logScalar", time(() => k.mirrorLogScalar(xb.ptr, n, ob.ptr)).toFixed(3));
    console.log("Math.log", time(() => { for (let i = 0; i < n; i++) out[i] = Math.log(x[i]); }).toFixed(3));
    console.log("dotSimd", time(() => k.dotSimd(xb.ptr, xb.ptr, n)).toFixed(3));
    console.log("dot TS", time(() => { let s = 0; for (let i = 0; i < n; i++) s += x[i] * x[i]; out[0] = s; }).toFixed(3));
  });
}, 60000);
