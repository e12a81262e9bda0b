/**
 * The first claim of the fundamental theorem of Mirror Learning (Kuba,
 * Schroeder de Witt & Foerster 2022, "Mirror Learning: A Unifying Framework of
 * Policy Optimisation"): every instance
 * improves monotonically, eta(pi_{n+1}) >= eta(pi_n). Checked for every exact
 * tabular instance over 120 random garnets (S 5..30, A 2..5, gamma in
 * [0.5, 0.99]), 8 steps each from a random softmax or the uniform policy,
 * within 1e-10 relative (the rounding of two exact evaluations). The
 * instances' step sizes and radii are drawn per garnet.
 */
import { describe, expect, it } from "vitest";
import {
  ampo,
  analytical,
  cpi,
  gpi,
  npg,
  ppo,
  qNpg,
  tabularFeatures,
  trl,
  trpo,
  tsallis,
  type Update,
} from "../../src/instances/index.js";
import { optimise } from "../../src/mirror/optimise.js";
import { checkMonotone } from "../../src/theory/monotone.js";
import { garnetCases, randomSoftmaxPolicy } from "./garnets.js";

describe("monotone improvement of every instance (120 garnets)", () => {
  it("eta never decreases by more than 1e-10 relative, and every instance moves", () => {
    let runs = 0;
    let moved = 0;
    for (const { index, mdp, S, A, gamma, rng } of garnetCases(120, 1)) {
      const log10 = (lo: number, hi: number) => 10 ** (lo + (hi - lo) * rng.random());
      const updates: Update[] = [
        gpi(),
        trl({ C: log10(-1, 1) }),
        npg({ stepSize: log10(-1, 1) }),
        npg({ stepSize: (k) => log10(-1, 0) / gamma ** k }),
        trpo({ delta: log10(-3, -1) }),
        ppo({ epsilon: 0.05 + 0.3 * rng.random() }),
        cpi({ alpha: "optimal" }),
        cpi({ alpha: rng.random() }),
        analytical(),
        qNpg({ features: tabularFeatures(S, A), stepSize: log10(-1, 1) }),
        ampo({ mirrorMap: "kl", stepSize: log10(-1, 1) }),
        ampo({ mirrorMap: tsallis(0.2 + 0.7 * rng.random()), stepSize: log10(-1, 1) }),
        ampo({ mirrorMap: tsallis(1.5 + rng.random()), stepSize: log10(-1, 1) }),
      ];
      const start = index % 2 === 0 ? randomSoftmaxPolicy(rng, S, A, 1) : undefined;
      const optimum = optimise(mdp, gpi(), { iterations: 0 }).optimum;
      for (const u of updates) {
        const r = optimise(mdp, u, { iterations: 8, policy: start, optimum });
        const check = checkMonotone(r.history.eta, 1e-10);
        if (!check.monotone) throw new Error(`${u.name} on garnet ${index} (S=${S}, A=${A}, gamma=${gamma}): drop ${check.worstDrop} at step ${check.index}`);
        expect(check.monotone).toBe(true);
        runs++;
        if (r.history.eta[r.history.eta.length - 1] > r.history.eta[0]) moved++;
      }
    }
    expect(runs).toBe(120 * 13);
    // Every run starts suboptimal (random start), so all but degenerate cases must gain.
    expect(moved).toBeGreaterThan(runs * 0.97);
  });

  it("the check can fail: a policy that gets worse is caught", () => {
    // Sanity of the harness: alternating an instance with a deliberately worsening step breaks monotonicity.
    for (const { mdp, S, A } of garnetCases(3, 2)) {
      const worse: Update = {
        name: "anti-greedy",
        neighbourhood: "all",
        drift: "zero",
        logSpace: false,
        step(m, policy) {
          const r = gpi().step(m, policy);
          const p = new Float64Array(S * A);
          for (let s = 0; s < S; s++) {
            let w = 0;
            for (let a = 1; a < A; a++) if (r.evaluation.Q[s * A + a] < r.evaluation.Q[s * A + w]) w = a;
            p[s * A + w] = 1;
          }
          return { policy: p, evaluation: r.evaluation };
        },
      };
      const r = optimise(mdp, worse, { iterations: 2 });
      expect(checkMonotone(r.history.eta).monotone).toBe(false);
    }
  });
});
