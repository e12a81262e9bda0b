// Bellman optimality backup kernels (assembly/planning/optimality.ts: V <- max_a
// R + gamma P V with the greedy action) against their plain-TypeScript twins
// (src/planning/optimality.twin.ts): the inner loop of value iteration and of
// policy iteration's improvement step.
import { dist } from "../lib/harness.js";
import { label, maxDifference, releaseModels, sharedModel } from "./fixtures.js";

export const cleanup = releaseModels;

const DENSE = [
  { S: 500, A: 10 },
  { S: 2000, A: 10 },
];
const SPARSE = [{ S: 1_000_000, A: 4, sparse: true, branching: 4 }];
const TIE = 1e-10;

export default async function optimalityKernels(lib) {
  const twin = await dist("planning/optimality.twin.js");
  if (!twin) return [];
  const k = lib.kernels();

  const spec = (kernel, sizes, make) => ({
    kernel,
    sizes,
    size: label,
    options: { maxTime: 1, minSamples: sizes[0].sparse ? 3 : 5 },
    prepare(size) {
      return { ...make(sharedModel(lib, size)), free() {} };
    },
  });

  return [
    spec("optimalityBackupDense (V ← max_a R + γPV)", DENSE, (m) => {
      // qStride 0: one scratch row of Q, as value iteration runs it.
      const run = (name) => () =>
        k[name](m.blocks.P.ptr, m.blocks.R.ptr, m.VBlock.ptr, m.gamma, m.S, m.A, TIE, m.outSBlock.ptr, m.greedyBlock.ptr, m.outSABlock.ptr, 0);
      const runTwin = () => twin.optimalityBackupDenseTwin(m.P, m.R, m.V, m.gamma, m.S, m.A, TIE, m.outS, m.greedy, m.outSA, 0);
      return {
        simd: run("optimalityBackupDenseSimd"),
        scalar: run("optimalityBackupDenseScalar"),
        twin: runTwin,
        check: () => (run("optimalityBackupDenseSimd")(), runTwin(), maxDifference(m.outSBlock.view, m.outS)),
      };
    }),
    spec("optimalityBackupCsr (V ← max_a R + γPV)", SPARSE, (m) => {
      const run = (name) => () =>
        k[name](
          m.blocks.rowPtr.ptr, m.blocks.cols.ptr, m.blocks.probs.ptr, m.blocks.R.ptr, m.VBlock.ptr, m.gamma, m.S, m.A,
          TIE, m.outSBlock.ptr, m.greedyBlock.ptr, m.outSABlock.ptr, 0,
        );
      const runTwin = () => twin.optimalityBackupCsrTwin(m.csr, m.R, m.V, m.gamma, m.S, m.A, TIE, m.outS, m.greedy, m.outSA, 0);
      return {
        simd: run("optimalityBackupCsrSimd"),
        scalar: run("optimalityBackupCsrScalar"),
        twin: runTwin,
        check: () => (run("optimalityBackupCsrSimd")(), runTwin(), maxDifference(m.outSBlock.view, m.outS)),
      };
    }),
    spec("optimalitySpanDiff (span(x − y))", [...DENSE, ...SPARSE], (m) => {
      // x = V, y = the output buffer filled with a shifted copy.
      const y = m.outS;
      for (let s = 0; s < m.S; s++) y[s] = m.V[(s * 7) % m.S];
      m.outSBlock.view.set(y);
      const run = (name) => () => k[name](m.VBlock.ptr, m.outSBlock.ptr, m.S);
      return {
        simd: run("optimalitySpanDiffSimd"),
        scalar: run("optimalitySpanDiffScalar"),
        twin: () => twin.spanDiffTwin(m.V, y, m.S),
        check: () => Math.abs(run("optimalitySpanDiffSimd")() - twin.spanDiffTwin(m.V, y, m.S)),
      };
    }),
  ];
}
