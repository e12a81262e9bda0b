/**
 * Test data for the mirror module: random policies (with zeros), advantages,
 * coefficients, a user drift, the independent objective of a step, and the
 * fast-check arbitraries of the hostile-input property tests.
 */
import fc from "fast-check";
import {
  clipDrift,
  forwardKlDrift,
  reverseKlDrift,
  squaredL2Drift,
  squaredTvDrift,
  zeroDrift,
} from "../../src/mirror/drifts.js";
import { allPolicies, maxKlBall, meanKlBall, mixtureSegment, tvBall } from "../../src/mirror/neighbourhoods.js";
import { ampo, analytical, cpi, gpi, npg, ppo, qNpg, tabularFeatures, trl, trpo, tsallis, type Update } from "../../src/instances/index.js";

import { type Drift, customDrift } from "../../src/mirror/drifts.js";
import { PARITY_LENGTHS, randomArray } from "./lengths.js";
import { garnet } from "../../src/mdp/generators/garnet.js";
import type { TabularMdp } from "../../src/mdp/tabular-mdp.js";

/**
 * The (S, A) shapes of the per-state kernels' parity tests: for every
 * parity length n > 0, (2, n) (one long row per state) and (n, 1 + n mod 5)
 * (many short rows).
 */
export const PER_STATE_SHAPES: [number, number][] = PARITY_LENGTHS.filter((n) => n > 0).flatMap((n) => [
  [2, n] as [number, number],
  [n, 1 + (n % 5)] as [number, number],
]);

/** A random policy over S states and A actions; each entry is zeroed with probability `zeros` (rows keep one positive entry). */
export function randomPolicy(rng: () => number, S: number, A: number, zeros = 0): Float64Array {
  const pi = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    let sum = 0;
    const keep = Math.floor(rng() * A);
    for (let a = 0; a < A; a++) {
      const v = a !== keep && rng() < zeros ? 0 : rng() + 0.05;
      pi[s * A + a] = v;
      sum += v;
    }
    for (let a = 0; a < A; a++) pi[s * A + a] /= sum;
  }
  return pi;
}

/** Advantages of `pi`: random values centred so that sum_a pi(a|s) A(s,a) = 0, times `scale`. */
export function randomAdvantage(rng: () => number, pi: Float64Array, S: number, A: number, scale = 1): Float64Array {
  const adv = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    let mean = 0;
    for (let a = 0; a < A; a++) {
      adv[s * A + a] = scale * (2 * rng() - 1);
      mean += pi[s * A + a] * adv[s * A + a];
    }
    for (let a = 0; a < A; a++) adv[s * A + a] -= mean;
  }
  return adv;
}

/**
 * S per-state coefficients uniform in [0, hi), except coef[0] = 0 and
 * coef[1] = +inf when S > 2 (the greedy and keep-pi limits in one table).
 */
export function randomCoefficients(rng: () => number, S: number, hi = 3): Float64Array {
  const coef = randomArray(rng, S, 0, hi);
  if (S > 2) {
    coef[0] = 0;
    coef[1] = Infinity;
  }
  return coef;
}

/** max_i |x_i - y_i| / max(1, |y_i|), treating equal infinities as equal. */
export function maxRelDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === y[i]) continue;
    const d = Math.abs(x[i] - y[i]) / Math.max(1, Math.abs(y[i]));
    m = Math.max(m, Number.isNaN(d) ? Infinity : d);
  }
  return m;
}

/** Row sums of an S*A table. */
export function rowSums(x: ArrayLike<number>, S: number, A: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < S; s++) {
    let t = 0;
    for (let a = 0; a < A; a++) t += x[s * A + a];
    out.push(t);
  }
  return out;
}

/**
 * A user drift built with `customDrift`: the chi-squared divergence
 * D(q, p)(s) = 0.7 sum_a (p(a|s) - q(a|s))^2 / q(a|s), gradient in p
 * 1.4 (p - q) / q. Rows of q must be positive.
 */
