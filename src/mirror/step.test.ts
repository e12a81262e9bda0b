import { describe, expect, it } from "vitest";
import { testRng } from "../../test/helpers/lengths.js";
import { chiSquaredDrift, randomPolicy, randomRow as randomRowOf, smallGarnet, stepObjective as objective } from "../../test/helpers/mirror.js";
import { TabularMdp } from "../mdp/tabular-mdp.js";
import { garnet } from "../mdp/generators/garnet.js";
import { evaluate } from "../evaluation/evaluate.js";
import { greedyPolicy, uniformPolicy } from "../policy/policy.js";
import {
  type Drift,
  clipDrift,
  customDrift,
  forwardKlDrift,
  reverseKlDrift,
  squaredL2Drift,
  squaredTvDrift,
  zeroDrift,
} from "./drifts.js";
import { mirrorStep, mirrorUpdate, type MirrorStepOptions } from "./step.js";
import { allPolicies, maxKlBall, meanKlBall, mixtureSegment, tvBall } from "./neighbourhoods.js";
import { ValidationError } from "../core/errors.js";

const rng = testRng(99);
const randomRow = (A: number): Float64Array => randomRowOf(rng, A);

const DRIFTS: Drift[] = [
  zeroDrift(),
  forwardKlDrift(0.5),
  reverseKlDrift(2),
  squaredTvDrift(1),
  squaredL2Drift(0.5),
  clipDrift(0.2),
  chiSquaredDrift(), // a user drift
];

/** Random policies, and small perturbations of `center` (where a wrong argmax would show). */
function* candidatePolicies(center: Float64Array, S: number, A: number, n: number): Generator<Float64Array> {
  for (let k = 0; k < n; k++) {
    const p = new Float64Array(S * A);
    if (k % 2 === 0) {
      for (let s = 0; s < S; s++) p.set(randomRow(A), s * A);
    } else {
      const sigma = 10 ** -(1 + (k % 6));
      for (let s = 0; s < S; s++) {
        let sum = 0;
        for (let a = s * A; a < s * A + A; a++) {
          p[a] = Math.max(0, center[a] + sigma * (2 * rng() - 1));
          sum += p[a];
        }
        for (let a = s * A; a < s * A + A; a++) p[a] /= sum;
      }
    }
    yield p;
  }
}

describe("mirrorStep with all policies: the exact step is the argmax", () => {
  const distributionCases: Array<Pick<MirrorStepOptions, "beta" | "nu">> = [
    {},
    { beta: "uniform", nu: "mu" },
    { beta: new Float64Array([0.3, 0, 0.2, 0.1, 0.25, 0.15]), nu: new Float64Array([0.1, 0.2, 0, 0.3, 0.2, 0.2]) },
  ];
  it.each(DRIFTS.map((d) => [d.name, d] as const))("%s: not beaten by the generic solver nor by 1000 random policies", (_n, drift) => {
    for (let trial = 0; trial < 3; trial++) {
      const mdp = smallGarnet(10 + trial);
      const { S, A } = mdp;
      const pi = randomPolicy(rng, S, A, drift.kind === "reverseKl" || drift.kind === "custom" ? 0 : 0.2);
      const opts = { drift, ...distributionCases[trial] };
      const exact = mirrorStep(mdp, pi, opts);
      const generic = mirrorStep(mdp, pi, { ...opts, solver: "generic", evaluation: exact.evaluation });
      const best = objective(exact, pi, drift, exact.policy, S, A);
      expect(Math.abs(best - exact.objective)).toBeLessThan(1e-12);
      expect(objective(exact, pi, drift, generic.policy, S, A)).toBeLessThanOrEqual(best + 1e-9);
      if (drift.kind !== "clip" && drift.kind !== "zero" && drift.kind !== "squaredTv") {
        // Smooth strictly convex drifts: the generic solver reaches the same maximum.
        expect(best - generic.objective).toBeLessThan(1e-8);
      }
      let worst = -Infinity;
      for (const p of candidatePolicies(exact.policy, S, A, 1000)) worst = Math.max(worst, objective(exact, pi, drift, p, S, A) - best);
      expect(worst).toBeLessThanOrEqual(1e-9);
      // beta(s) = 0 keeps pi_old.
      for (let s = 0; s < S; s++) {
        if (exact.beta[s] !== 0) continue;
        for (let a = s * A; a < s * A + A; a++) expect(exact.policy[a]).toBe(pi[a]);
      }
      mdp.dispose();
    }
  });
});

