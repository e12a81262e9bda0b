// Bellman expectation kernels (assembly/mdp/bellman.ts) against their
// plain-TypeScript twins (src/mdp/bellman.twin.ts), on dense random MDPs
// (rows half non-zero) with A = 10 and on sparse garnets (CSR, A = 4, 4 next
// states). Dense sizes are the S = 500 and 2000; a CSR kernel without
// a SIMD variant (gathers) shows its one WASM kernel in the "SIMD" column.
import { dist } from "../lib/harness.js";
import { label, maxDifference, releaseModels, sharedModel } from "./fixtures.js";

export const cleanup = releaseModels;

const DENSE = [
  { S: 500, A: 10 },
  { S: 2000, A: 10 },
];
const SPARSE = [{ S: 1_000_000, A: 4, sparse: true, branching: 4 }];

export default async function bellmanKernels(lib) {
  const twin = await dist("mdp/bellman.twin.js");
  if (!twin) return [];
  const k = lib.kernels();

  /** Builds a spec over `sizes` whose `prepare` gets the fixture. */
  const spec = (kernel, sizes, make) => ({
    kernel,
    sizes,
    size: label,
    // The slowest twins take seconds per call: three samples are enough.
    options: { maxTime: 1, minSamples: size0IsSparse(sizes) ? 3 : 5 },
    prepare(size) {
      const m = sharedModel(lib, size);
      const impl = make(m);
      return { ...impl, free: () => (impl.extraFree?.(), m.free()) };
    },
  });

  const size0IsSparse = (sizes) => sizes[0].sparse === true;
  /**
   * A CSR kernel: `<base>Simd` and `<base>Scalar` when the pair exists, else
   * the single `<base>` (gathers need not have a SIMD form). `call(f)` returns
   * the timed closure for kernel f.
   */
  const csr = (base, call, { twin: runTwin, compare }) => {
    const simd = k[`${base}Simd`] ?? k[base];
    const scalar = k[`${base}Scalar`];
    if (typeof simd !== "function") throw new Error(`kernel ${base}(Simd) is not exported`);
    return {
      simd: call(simd),
      scalar: scalar ? call(scalar) : undefined,
      twin: runTwin,
      check: () => (call(simd)(), runTwin(), compare()),
    };
  };
  const dense = (m) => [m.blocks.P.ptr, m.P];
  const csrArgs = (m) => [m.blocks.rowPtr.ptr, m.blocks.cols.ptr, m.blocks.probs.ptr];

  return [
    spec("policyMatrixDense (I − γP_π)", DENSE, (m) => {
      // S x S output: its own blocks (the fixture's are S and S*A long).
      const out = lib.f64Block(m.S * m.S);
      const outArr = new Float64Array(m.S * m.S);
      const [P, Parr] = dense(m);
      const run = (name) => () => k[name](P, m.piBlock.ptr, out.ptr, m.S, m.A, 1, -m.gamma);
      return {
        simd: run("bellmanPolicyMatrixDenseSimd"),
        scalar: run("bellmanPolicyMatrixDenseScalar"),
        twin: () => twin.policyMatrixDenseTwin(Parr, m.pi, outArr, m.S, m.A, 1, -m.gamma),
        check: () => {
          run("bellmanPolicyMatrixDenseSimd")();
          twin.policyMatrixDenseTwin(Parr, m.pi, outArr, m.S, m.A, 1, -m.gamma);
          const d = maxDifference(out.view, outArr);
          return d;
        },
        extraFree: () => out.free(),
      };
    }),
    spec("qDense (Q = R + γPV)", DENSE, (m) => {
      const [P, Parr] = dense(m);
      const run = (name) => () => k[name](P, m.blocks.R.ptr, m.VBlock.ptr, m.gamma, m.outSABlock.ptr, m.S, m.A);
      return {
        simd: run("bellmanQDenseSimd"),
        scalar: run("bellmanQDenseScalar"),
        twin: () => twin.qDenseTwin(Parr, m.R, m.V, m.gamma, m.outSA, m.S, m.A),
        check: () => (run("bellmanQDenseSimd")(), twin.qDenseTwin(Parr, m.R, m.V, m.gamma, m.outSA, m.S, m.A), maxDifference(m.outSABlock.view, m.outSA)),
      };
    }),
    spec("applyDense (y = x − γP_π x)", DENSE, (m) => {
      const [P, Parr] = dense(m);
      const run = (name) => () => k[name](P, m.piBlock.ptr, m.VBlock.ptr, m.outSBlock.ptr, m.S, m.A, 1, -m.gamma);
      return {
        simd: run("bellmanApplyDenseSimd"),
        scalar: run("bellmanApplyDenseScalar"),
        twin: () => twin.applyDenseTwin(Parr, m.pi, m.V, m.outS, m.S, m.A, 1, -m.gamma),
        check: () => (run("bellmanApplyDenseSimd")(), twin.applyDenseTwin(Parr, m.pi, m.V, m.outS, m.S, m.A, 1, -m.gamma), maxDifference(m.outSBlock.view, m.outS)),
      };
    }),
    spec("applyTransposedDense (y = x − γP_πᵀ x)", DENSE, (m) => {
      const [P, Parr] = dense(m);
      const run = (name) => () => k[name](P, m.piBlock.ptr, m.VBlock.ptr, m.outSBlock.ptr, m.S, m.A, 1, -m.gamma);
      return {
        simd: run("bellmanApplyTransposedDenseSimd"),
        scalar: run("bellmanApplyTransposedDenseScalar"),
        twin: () => twin.applyTransposedDenseTwin(Parr, m.pi, m.V, m.outS, m.S, m.A, 1, -m.gamma),
        check: () => (run("bellmanApplyTransposedDenseSimd")(), twin.applyTransposedDenseTwin(Parr, m.pi, m.V, m.outS, m.S, m.A, 1, -m.gamma), maxDifference(m.outSBlock.view, m.outS)),
      };
    }),
    spec("sweepDense, deterministic π", DENSE, (m) => {
      const [P, Parr] = dense(m);
      const run = (name) => () => k[name](P, m.blocks.R.ptr, m.piDetBlock.ptr, m.gamma, m.VBlock.ptr, m.outSBlock.ptr, m.S, m.A);
      return {
        simd: run("bellmanSweepDenseSimd"),
        scalar: run("bellmanSweepDenseScalar"),
        twin: () => twin.sweepDenseTwin(Parr, m.R, m.piDet, m.gamma, m.V, m.outS, m.S, m.A),
        check: () => (run("bellmanSweepDenseSimd")(), twin.sweepDenseTwin(Parr, m.R, m.piDet, m.gamma, m.V, m.outS, m.S, m.A), maxDifference(m.outSBlock.view, m.outS)),
      };
    }),
    spec("qCsr (Q = R + γPV)", SPARSE, (m) =>
      csr("bellmanQCsr", (f) => () => f(...csrArgs(m), m.blocks.R.ptr, m.VBlock.ptr, m.gamma, m.outSABlock.ptr, m.S, m.A), {
        twin: () => twin.qCsrTwin(m.csr, m.R, m.V, m.gamma, m.outSA, m.S, m.A),
        compare: () => maxDifference(m.outSABlock.view, m.outSA),
      }),
    ),
    spec("applyCsr (y = x − γP_π x)", SPARSE, (m) =>
      csr("bellmanApplyCsr", (f) => () => f(...csrArgs(m), m.piBlock.ptr, m.VBlock.ptr, m.outSBlock.ptr, m.S, m.A, 1, -m.gamma), {
        twin: () => twin.applyCsrTwin(m.csr, m.pi, m.V, m.outS, m.S, m.A, 1, -m.gamma),
        compare: () => maxDifference(m.outSBlock.view, m.outS),
      }),
    ),
    spec("applyTransposedCsr (y = x − γP_πᵀ x)", SPARSE, (m) =>
      csr("bellmanApplyTransposedCsr", (f) => () => f(...csrArgs(m), m.piBlock.ptr, m.VBlock.ptr, m.outSBlock.ptr, m.S, m.A, 1, -m.gamma), {
        twin: () => twin.applyTransposedCsrTwin(m.csr, m.pi, m.V, m.outS, m.S, m.A, 1, -m.gamma),
        compare: () => maxDifference(m.outSBlock.view, m.outS),
      }),
    ),
    spec("sweepCsr, deterministic π", SPARSE, (m) =>
      csr(
        "bellmanSweepCsr",
        (f) => () => f(...csrArgs(m), m.blocks.R.ptr, m.piDetBlock.ptr, m.gamma, m.VBlock.ptr, m.outSBlock.ptr, m.S, m.A),
        {
          twin: () => twin.sweepCsrTwin(m.csr, m.R, m.piDet, m.gamma, m.V, m.outS, m.S, m.A),
          compare: () => maxDifference(m.outSBlock.view, m.outS),
        },
      ),
    ),
  ];
}