export function chiSquaredDrift(): Drift {
  return customDrift({
    name: "chi2",
    // Outside pi_old's support: 0 where p = 0 too, +inf where p > 0 (gradient 0: such p stay 0).
    value(q, p, s, A) {
      let t = 0;
      for (let a = s * A; a < s * A + A; a++) t += q[a] === 0 ? (p[a] === 0 ? 0 : Infinity) : (p[a] - q[a]) ** 2 / q[a];
      return 0.7 * t;
    },
    gradient(q, p, s, A, out) {
      for (let a = s * A; a < s * A + A; a++) out[a] = q[a] === 0 ? 0 : (1.4 * (p[a] - q[a])) / q[a];
    },
  });
}

/**
 * The Mirror Learning objective of a step's result, written independently of
 * src/mirror (Kuba, Schroeder de Witt & Foerster 2022, "Mirror Learning: A
 * Unifying Framework of Policy Optimisation", the Mirror Learning update):
 * E_{s~beta} E_{a~p}[A(s,a)] - E_{s~nu} D(p | s) = sum_s beta(s) <p_s, A_s> - sum_s nu(s) D(p_s | s),
 * with 0 x D = 0 (a state of nu(s) = 0 adds no drift, even an infinite one).
 */
export function stepObjective(
  r: { evaluation: { advantage: Float64Array }; beta: Float64Array; nu: Float64Array },
  pi: Float64Array,
  drift: Drift,
  p: Float64Array,
  S: number,
  A: number,
): number {
  const adv = r.evaluation.advantage;
  let J = 0;
  for (let s = 0; s < S; s++) {
    let g = 0;
    for (let a = s * A; a < s * A + A; a++) g += p[a] * adv[a];
    J += r.beta[s] * g;
    if (r.nu[s] === 0) continue;
    const D = drift.value(pi, p, s, A, adv);
    J -= D === 0 ? 0 : r.nu[s] * D;
  }
  return J;
}

/** A random distribution over A actions, each entry zero with probability 0.2 (one entry kept). */
export function randomRow(rng: () => number, A: number): Float64Array {
  const row = new Float64Array(A);
  let sum = 0;
  for (let a = 0; a < A; a++) {
    row[a] = rng() < 0.2 ? 0 : -Math.log(1 - rng());
    sum += row[a];
  }
  if (sum === 0) {
    row[0] = 1;
    sum = 1;
  }
  for (let a = 0; a < A; a++) row[a] /= sum;
  return row;
}

/** A small dense garnet (branching 3, gamma 0.9). */
export function smallGarnet(seed: number, S = 6, A = 4): TabularMdp {
  return garnet({ S, A, branching: 3, seed, gamma: 0.9 });
}

// ---- Arbitraries of the hostile-input property tests (test/hostile/mirror.test.ts) ----

/** Numbers a user might pass by mistake or on purpose: special values, extremes, ordinary ones. */
export const hostileNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 0.5, 2, 0.2, 1e-300, 5e-324, 1e-12, 1e12, 1e300, Number.MAX_VALUE, Infinity, -Infinity, NaN, 1 + 1e-15),
  fc.double({ noDefaultInfinity: false }),
  fc.double({ min: 0, max: 10, noNaN: true }),
);
/** Anything at all where a number belongs. */
export const hostileValue = fc.oneof(hostileNumber, fc.constantFrom<unknown>(null, undefined, "0.1", true, [], {}, [0.1], () => 1));

/** A random policy over S x A with some zeros. */
export function policyArb(S: number, A: number): fc.Arbitrary<Float64Array> {
  return fc.array(fc.tuple(fc.boolean(), fc.double({ min: 0.01, max: 1, noNaN: true })), { minLength: S * A, maxLength: S * A }).map((xs) => {
    const p = new Float64Array(S * A);
    for (let s = 0; s < S; s++) {
      let sum = 0;
      for (let a = 0; a < A; a++) {
        const [zero, v] = xs[s * A + a];
        p[s * A + a] = zero && a > 0 ? 0 : v;
        sum += p[s * A + a];
      }
      for (let a = 0; a < A; a++) p[s * A + a] /= sum;
    }
    return p;
  });
}