describe("monotone improvement on random garnets (Mirror Learning theorem)", () => {
  const cases: Array<[string, MirrorStepOptions]> = [
    ...DRIFTS.map((d): [string, MirrorStepOptions] => [d.name, { drift: d }]),
    ["meanKl(0.05)", { neighbourhood: meanKlBall(0.05) }],
    ["meanKl(0.05) + forwardKl(0.3)", { neighbourhood: meanKlBall(0.05), drift: forwardKlDrift(0.3) }],
    ["maxKl(0.02)", { neighbourhood: maxKlBall(0.02) }],
    ["tv(0.1)", { neighbourhood: tvBall(0.1) }],
    ["mixture(0.3)", { neighbourhood: mixtureSegment(0.3) }],
    ["mixture(0.5) + squaredL2(1)", { neighbourhood: mixtureSegment(0.5), drift: squaredL2Drift(1) }],
  ];
  it.each(cases)("%s: eta(pi_new) >= eta(pi_old) - 1e-12 on 50 garnets", (_n, opts) => {
    for (let seed = 0; seed < 50; seed++) {
      const S = 4 + (seed % 7);
      const A = 2 + (seed % 4);
      const mdp = garnet({ S, A, branching: 1 + (seed % 3), seed: 1000 + seed, gamma: 0.8 + 0.15 * ((seed % 5) / 4) });
      const pi = randomPolicy(rng, S, A, opts.drift?.kind === "reverseKl" ? 0 : 0.3);
      const step = mirrorStep(mdp, pi, opts);
      const after = evaluate(mdp, step.policy);
      expect(after.eta).toBeGreaterThanOrEqual(step.evaluation.eta! - 1e-12);
      mdp.dispose();
    }
  });
});

describe("identities", () => {
  it("NPG with a huge step equals policy iteration's greedy step", () => {
    for (let seed = 0; seed < 20; seed++) {
      const mdp = smallGarnet(200 + seed, 8, 4);
      const pi = uniformPolicy(mdp.S, mdp.A);
      const step = mirrorStep(mdp, pi, { drift: reverseKlDrift(1e12) });
      const greedy = greedyPolicy(step.evaluation.Q!, mdp.S, mdp.A);
      for (let i = 0; i < greedy.length; i++) expect(Math.abs(step.policy[i] - greedy[i])).toBeLessThan(1e-12);
      expect(Array.from(mirrorStep(mdp, pi, { evaluation: step.evaluation }).policy)).toEqual(Array.from(greedy));
      mdp.dispose();
    }
  });

  it("forward KL with C -> 0 and the KL balls with a huge radius give a greedy policy's gain", () => {
    const mdp = smallGarnet(7);
    const pi = randomPolicy(rng, mdp.S, mdp.A);
    const greedy = mirrorStep(mdp, pi);
    for (const opts of [{ drift: forwardKlDrift(1e-9) }, { neighbourhood: meanKlBall(1e6) }, { neighbourhood: tvBall(1) }]) {
      const r = mirrorStep(mdp, pi, { ...opts, evaluation: greedy.evaluation });
      expect(Math.abs(r.surrogate - greedy.surrogate)).toBeLessThan(1e-6);
    }
    mdp.dispose();
  });

  it("carries log-probabilities through many NPG steps without underflow", () => {
    const mdp = smallGarnet(3, 10, 4);
    let pi = uniformPolicy(mdp.S, mdp.A);
    let logPolicy: Float64Array | undefined;
    let eta = -Infinity;
    for (let k = 0; k < 40; k++) {
      const r = mirrorStep(mdp, pi, { drift: reverseKlDrift(200), logPolicy });
      expect(r.evaluation.eta!).toBeGreaterThanOrEqual(eta - 1e-12);
      eta = r.evaluation.eta!;
      pi = r.policy;
      logPolicy = r.logPolicy!;
      for (const l of logPolicy) expect(Number.isFinite(l)).toBe(true);
    }
    expect(pi.some((p) => p === 0)).toBe(true);
    mdp.dispose();
  });
});

/** A one-state bandit: gamma = 0, so Q = R and A = R - <pi, R>. */
function bandit(R: number[]): TabularMdp {
  const A = R.length;
  return TabularMdp.fromDense({ S: 1, A, P: new Array(A).fill(1), R, gamma: 0 });
}

