// Level-1 vector kernels (assembly/linalg/vector.ts) against their
// plain-TypeScript twins (src/linalg/vector.twin.ts). n is a vector of S
// values: the sizes of the tabular engine's state vectors.
import { dist } from "../lib/harness.js";

const SIZES = [500, 2000, 1_000_000];

export default async function vectorKernels(lib) {
  const twin = await dist("linalg/vector.twin.js");
  if (!twin) return [];
  const k = lib.kernels();
  const rng = new lib.Rng(1);
  const fill = (a) => {
    for (let i = 0; i < a.length; i++) a[i] = rng.uniform(-1, 1);
    return a;
  };

  /** Two vectors in JS memory and their copies in WebAssembly blocks. */
  const pair = (n) => {
    const xs = fill(new Float64Array(n));
    const ys = fill(new Float64Array(n));
    const x = lib.f64Block(n, xs);
    const y = lib.f64Block(n, ys);
    return { xs, ys, x, y, free: () => (x.free(), y.free()) };
  };

  return [
    {
      kernel: "dot",
      sizes: SIZES,
      size: (n) => `n = ${n.toLocaleString("en-US")}`,
      prepare(n) {
        const { xs, ys, x, y, free } = pair(n);
        return {
          simd: () => k.dotSimd(x.ptr, y.ptr, n),
          scalar: () => k.dotScalar(x.ptr, y.ptr, n),
          twin: () => twin.dotTwin(xs, ys, n),
          simdWithCopy: () => {
            x.view.set(xs);
            y.view.set(ys);
            return k.dotSimd(x.ptr, y.ptr, n);
          },
          check: () => Math.abs(k.dotSimd(x.ptr, y.ptr, n) - twin.dotTwin(xs, ys, n)) / (1 + Math.abs(twin.dotTwin(xs, ys, n))),
          free,
        };
      },
    },
    {
      kernel: "axpy",
      sizes: SIZES,
      size: (n) => `n = ${n.toLocaleString("en-US")}`,
      prepare(n) {
        const { xs, ys, x, y, free } = pair(n);
        // y grows by a tiny multiple of x per call, so repeated calls stay finite.
        const a = 1e-12;
        return {
          simd: () => k.axpySimd(a, x.ptr, y.ptr, n),
          scalar: () => k.axpyScalar(a, x.ptr, y.ptr, n),
          twin: () => twin.axpyTwin(a, xs, ys, n),
          simdWithCopy: () => {
            x.view.set(xs);
            y.view.set(ys);
            k.axpySimd(a, x.ptr, y.ptr, n);
            ys.set(y.view);
          },
          check: () => {
            const want = ys.slice();
            twin.axpyTwin(0.5, xs, want, n);
            y.view.set(ys);
            k.axpySimd(0.5, x.ptr, y.ptr, n);
            const got = y.view;
            let err = 0;
            for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
            y.view.set(ys);
            return err;
          },
          free,
        };
      },
    },
    {
      kernel: "normInf",
      sizes: SIZES,
      size: (n) => `n = ${n.toLocaleString("en-US")}`,
      prepare(n) {
        const { xs, x, free } = pair(n);
        return {
          simd: () => k.normInfSimd(x.ptr, n),
          scalar: () => k.normInfScalar(x.ptr, n),
          twin: () => twin.normInfTwin(xs, n),
          simdWithCopy: () => {
            x.view.set(xs);
            return k.normInfSimd(x.ptr, n);
          },
          check: () => Math.abs(k.normInfSimd(x.ptr, n) - twin.normInfTwin(xs, n)),
          free,
        };
      },
    },
  ];
}