/** A state distribution spec: names, random distributions with zeros, and hostile ones. */
export function distributionArb(S: number, onlyValid = false): fc.Arbitrary<unknown> {
  const random = fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: S, maxLength: S }).map((xs) => {
    const t = xs.reduce((a, b) => a + b, 0);
    const d = Float64Array.from(xs, (x) => (t > 0 ? x / t : 1 / S));
    return d;
  });
  const tiny = fc.integer({ min: 0, max: S - 1 }).map((k) => {
    const d = new Float64Array(S).fill(0);
    d[k] = 1;
    if (S > 1) {
      d[(k + 1) % S] = 5e-324;
    }
    return d;
  });
  const valid = fc.oneof(fc.constantFrom<unknown>(undefined, "visitation", "mu", "uniform"), random, tiny);
  if (onlyValid) return valid;
  return fc.oneof(
    valid,
    valid,
    fc.constantFrom<unknown>("bogus", 3, null, new Float64Array(S + 1).fill(1 / (S + 1)), Float64Array.from({ length: S }, () => -1)),
  );
}

export const DRIFT_FACTORIES: [string, (x: unknown, y: unknown) => unknown][] = [
  ["zero", () => zeroDrift()],
  ["forwardKl", (x) => forwardKlDrift(x as number)],
  ["reverseKl", (x) => reverseKlDrift(x as number)],
  ["squaredTv", (x) => squaredTvDrift(x as number)],
  ["squaredL2", (x) => squaredL2Drift(x as number)],
  ["clip", (x, y) => clipDrift(x as number, y as number)],
  ["clip1", (x) => clipDrift(x as number)],
  ["chi2", () => chiSquaredDrift()],
];

/** A drift, or what a user might pass as one: a factory's (possibly with bad parameters: then the factory throws), a literal, a clone, a wrong type. */
export const driftArb: fc.Arbitrary<() => unknown> = fc.oneof(
  fc.tuple(fc.constantFrom(...DRIFT_FACTORIES), hostileNumber, hostileNumber).map(([[, f], x, y]) => () => f(x, y)),
  fc
    .tuple(fc.constantFrom("zero", "forwardKl", "reverseKl", "squaredTv", "squaredL2", "clip", "custom", "kl", ""), hostileValue, hostileValue)
    .map(([kind, coefficient, epsilon]) => () => ({ kind, coefficient, epsilon })),
  fc
    .tuple(fc.constantFrom(...DRIFT_FACTORIES), fc.double({ min: 1e-3, max: 10, noNaN: true }))
    .map(([[name, f], x]) => () => (name === "chi2" ? { ...(f(x, 1) as object) } : structuredClone(f(x, 1)))),
  fc.constantFrom<() => unknown>(() => null, () => 3, () => "forwardKl", () => [], () => ({})),
);

/** A neighbourhood or what a user might pass as one. */
export function neighbourhoodArb(S: number, A: number): fc.Arbitrary<() => unknown> {
  const factories = fc.tuple(fc.constantFrom("all", "meanKl", "maxKl", "tv", "mixture"), hostileNumber, distributionArb(S)).map(([kind, x, w]) => () => {
    switch (kind) {
      case "all":
        return allPolicies();
      case "meanKl":
        return meanKlBall(x, w as never);
      case "maxKl":
        return maxKlBall(x);
      case "tv":
        return tvBall(x);
      default:
        return mixtureSegment(x);
    }
  });
  const literals = fc
    .tuple(fc.constantFrom("all", "meanKl", "maxKl", "tv", "mixture", "ball"), hostileValue, hostileValue, distributionArb(S), fc.option(policyArb(S, A)))
    .map(([kind, delta, alphaMax, weights, target]) => () => ({ kind, delta, alphaMax, weights, target: target ?? undefined }));
  const clones = fc
    .tuple(fc.constantFrom(0, 1, 2, 3, 4), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([k, x]) => () => structuredClone([allPolicies(), meanKlBall(x), maxKlBall(x), tvBall(x), mixtureSegment(x)][k]));
  return fc.oneof(factories, literals, clones, fc.constantFrom<() => unknown>(() => "meanKl", () => 0.1, () => null));
}