describe("bandits: closed forms", () => {
  const pi = new Float64Array([0.5, 0.5]);
  const mdp = bandit([1, -1]);

  it("NPG: pi exp(eta A) / Z", () => {
    const r = mirrorStep(mdp, pi, { drift: reverseKlDrift(0.7) });
    expect(r.policy[0]).toBeCloseTo(1 / (1 + Math.exp(-1.4)), 15);
    expect(r.logPolicy![1]).toBeCloseTo(-0.7 - Math.log(Math.exp(0.7) + Math.exp(-0.7)), 14);
  });

  it("TRL: lambda from the quadratic, p = C pi / (lambda - A)", () => {
    const C = 0.8;
    // (l - 1)(l + 1) = C/2 (l + 1) + C/2 (l - 1) => l^2 - C l - 1 = 0.
    const lam = (C + Math.sqrt(C * C + 4)) / 2;
    const r = mirrorStep(mdp, pi, { drift: forwardKlDrift(C) });
    expect(r.policy[0]).toBeCloseTo((C * 0.5) / (lam - 1), 14);
  });

  it("squared L2 and squared TV: interior closed forms", () => {
    expect(mirrorStep(mdp, pi, { drift: squaredL2Drift(4) }).policy[0]).toBeCloseTo(0.5 + 2 / 16, 15);
    // max tau (A0 - A1) - C tau^2 => tau = 2 / (2C).
    expect(mirrorStep(mdp, pi, { drift: squaredTvDrift(5) }).policy[0]).toBeCloseTo(0.5 + 0.2, 15);
  });

  it("PPO clip: ratios pushed to the clip edge, the surplus to the least costly side", () => {
    const m = bandit([0.6, -0.4]);
    const p0 = new Float64Array([0.4, 0.6]);
    const r = mirrorStep(m, p0, { drift: clipDrift(0.2, 2) });
    expect(r.policy[0]).toBeCloseTo(0.48, 15);
    expect(r.policy[1]).toBeCloseTo(0.52, 15);
    m.dispose();
  });

  it("TRPO and max-KL balls: -1/2 log(4 p (1 - p)) = delta", () => {
    for (const delta of [1e-6, 1e-3, 0.1, 0.5]) {
      const p0 = (1 + Math.sqrt(1 - Math.exp(-2 * delta))) / 2;
      for (const n of [meanKlBall(delta), maxKlBall(delta)]) {
        const r = mirrorStep(mdp, pi, { neighbourhood: n });
        expect(Math.abs(r.policy[0] - p0)).toBeLessThan(1e-12);
        expect(Math.abs(r.constraint! - delta) / delta).toBeLessThan(1e-12);
        expect(r.multiplier!).toBeGreaterThan(0);
      }
    }
  });

  it("TV ball and CPI: p = pi + delta, alpha = alphaMax", () => {
    expect(mirrorStep(mdp, pi, { neighbourhood: tvBall(0.3) }).policy[0]).toBeCloseTo(0.8, 15);
    const r = mirrorStep(mdp, pi, { neighbourhood: mixtureSegment(0.25) });
    expect(r.alpha).toBe(0.25);
    expect(r.policy[0]).toBeCloseTo(0.625, 15);
  });
});

