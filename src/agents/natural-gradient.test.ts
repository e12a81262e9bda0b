import { describe, expect, it } from "vitest";
import { f32Block, i32Block, scratch } from "../core/arena.js";
import { heapF32 } from "../nn/tensor.js";
import { Rng } from "../core/rng.js";
import { randomMdp } from "../mdp/generators/random-mdp.js";
import { evaluate } from "../evaluation/evaluate.js";
import { npg } from "../instances/npg.js";
import { mirrorStep } from "../mirror/step.js";
import { reverseKlDrift } from "../mirror/drifts.js";
import { allPolicies } from "../mirror/neighbourhoods.js";
import { ActorCritic } from "./actor-critic.js";
import { backtrackingLineSearch, conjugateGradient, NaturalGradientStep, trustRegionStepSize } from "./natural-gradient.js";

describe("conjugateGradient (sb3-contrib's steps, f32)", () => {
  /** A random symmetric positive definite n x n matrix (Q D Q^T-like: B B^T + n I / 4). */
  function spd(n: number, rng: Rng): Float64Array {
    const B = Float64Array.from({ length: n * n }, () => rng.normal());
    const M = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = i === j ? n / 4 : 0;
      for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
      M[i * n + j] = s / n;
    }
    return M;
  }
  const matvec = (M: Float64Array, n: number) => (p: number, out: number): void => {
    const h = heapF32();
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += M[i * n + j] * h[(p >>> 2) + j];
      h[(out >>> 2) + i] = s;
    }
  };

  it("solves an SPD system in at most n products, and takes exactly maxSteps otherwise", () => {
    const rng = new Rng(2);
    const n = 12;
    const M = spd(n, rng);
    const bs = Float64Array.from({ length: n }, () => rng.normal());
    scratch((take) => {
      const b = take(f32Block(n, bs)), x = take(f32Block(n)), r = take(f32Block(n)), p = take(f32Block(n)), q = take(f32Block(n));
      let products = 0;
      const op = (a: number, o: number): void => {
        products++;
        matvec(M, n)(a, o);
      };
      const res = conjugateGradient(op, b, x, { r, p, q }, { maxSteps: 3 * n, residualTolerance: 1e-10 });
      expect(res.steps).toBe(products);
      expect(res.steps).toBeLessThanOrEqual(3 * n);
      const xs = x.toArray();
      let err = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += M[i * n + j] * xs[j];
        err = Math.max(err, Math.abs(s - bs[i]));
      }
      expect(err).toBeLessThan(1e-4);
      // sb3-contrib runs exactly max_iter products when the residual stays large.
      products = 0;
      expect(conjugateGradient(op, b, x, { r, p, q }, { maxSteps: 3 }).steps).toBe(3);
      expect(products).toBe(3);
      // A zero right-hand side: no product, x = 0.
      const zero = take(f32Block(n));
      zero.view.fill(0);
      products = 0;
      expect(conjugateGradient(op, zero, x, { r, p, q }, { maxSteps: 5 }).steps).toBe(0);
      expect(products).toBe(0);
      expect(Array.from(x.view)).toEqual(new Array(n).fill(0));
      expect(() => conjugateGradient(op, b, x, { r, p, q }, { maxSteps: 0 })).toThrow(/maxSteps/);
      expect(() => conjugateGradient(op, b, x, { r, p, q }, { maxStep: 3 } as never)).toThrow(/did you mean "maxSteps"/);
    });
  });
});

describe("backtrackingLineSearch", () => {
  it("accepts the first coefficient 1, c, c^2, ... inside the KL bound that improves, else none", () => {
    const tried: number[] = [];
    const res = backtrackingLineSearch((c) => {
      tried.push(c);
      return { objective: 1 + c, kl: c * c };
    }, 1, { targetKl: 0.1, shrinkingFactor: 0.5, maxIter: 10 });
    expect(tried).toEqual([1, 0.5, 0.25]);
    expect(res).toEqual({ accepted: true, coefficient: 0.25, objective: 1.25, kl: 0.0625, iterations: 3 });
    // No improvement anywhere: rejected after maxIter tries; NaN candidates are rejected too.
    const none = backtrackingLineSearch((c) => ({ objective: c > 0.3 ? NaN : 0.5, kl: 0 }), 1, { targetKl: 1, shrinkingFactor: 0.5, maxIter: 4 });
    expect(none).toEqual({ accepted: false, coefficient: 0, objective: 1, kl: 0, iterations: 4 });
    expect(trustRegionStepSize(0.01, 0.02)).toBeCloseTo(1, 12);
    expect(trustRegionStepSize(0.01, 0)).toBe(0);
    expect(trustRegionStepSize(0.01, NaN)).toBe(0);
  });
});

/**
 * A tabular softmax policy: one-hot observations of S states into a linear
 * actor (netArch []: logits = W[s, :] + b).
 */
function tabularPolicy(S: number, A: number, seed: number): ActorCritic {
  const rng = new Rng(seed);
  const pol = new ActorCritic({ obsSize: S, nActions: A, netArch: [], rng });
  const p = pol.actor.parameters();
  for (let i = 0; i < p.length; i++) p[i] = rng.uniform(-1, 1);
  pol.actor.setParameters(p);
  return pol;
}

function oneHot(states: ArrayLike<number>, S: number): Float32Array {
  const x = new Float32Array(states.length * S);
  for (let r = 0; r < states.length; r++) x[r * S + states[r]] = 1;
  return x;
}

