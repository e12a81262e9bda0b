// Dense matrix-vector products (assembly/linalg/matvec.ts) against their
// plain-TypeScript twins (src/linalg/matvec.twin.ts), square n x n.
import { dist } from "../lib/harness.js";
import { maxDifference } from "./fixtures.js";

export default async function denseKernels(lib) {
  const twin = await dist("linalg/matvec.twin.js");
  if (!twin) return [];
  const k = lib.kernels();

  const make = (kernel, simdName, scalarName, twinName) => ({
    kernel,
    sizes: [500, 2000],
    size: (n) => `n = ${n.toLocaleString("en-US")}`,
    prepare(n) {
      const rng = new lib.Rng(11);
      const M = new Float64Array(n * n).map(() => rng.uniform(-1, 1));
      const x = new Float64Array(n).map(() => rng.uniform(-1, 1));
      const y = new Float64Array(n);
      const mb = lib.f64Block(n * n, M);
      const xb = lib.f64Block(n, x);
      const yb = lib.f64Block(n);
      const run = (name) => () => k[name](mb.ptr, xb.ptr, yb.ptr, n, n, 1, 0);
      const runTwin = () => twin[twinName](M, n, n, x, y, 1, 0);
      return {
        simd: run(simdName),
        scalar: run(scalarName),
        twin: runTwin,
        simdWithCopy: () => {
          mb.view.set(M);
          xb.view.set(x);
          run(simdName)();
          y.set(yb.view);
        },
        check: () => (run(simdName)(), runTwin(), maxDifference(yb.view, y)),
        free: () => (mb.free(), xb.free(), yb.free()),
      };
    },
  });

  return [
    make("denseGemv (y = Mx)", "denseGemvSimd", "denseGemvScalar", "matvecTwin"),
    make("denseGemvTransposed (y = Mᵀx)", "denseGemvTransposedSimd", "denseGemvTransposedScalar", "matvecTransposedTwin"),
  ];
}