describe("distributions and edge cases", () => {
  const mdp = smallGarnet(800);
  const { S, A } = mdp;
  const pi = randomPolicy(rng, S, A, 0.2);
  const ev = evaluate(mdp, pi);

  it("w(s) = nu(s)/beta(s) overflowing to +Infinity: KL drifts keep pi_old, the zero drift is greedy, the clip drift stays at zero drift", () => {
    // beta(2) > 0 but 0.2 / beta(2) overflows: the limit w -> inf.
    const beta = new Float64Array(S).fill((1 - 1e-320) / (S - 1));
    beta[2] = 1e-320;
    const nu = new Float64Array(S).fill(0.8 / (S - 1));
    nu[2] = 0.2;
    for (const drift of [forwardKlDrift(1), reverseKlDrift(1), squaredL2Drift(1), squaredTvDrift(1)]) {
      const r = mirrorStep(mdp, pi, { drift, beta, nu, evaluation: ev });
      expect(r.weights[2]).toBe(Infinity);
      for (let a = 2 * A; a < 3 * A; a++) expect(r.policy[a]).toBeCloseTo(pi[a], 15);
    }
    const g = mirrorStep(mdp, pi, { beta, nu, evaluation: ev });
    expect(Array.from(g.policy.subarray(2 * A, 3 * A))).toEqual(Array.from(greedyPolicy(ev.advantage, S, A).subarray(2 * A, 3 * A)));
    const c = mirrorStep(mdp, pi, { drift: clipDrift(0.2), beta, nu, evaluation: ev });
    expect(clipDrift(0.2).value(pi, c.policy, 2, A, ev.advantage)).toBe(0);
    expect(Number.isFinite(c.objective)).toBe(true);
  });

  it("nu(s) = 0 < beta(s): the drift does not count in s, every drift's step there is greedy", () => {
    const nu = new Float64Array(S).fill(1 / (S - 1));
    nu[2] = 0;
    const greedyRow = Array.from(greedyPolicy(ev.advantage, S, A).subarray(2 * A, 3 * A));
    for (const drift of [zeroDrift(), forwardKlDrift(1), reverseKlDrift(1), squaredL2Drift(1), squaredTvDrift(1), clipDrift(0.2), chiSquaredDrift()]) {
      const r = mirrorStep(mdp, pi, { drift, nu, beta: "uniform", evaluation: ev });
      expect(r.weights[2]).toBe(0);
      const row = Array.from(r.policy.subarray(2 * A, 3 * A));
      // The generic solver (the user drift) approaches the vertex to its Frank-Wolfe gap.
      for (let a = 0; a < A; a++) expect(Math.abs(row[a] - greedyRow[a])).toBeLessThan(drift.kind === "custom" ? 1e-6 : 1e-15);
      expect(Number.isFinite(r.objective)).toBe(true);
    }
  });

  it("beta(s) = 0 < nu(s): the surrogate of s vanishes, its drift does not; every drift keeps pi_old there", () => {
    const beta = new Float64Array(S).fill(1 / (S - 1));
    beta[2] = 0;
    for (const drift of [zeroDrift(), forwardKlDrift(1), reverseKlDrift(1), squaredL2Drift(1), squaredTvDrift(1), clipDrift(0.2), chiSquaredDrift()]) {
      for (const neighbourhood of [allPolicies(), meanKlBall(0.05), maxKlBall(0.05)]) {
        const r = mirrorStep(mdp, pi, { drift, neighbourhood, beta, nu: "uniform", evaluation: ev });
        expect(r.weights[2]).toBe(Infinity);
        for (let a = 2 * A; a < 3 * A; a++) expect(r.policy[a]).toBe(pi[a]);
      }
    }
    // The mixture's one weight moves s too: the objective charges its drift under nu.
    const drift = forwardKlDrift(1);
    const r = mirrorStep(mdp, pi.map((v) => v) as Float64Array, { drift, neighbourhood: mixtureSegment(0.5), beta, nu: "uniform", evaluation: ev });
    expect(r.alpha!).toBeGreaterThan(0);
    expect(Math.abs(r.objective - objective(r, pi, drift, r.policy, S, A))).toBeLessThan(1e-12);
    expect(drift.value(pi, r.policy, 2, A)).toBeGreaterThan(0);
  });

  it("beta(s) = nu(s) = 0: the state keeps pi_old", () => {
    const d = new Float64Array(S).fill(1 / (S - 1));
    d[2] = 0;
    for (const drift of [zeroDrift(), forwardKlDrift(1), reverseKlDrift(1), clipDrift(0.2)]) {
      const r = mirrorStep(mdp, pi, { drift, beta: d, nu: d, evaluation: ev });
      expect(r.weights[2]).toBe(0);
      for (let a = 2 * A; a < 3 * A; a++) expect(r.policy[a]).toBe(pi[a]);
    }
  });

  it("mirrorUpdate gives the same step from the evaluation alone", () => {
    const a = mirrorStep(mdp, pi, { drift: forwardKlDrift(1), evaluation: ev });
    const b = mirrorUpdate({ S, A, policy: pi, advantage: ev.advantage, visitation: ev.d, mu: mdp.mu.slice() }, { drift: forwardKlDrift(1) });
    expect(Array.from(b.policy)).toEqual(Array.from(a.policy));
  });

  it("rejects bad input with ValidationError", () => {
    expect(() => mirrorStep(mdp, pi, { neighbourhood: tvBall(0.1), drift: reverseKlDrift(1), evaluation: ev })).toThrow(ValidationError);
    expect(() => mirrorStep(mdp, pi, { beta: new Float64Array(S).fill(0.5), evaluation: ev })).toThrow(ValidationError);
    expect(() => mirrorStep(mdp, pi, { logPolicy: new Float64Array(S * A).fill(Math.log(1 / A)), evaluation: ev })).toThrow(ValidationError);
    expect(() => mirrorStep(mdp, pi.map((v) => v * 2), { evaluation: ev })).toThrow(ValidationError);
    expect(() => meanKlBall(-1)).toThrow(ValidationError);
    expect(() => mixtureSegment(1.5)).toThrow(ValidationError);
    expect(() => mirrorStep(mdp, pi, { solver: "fast" as never, evaluation: ev })).toThrow(ValidationError);
  });

  it("names the drift, the state and the bad number when a user drift returns NaN or a negative value", () => {
    const squares = (o: ArrayLike<number>, p: ArrayLike<number>, s: number, A: number): number => {
      let t = 0;
      for (let a = s * A; a < s * A + A; a++) t += (p[a] - o[a]) ** 2;
      return t;
    };
    const gradient = (o: ArrayLike<number>, p: ArrayLike<number>, s: number, A: number, out: Float64Array): void => {
      for (let a = s * A; a < s * A + A; a++) out[a] = 2 * (p[a] - o[a]);
    };
    const nanValue = customDrift({ name: "nan-value", value: (o, p, s, A) => (s === 2 ? NaN : squares(o, p, s, A)), gradient });
    expect(() => mirrorStep(mdp, pi, { drift: nanValue, evaluation: ev })).toThrow(/nan-value.*value\(\).*NaN.*state 2/s);
    const negative = customDrift({ name: "negative", value: (o, p, s, A) => -1 - squares(o, p, s, A), gradient });
    expect(() => mirrorStep(mdp, pi, { drift: negative, evaluation: ev })).toThrow(/negative.*>= 0/s);
    const nanGradient = customDrift({
      name: "nan-gradient",
      value: squares,
      gradient: (o, p, s, A, out) => {
        gradient(o, p, s, A, out);
        if (s === 1) out[s * A] = NaN;
      },
    });
    expect(() => mirrorStep(mdp, pi, { drift: nanGradient, evaluation: ev })).toThrow(/nan-gradient.*gradient\(\).*state 1, action 0/s);
    // The same drift, well behaved, solves (the squared-L2 step, up to the generic solver's tolerance).
    const ok = mirrorStep(mdp, pi, { drift: customDrift({ name: "l2", value: squares, gradient }), evaluation: ev });
    expect(Number.isFinite(ok.objective)).toBe(true);
  });

  it("calls a user drift on the whole tables with the real state (a state-dependent drift)", () => {
    // D_s = (1 + s) |p - pi_old|^2: in state s the exact squared-L2 step with C = 1 + s.
    const weighted = customDrift({
      name: "weighted-l2",
      value(o, p, s, A) {
        let t = 0;
        for (let a = s * A; a < s * A + A; a++) t += (p[a] - o[a]) ** 2;
        return (1 + s) * t;
      },
      gradient(o, p, s, A, out) {
        for (let a = s * A; a < s * A + A; a++) out[a] = 2 * (1 + s) * (p[a] - o[a]);
      },
    });
    const generic = mirrorStep(mdp, pi, { drift: weighted, evaluation: ev, beta: "uniform", nu: "uniform" });
    for (let s = 0; s < S; s++) {
      const exact = mirrorStep(mdp, pi, { drift: squaredL2Drift(1 + s), evaluation: ev, beta: "uniform", nu: "uniform" });
      for (let a = s * A; a < s * A + A; a++) expect(Math.abs(generic.policy[a] - exact.policy[a])).toBeLessThan(1e-7);
    }
  });

  it("delta = 0 keeps pi_old", () => {
    for (const n of [meanKlBall(0), maxKlBall(0), tvBall(0), mixtureSegment(0)]) {
      expect(Array.from(mirrorStep(mdp, pi, { neighbourhood: n, evaluation: ev }).policy)).toEqual(Array.from(pi));
    }
  });

  it("uses allPolicies() and the zero drift by default", () => {
    const r = mirrorStep(mdp, pi, { neighbourhood: allPolicies(), evaluation: ev });
    expect(r.solver).toBe("exact");
    expect(r.drift).toBe(0);
    expect(r.constraint).toBeUndefined();
  });
});