/** pi(a|s) of the tabular policy, S x A (f64, rows renormalised: the f32 softmax sums to 1 within 1e-7). */
function tabularProbabilities(pol: ActorCritic, S: number): Float64Array {
  const A = pol.nActions;
  const x = oneHot(Array.from({ length: S }, (_, s) => s), S);
  pol.distribution(x, S);
  const pi = Float64Array.from(pol.logp.view.subarray(0, S * A), Math.exp);
  for (let s = 0; s < S; s++) {
    let z = 0;
    for (let a = 0; a < A; a++) z += pi[s * A + a];
    for (let a = 0; a < A; a++) pi[s * A + a] /= z;
  }
  return pi;
}

/**
 * The natural-gradient step on a batch of rows (s_r, a_r, advantage_r) with
 * logpOld = the policy's own log-probabilities (ratio 1), returning pi_new.
 */
function naturalStep(pol: ActorCritic, S: number, states: number[], actions: number[], adv: number[], eta: number, damping: number): Float64Array {
  const rows = states.length;
  return scratch((take) => {
    const obs = take(f32Block(rows * S, oneHot(states, S)));
    const acts = take(i32Block(rows, actions));
    pol.logProbForward(obs, rows, acts);
    const logpOld = take(f32Block(rows, pol.logpAct.view.subarray(0, rows)));
    const advantages = take(f32Block(rows, adv));
    const step = new NaturalGradientStep(pol, { damping, cgMaxSteps: 200 });
    try {
      const dir = step.direction({ obs, actions: acts, logpOld, advantages, rows });
      expect(dir.sFs).toBeGreaterThan(0);
      step.evaluate(eta);
    } finally {
      step.dispose();
    }
    return tabularProbabilities(pol, S);
  });
}

describe("NPG with a tabular softmax policy is the exact NPG step pi_old exp(eta A) / Z", () => {
  const S = 5;
  const A = 3;
  const mdp = randomMdp({ S, A, gamma: 0.9, seed: 4 });

  it("with exact advantages fed directly (one row per (s, a), weighted by pi_old(a|s))", () => {
    for (const eta of [0.3, 2]) {
      const pol = tabularPolicy(S, A, 7);
      try {
        const piOld = tabularProbabilities(pol, S);
        const { advantage } = evaluate(mdp, piOld);
        // The surrogate's gradient at s is (1/N) sum_a w_a (e_a - pi_s); with w_a = A pi(a|s) Adv(s, a) it is
        // (A/N) pi_s * Adv_s, and the Fisher block of s is (A/N) (diag(pi_s) - pi_s pi_s^T): their ratio is Adv_s
        // (up to a constant per state), whatever the batch's state frequencies.
        const states: number[] = [], actions: number[] = [], adv: number[] = [];
        for (let s = 0; s < S; s++) for (let a = 0; a < A; a++) {
          states.push(s);
          actions.push(a);
          adv.push(A * piOld[s * A + a] * advantage[s * A + a]);
        }
        const piNew = naturalStep(pol, S, states, actions, adv, eta, 1e-6);
        const exact = npg({ stepSize: eta }).step(mdp, piOld).policy;
        const mirror = mirrorStep(mdp, piOld, { drift: reverseKlDrift(eta), neighbourhood: allPolicies() }).policy;
        let err = 0;
        for (let i = 0; i < S * A; i++) {
          err = Math.max(err, Math.abs(piNew[i] - exact[i]));
          expect(Math.abs(mirror[i] - exact[i])).toBeLessThan(1e-12);
        }
        // f32 parameters and conjugate gradients in f32, damping 1e-6 against Fisher eigenvalues ~1e-2.
        expect(err, `eta ${eta}`).toBeLessThan(5e-5);
      } finally {
        pol.dispose();
      }
    }
  });

  it("with sampled actions and exact advantages: the error shrinks like 1/sqrt(rows), and a state's frequency does not matter", () => {
    const eta = 0.5;
    const errors: number[] = [];
    for (const perState of [40, 400, 4000]) {
      const pol = tabularPolicy(S, A, 7);
      try {
        const piOld = tabularProbabilities(pol, S);
        const { advantage } = evaluate(mdp, piOld);
        const rng = new Rng(11);
        const states: number[] = [], actions: number[] = [], adv: number[] = [];
        for (let s = 0; s < S; s++) {
          // Unequal state frequencies (1, 2, ..., S times perState): the step does not depend on them.
          for (let i = 0; i < (s + 1) * perState; i++) {
            let u = rng.random();
            let a = 0;
            while (a < A - 1 && (u -= piOld[s * A + a]) >= 0) a++;
            states.push(s);
            actions.push(a);
            adv.push(advantage[s * A + a]);
          }
        }
        const piNew = naturalStep(pol, S, states, actions, adv, eta, 1e-6);
        const exact = npg({ stepSize: eta }).step(mdp, piOld).policy;
        let err = 0;
        for (let i = 0; i < S * A; i++) err = Math.max(err, Math.abs(piNew[i] - exact[i]));
        errors.push(err);
      } finally {
        pol.dispose();
      }
    }
    // 10x the rows: about sqrt(10) ~ 3.2x smaller errors (sampling noise of the per-state gradients).
    expect(errors[1]).toBeLessThan(errors[0] / 1.8);
    expect(errors[2]).toBeLessThan(errors[1] / 1.8);
    expect(errors[2]).toBeLessThan(0.01);
  });
});
