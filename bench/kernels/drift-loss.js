// The sample-based Mirror Learning loss of the smooth drifts
// (assembly/agents/drift-loss.ts) against its plain-TypeScript twin
// (src/agents/drift-loss.twin.ts): one minibatch of `rows` samples, the
// per-row gradient in log pi and the summed statistics.
import { dist } from "../lib/harness.js";
import { maxDifference } from "./fixtures.js";

export default async function driftLossKernels(lib) {
  const twin = await dist("agents/drift-loss.twin.js");
  if (!twin) return [];
  const k = lib.kernels();

  const make = (label, code, C) => ({
    kernel: `driftLoss, ${label}`,
    sizes: [256, 4096],
    size: (n) => `rows = ${n.toLocaleString("en-US")}`,
    prepare(n) {
      const rng = new lib.Rng(5);
      const lpo = new Float32Array(n).map(() => -0.05 - 2 * rng.random());
      const lpn = lpo.map((v) => v + (rng.random() - 0.5) * 0.6);
      const adv = new Float32Array(n).map(() => rng.uniform(-2, 2));
      const g = new Float32Array(n);
      const blocks = [lib.f32Block(n, lpo), lib.f32Block(n, lpn), lib.f32Block(n, adv), lib.f32Block(n), lib.f64Block(4)];
      const [po, pn, pa, pg, ps] = blocks;
      const run = (name) => () => k[name](po.ptr, pn.ptr, pa.ptr, 0, pg.ptr, ps.ptr, n, code, C);
      const runTwin = () => twin.driftLossTwin(code, C, lpo, lpn, adv);
      return {
        simd: run("agentsDriftLossSimd"),
        scalar: run("agentsDriftLossScalar"),
        twin: runTwin,
        simdWithCopy: () => {
          po.view.set(lpo);
          pn.view.set(lpn);
          pa.view.set(adv);
          run("agentsDriftLossSimd")();
          g.set(pg.view);
        },
        check: () => (run("agentsDriftLossSimd")(), maxDifference(pg.view, runTwin().gLogp)),
        free: () => blocks.forEach((b) => b.free()),
      };
    },
  });

  return [make("forward KL", 1, 2), make("reverse KL", 2, 2), make("squared L2", 3, 2)];
}