/** A positive number anywhere in the doubles' range, log-uniform, with the extremes themselves. */
export const positive = fc.oneof(
  fc.double({ min: -323, max: 308, noNaN: true }).map((e) => Math.min(10 ** e, Number.MAX_VALUE)),
  fc.constantFrom(5e-324, Number.MIN_VALUE, Number.MAX_VALUE, 1e300, 1e-300, 1),
);
export const validDrift: fc.Arbitrary<unknown> = fc.tuple(fc.integer({ min: 0, max: 7 }), positive, positive).map(([k, x, y]) => {
  const eps = Math.min(x, Number.MAX_VALUE);
  return [
    zeroDrift(),
    forwardKlDrift(x),
    reverseKlDrift(x),
    squaredTvDrift(x),
    squaredL2Drift(x),
    clipDrift(eps, y),
    clipDrift(eps),
    forwardKlDrift(0),
  ][k];
});
export function validNeighbourhood(S: number): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.integer({ min: 0, max: 5 }), fc.oneof(positive, fc.constant(0)), fc.double({ min: 0, max: 1, noNaN: true }), distributionArb(S, true))
    .map(([k, delta, alpha, w]) => {
      const weights = typeof w === "string" || w instanceof Float64Array ? (w as "uniform") : undefined;
      return [allPolicies(), meanKlBall(delta, weights), maxKlBall(delta), tvBall(delta), mixtureSegment(alpha), allPolicies()][k];
    });
}

/** Instance factories with hostile options. */
export function updateArb(S: number, A: number): fc.Arbitrary<() => Update> {
  const features = () => tabularFeatures(S, A);
  return fc.oneof(
    fc.tuple(fc.constantFrom("gpi", "trl", "npg", "trpo", "ppo", "cpi", "analytical", "qNpg", "ampoKl", "ampoTs"), hostileValue, distributionArb(S), hostileValue).map(
      ([name, x, states, y]) =>
        (): Update => {
          switch (name) {
            case "gpi":
              return gpi({ states } as never);
            case "trl":
              return trl({ C: x, states } as never);
            case "npg":
              return npg({ stepSize: x, states } as never);
            case "trpo":
              return trpo({ delta: x } as never);
            case "ppo":
              return ppo({ epsilon: x, states } as never);
            case "cpi":
              return cpi({ alpha: x, rewardSpan: y } as never);
            case "analytical":
              return analytical({ belowHalf: typeof x === "number" ? "clamp" : x, states } as never);
            case "qNpg":
              return qNpg({ features: features(), stepSize: x, ridge: y } as never);
            case "ampoKl":
              return ampo({ mirrorMap: "kl", stepSize: x } as never);
            default:
              return ampo({ mirrorMap: tsallis(0.5), stepSize: x, ridge: y } as never);
          }
        },
    ),
    fc.constantFrom<() => Update>(
      () => npg({ stepSize: (k: number) => 1e300 * 10 ** k }),
      () => npg({ stepSize: () => NaN }),
      () => trl({ C: 1e-300 }),
      () => cpi({ alpha: "optimal" }),
      () => gpi({ stats: "uniform" } as never),
      () => npg(null as never),
      () => ampo({ mirrorMap: { kind: "tsallis", q: 1 }, stepSize: 1 } as never),
      () => qNpg({ features: {} as never, stepSize: 1 }),
    ),
  );
}
