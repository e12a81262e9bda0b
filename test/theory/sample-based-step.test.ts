/**
 * The thesis of mirror-rl, tested: one drift object gives the exact tabular
 * Mirror Learning step (`mirrorStep`) and the sample-based one
 * (`MirrorLearner`), and the second converges to the first as the batch
 * grows (Kuba, Schroeder de Witt & Foerster 2022, "Mirror Learning").
 *
 * Why it holds. With a tabular policy (one-hot observations, no hidden
 * layer: logit(s, a) = W[a][s] + b[a], so every table of per-state
 * policies is reachable) the minibatch loss of MirrorLearner on n samples
 * s_i ~ d_old, a_i ~ pi_old(.|s_i) with the exact advantages A_old(s_i, a_i)
 * is, grouped by state,
 *
 *   L(pi) = sum_s (n_s / n) sum_a (n_sa / n_s) [ r_a A_old(s,a) - D_hat(r_a, A_old(s,a), pi_old(a|s)) ],   r_a = pi(a|s) / pi_old(a|s),
 *
 * and as n grows n_s / n -> d_old(s) and n_sa / n_s -> pi_old(a|s), so that
 * by the estimator's unbiasedness (E_{a~pi_old}[D_hat] = D_old(pi|s)) the
 * inner sum tends to E_{a~pi}[A_old(s,.)] - D_old(pi | s): the per-state
 * objective whose maximiser the exact step takes (beta = nu = d_old, weight
 * 1). The objective separates over states and the policy is tabular, so the
 * maximiser of L is, state by state, the maximiser of the empirical
 * per-state objective, which tends to the exact one (each is strictly
 * concave in pi(.|s) for the KL and L2 drifts; their optimisers are interior
 * here, where softmax logits reach them). Adam on the full batch for many
 * epochs (no advantage normalisation, no entropy bonus, no gradient
 * clipping, the critic idle) reaches the maximiser of L, so what remains is
 * the sampling error of the frequencies: O(1/n) in KL. Advantages are
 * exact (`trainOn`), so GAE's bias and variance do not enter.
 *
 * The clip drift is flat beyond the clip range, so its exact step has a face
 * of maximisers (any ratio >= 1 + eps for a positive advantage is as good) and
 * the exact solver returns one point of it: the distance to that point is
 * not the measure. Its test checks the exact objective instead: the sample
 * step's policy attains the exact step's objective (it lies in the set of
 * maximisers), at every batch size, since the sample objective has the same
 * face as soon as a state's actions are sampled.
 *
 * The squared-TV drift has no per-sample estimator (see src/mirror/drift.ts):
 * MirrorLearner rejects it, so it has no sample-based step to compare.
 */
import { describe, expect, it } from "vitest";
import { MirrorLearner } from "../../src/agents/mirror-learner.js";
import { Rng } from "../../src/core/rng.js";
import { f32Block } from "../../src/core/arena.js";
import { evaluate } from "../../src/evaluation/index.js";
import { garnet } from "../../src/mdp/index.js";
import {
  clipDrift, forwardKlDrift, mirrorStep, reverseKlDrift, squaredL2Drift, squaredTvDrift, type Drift,
} from "../../src/mirror/index.js";
import { oneHotTabularEnv } from "../helpers/one-hot-env.js";

const S = 6;
const A = 3;
const mdp = garnet({ S, A, branching: 3, gamma: 0.9, seed: 1 });

/** The agent's policy table pi[s*A + a], rows renormalised in f64 (the network's are f32). */
function policyTable(agent: MirrorLearner): Float64Array {
  const rows = new Float32Array(S * S);
  for (let s = 0; s < S; s++) rows[s * S + s] = 1;
  const x = f32Block(S * S, rows);
  agent.policy.distribution(x, S);
  const lp = agent.policy.logp.view;
  const pi = new Float64Array(S * A);
  for (let i = 0; i < S * A; i++) pi[i] = Math.exp(lp[i]);
  x.free();
  for (let s = 0; s < S; s++) {
    let z = 0;
    for (let a = 0; a < A; a++) z += pi[s * A + a];
    for (let a = 0; a < A; a++) pi[s * A + a] /= z;
  }
  return pi;
}

/** A tabular learner whose old policy is a random (not uniform) table, set up to optimise one batch to convergence. */
function learner(drift: Drift, n: number): MirrorLearner {
  const agent = new MirrorLearner({
    env: oneHotTabularEnv(mdp, { terminal: "none", maxEpisodeSteps: 50 }), drift, netArch: { pi: [], vf: [] },
    numEnvs: 1, nSteps: 4, batchSize: n, nEpochs: 150, learningRate: 0.05, normalizeAdvantage: false, entCoef: 0,
    maxGradNorm: Infinity, seed: 3,
  });
  const params = agent.policy.store.parameters();
  const { offset, length } = agent.policy.actor.slice;
  const g = new Rng(99);
  for (let i = offset; i < offset + length; i++) params[i] = 0.5 * g.normal();
  agent.policy.store.setParameters(params);
  return agent;
}

