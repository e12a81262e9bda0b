/**
 * Iterations (and time) for every instance to come within 1e-8 of the optimal
 * return on FrozenLake 8x8 and a garnet with S = 200. Not part of the normal
 * suite (it takes about a minute); run it with
 *
 *   MIRROR_RL_REPORT=1 npx vitest run test/theory/iterations-report.test.ts
 *
 * It prints a Markdown table. Evaluations use LU (exact to ~1e-13) so that a
 * gap of 1e-8 is measured, not rounding. Instances that have not reached the
 * tolerance after their iteration cap are reported with the gap left.
 */
import { it } from "vitest";
import { ampo, analytical, cpi, gpi, npg, ppo, qNpg, tabularFeatures, trl, trpo, tsallis, type Update } from "../../src/instances/index.js";
import { frozenLake } from "../../src/mdp/generators/frozen-lake.js";
import { garnet } from "../../src/mdp/generators/garnet.js";
import type { TabularMdp } from "../../src/mdp/tabular-mdp.js";
import { optimise } from "../../src/mirror/optimise.js";
import { checkMonotone } from "../../src/theory/monotone.js";

const enabled = process.env.MIRROR_RL_REPORT === "1";

function instances(mdp: TabularMdp): [Update, number][] {
  const g = mdp.gamma;
  const geometric = (k: number) => 1 / g ** k;
  return [
    [gpi(), 100],
    [trl({ C: 0.1 }), 3000],
    [npg({ stepSize: 1 }), 3000],
    [npg({ stepSize: geometric }), 3000],
    [trpo({ delta: 0.1 }), 3000],
    [ppo({ epsilon: 0.2 }), 3000],
    [cpi({ alpha: 0.5 }), 3000],
    [cpi({ alpha: "optimal" }), 300],
    [analytical(), 300],
    [qNpg({ features: tabularFeatures(mdp.S, mdp.A), stepSize: geometric }), 200],
    [qNpg({ features: tabularFeatures(mdp.S, mdp.A), stepSize: geometric, fit: { states: "uniform", actions: "uniform" } }), 600],
    [ampo({ mirrorMap: "kl", stepSize: geometric }), 3000],
    [ampo({ mirrorMap: tsallis(0.5), stepSize: geometric }), 3000],
    [ampo({ mirrorMap: tsallis(2), stepSize: geometric }), 3000],
  ];
}

it.skipIf(!enabled)("iterations to within 1e-8 of optimal (report)", () => {
  const cases: [string, TabularMdp][] = [
    ["FrozenLake 8x8 (slippery, gamma 0.99)", frozenLake({ map: "8x8" })],
    ["garnet S=200 A=4 b=5 gamma 0.99 seed 1", garnet({ S: 200, A: 4, branching: 5, gamma: 0.99, seed: 1 })],
  ];
  const lines: string[] = [];
  for (const [label, mdp] of cases) {
    lines.push(`\n### ${label}\n`, "| instance | iterations to gap <= 1e-8 | final gap | ms total | ms / iteration | monotone |", "|---|---|---|---|---|---|");
    const optimum = optimise(mdp, gpi(), { iterations: 0, evaluate: { solver: "lu" } }).optimum;
    for (const [u, cap] of instances(mdp)) {
      const t0 = performance.now();
      const r = optimise(mdp, u, { iterations: cap, tolerance: 1e-8, optimum, evaluate: { solver: "lu" } });
      const ms = performance.now() - t0;
      const reached = r.stopped === "tolerance";
      const gap = r.history.gap[r.iterations];
      lines.push(
        `| ${u.name} | ${reached ? r.iterations : `> ${cap}`} | ${gap.toExponential(1)} | ${ms.toFixed(0)} | ${(ms / Math.max(1, r.iterations)).toFixed(2)} | ${checkMonotone(r.history.eta, 1e-10).monotone} |`,
      );
    }
    mdp.dispose();
  }
  console.log(lines.join("\n"));
}, 600_000);