interface StepComparison {
  /** sum_s d_old(s) KL(pi_exact(.|s) || pi_sample(.|s)). */
  kl: number;
  /** Exact objective of the exact step minus that of the sample step (>= 0 up to rounding). */
  gap: number;
  /** Exact objective gained by the sample step over staying at pi_old. */
  gain: number;
}

/** One sample-based step on n samples (draw `draw`) against the exact step of the same drift from the same pi_old. */
function compare(drift: Drift, n: number, draw: number): StepComparison {
  const agent = learner(drift, n);
  const piOld = policyTable(agent);
  const ev = evaluate(mdp, piOld);
  const exact = mirrorStep(mdp, piOld, { drift, evaluation: ev }).policy;
  const rng = new Rng(1000 + draw);
  const obs = new Float32Array(n * S);
  const actions = new Int32Array(n);
  const advantages = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let u = rng.random();
    let s = 0;
    while (s < S - 1 && (u -= ev.d[s]) > 0) s++;
    let v = rng.random();
    let a = 0;
    while (a < A - 1 && (v -= piOld[s * A + a]) > 0) a++;
    obs[i * S + s] = 1;
    actions[i] = a;
    advantages[i] = ev.advantage[s * A + a];
  }
  agent.trainOn({ obs, actions, advantages });
  const pi = policyTable(agent);
  agent.dispose();
  const objective = (p: Float64Array): number => {
    let o = 0;
    for (let s = 0; s < S; s++) {
      let surrogate = 0;
      for (let a = 0; a < A; a++) surrogate += p[s * A + a] * ev.advantage[s * A + a];
      o += ev.d[s] * (surrogate - drift.value(piOld, p, s, A, ev.advantage));
    }
    return o;
  };
  let kl = 0;
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      const p = exact[s * A + a];
      if (p > 0) kl += ev.d[s] * p * Math.log(p / pi[s * A + a]);
    }
  }
  return { kl, gap: objective(exact) - objective(pi), gain: objective(pi) - objective(piOld) };
}

const SIZES = [200, 2000, 20000];
const DRAWS = 3;

/** Mean over DRAWS independent batches of each size. */
function sweep(drift: Drift): StepComparison[] {
  return SIZES.map((n) => {
    const runs = Array.from({ length: DRAWS }, (_, k) => compare(drift, n, k));
    const mean = (f: (c: StepComparison) => number) => runs.reduce((t, c) => t + f(c), 0) / DRAWS;
    return { kl: mean((c) => c.kl), gap: mean((c) => c.gap), gain: mean((c) => c.gain) };
  });
}

describe("one sample-based MirrorLearner step moves towards the exact mirrorStep of the same drift", () => {
  for (const [name, drift] of [
    ["forward KL (TRL), C = 0.5", forwardKlDrift(0.5)],
    ["reverse KL (NPG's penalty), eta = 2", reverseKlDrift(2)],
    ["squared L2, C = 3", squaredL2Drift(3)],
  ] as const) {
    it(`${name}: the KL to the exact step's policy shrinks as the batch grows (${SIZES.join(", ")} samples)`, () => {
      const r = sweep(drift);
      console.log(`${drift.name}: d-weighted KL(exact || sample) ${r.map((c, i) => `n=${SIZES[i]}: ${c.kl.toExponential(2)}`).join(", ")}`);
      for (let i = 1; i < r.length; i++) {
        // A tenfold batch: the O(1/n) sampling error falls by far more than half.
        expect(r[i].kl, `n = ${SIZES[i]} against ${SIZES[i - 1]}`).toBeLessThan(0.5 * r[i - 1].kl);
        expect(r[i].gap).toBeLessThan(0.5 * r[i - 1].gap);
      }
      // The largest batch lands on the exact step: far closer to it than the step is long.
      expect(r[r.length - 1].kl).toBeLessThan(1e-4);
      for (const c of r) expect(c.gain).toBeGreaterThan(0);
    });
  }

  it("clip (PPO), eps = 0.2: the sample step attains the exact step's objective at every batch size (a maximiser of the face)", () => {
    const drift = clipDrift(0.2);
    const r = sweep(drift);
    console.log(`${drift.name}: exact objective gap ${r.map((c, i) => `n=${SIZES[i]}: ${c.gap.toExponential(2)}`).join(", ")}; ` +
      `KL to the solver's maximiser ${r.map((c) => c.kl.toExponential(2)).join(", ")}`);
    for (const c of r) {
      expect(Math.abs(c.gap)).toBeLessThan(1e-9 * c.gain);
      expect(c.gain).toBeGreaterThan(1e-3);
    }
  });

  it("the squared-TV drift has no per-sample estimator: MirrorLearner rejects it", () => {
    expect(() => learner(squaredTvDrift(1), 8)).toThrow(/^drift: the squared-TV drift has no per-sample estimator/);
  });
});
