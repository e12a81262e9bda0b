import { describe, expect, it } from "vitest";
import { kernels } from "../../core/wasm.js";
import { f64Block, scratch } from "../../core/arena.js";
import { testRng } from "../../../test/helpers/lengths.js";
import { maxRelDiff, PER_STATE_SHAPES, randomAdvantage, randomCoefficients, randomPolicy } from "../../../test/helpers/mirror.js";
import { klBallSolveTwin, trlSolveTwin } from "./trl.twin.js";
import { klBallSolve, trlSolve } from "./trl.js";
import { klRow } from "./kl.twin.js";

const dot = (p: ArrayLike<number>, q: ArrayLike<number>, off = 0, n = p.length): number => {
  let t = 0;
  for (let a = 0; a < n; a++) t += p[off + a] * q[off + a];
  return t;
};

/** Points of the simplex over 3 actions on a grid of step 1/n. */
function* simplexGrid(n: number): Generator<Float64Array> {
  for (let i = 0; i <= n; i++) for (let j = 0; i + j <= n; j++) yield new Float64Array([i / n, j / n, (n - i - j) / n]);
}

describe("TRL dual and KL-ball kernels: SIMD = scalar = TypeScript twin", () => {
  const k = kernels();
  const rng = testRng(41);
  it.each(PER_STATE_SHAPES)("S = %i, A = %i", (S, A) => {
    const pi = randomPolicy(rng, S, A, 0.25);
    const adv = randomAdvantage(rng, pi, S, A, 2);
    // Outside-support actions sometimes much better than the support.
    for (let i = 0; i < S * A; i++) if (pi[i] === 0 && rng() < 0.5) adv[i] += 3 * rng();
    const coef = randomCoefficients(rng, S);
    const delta = 0.05;
    const ref = trlSolveTwin(pi, adv, coef, S, A);
    const ball = klBallSolveTwin(pi, adv, coef.map((c) => (c === Infinity ? c : c / 10)), S, A, delta);
    scratch((take) => {
      const p = take(f64Block(S * A, pi));
      const q = take(f64Block(S * A, adv));
      const c = take(f64Block(S, coef));
      const b = take(f64Block(S, coef.map((v) => (v === Infinity ? v : v / 10))));
      const o = take(f64Block(S * A));
      const m = take(f64Block(S));
      for (const name of ["mirrorTrlSolveSimd", "mirrorTrlSolveScalar"] as const) {
        k[name](p.ptr, q.ptr, c.ptr, S, A, o.ptr);
        expect(maxRelDiff(o.view, ref)).toBeLessThan(1e-12);
      }
      for (const name of ["mirrorKlBallSolveSimd", "mirrorKlBallSolveScalar"] as const) {
        k[name](p.ptr, q.ptr, b.ptr, S, A, delta, o.ptr, m.ptr);
        expect(maxRelDiff(o.view, ball.policy)).toBeLessThan(1e-10);
      }
    });
  });
});

describe("trlSolve", () => {
  const rng = testRng(17);

  it("satisfies the KKT conditions: A(a) + c pi(a)/p(a) is one lambda on pi's support, sum p = 1", () => {
    for (let trial = 0; trial < 300; trial++) {
      const A = 2 + Math.floor(rng() * 7);
      const pi = randomPolicy(rng, 1, A, 0.2);
      const adv = randomAdvantage(rng, pi, 1, A, 10 ** (3 * rng() - 1));
      for (let a = 0; a < A; a++) if (pi[a] === 0 && rng() < 0.5) adv[a] += 2 * rng();
      const c = 10 ** (4 * rng() - 2);
      const p = trlSolve(pi, adv, new Float64Array([c]), 1, A);
      let sum = 0;
      const lambdas: number[] = [];
      for (let a = 0; a < A; a++) {
        sum += p[a];
        if (pi[a] > 0) lambdas.push(adv[a] + (c * pi[a]) / p[a]);
      }
      expect(Math.abs(sum - 1)).toBeLessThan(1e-15 * A);
      const lam = lambdas[0];
      for (const l of lambdas) expect(Math.abs(l - lam)).toBeLessThan(1e-12 * Math.max(1, Math.abs(lam)));
      // lambda exceeds every advantage on the support; outside it, no advantage exceeds lambda,
      // and an action there holds mass only if its advantage equals lambda (complementary slackness).
      const tol = 1e-12 * Math.max(1, Math.abs(lam));
      for (let a = 0; a < A; a++) {
        if (pi[a] > 0) expect(lam).toBeGreaterThan(adv[a]);
        else {
          expect(adv[a]).toBeLessThanOrEqual(lam + tol);
          if (p[a] > 0) expect(Math.abs(adv[a] - lam)).toBeLessThan(tol);
        }
      }
    }
  });

  it("is not beaten by any point of a fine simplex grid (A = 3)", () => {
    for (let trial = 0; trial < 20; trial++) {
      const pi = randomPolicy(rng, 1, 3);
      const adv = randomAdvantage(rng, pi, 1, 3, 2);
      const c = 10 ** (2 * rng() - 1);
      const p = trlSolve(pi, adv, new Float64Array([c]), 1, 3);
      const f = (x: ArrayLike<number>): number => dot(x, adv) - c * klRow(pi, x, 0, 3);
      let gridBest = -Infinity;
      for (const x of simplexGrid(200)) gridBest = Math.max(gridBest, f(x));
      expect(gridBest).toBeLessThanOrEqual(f(p) + 1e-12);
    }
  });

  it("moves mass outside pi's support when an unplayed action is better, with lambda pinned there", () => {
    const pi = new Float64Array([0.5, 0.5, 0]);
    const adv = new Float64Array([0.1, -0.1, 2]);
    const c = 0.3;
    const p = trlSolve(pi, adv, new Float64Array([c]), 1, 3);
    // lambda = 2: p = c pi / (2 - A) on the support, the rest on action 2.
    expect(p[0]).toBeCloseTo((c * 0.5) / 1.9, 15);
    expect(p[1]).toBeCloseTo((c * 0.5) / 2.1, 15);
    expect(p[2]).toBeCloseTo(1 - p[0] - p[1], 15);
  });

  it("keeps pi at c = +inf and splits greedy ties in proportion to pi at c = 0", () => {
    const pi = new Float64Array([0.1, 0.3, 0.6]);
    const adv = new Float64Array([1, 1, -2 / 3]);
    expect(Array.from(trlSolve(pi, adv, new Float64Array([Infinity]), 1, 3))).toEqual(Array.from(pi));
    const p = trlSolve(pi, adv, new Float64Array([0]), 1, 3);
    expect(p[0]).toBeCloseTo(0.25, 15);
    expect(p[1]).toBeCloseTo(0.75, 15);
    expect(p[2]).toBe(0);
  });

  it("two actions: closed form lambda from the quadratic", () => {
    // p1 = c q/(l - a1), p2 = c (1-q)/(l - a2), p1 + p2 = 1.
    for (let trial = 0; trial < 50; trial++) {
      const q = 0.05 + 0.9 * rng();
      const a1 = 2 * rng() - 1;
      const a2 = 2 * rng() - 1;
      const c = 10 ** (2 * rng() - 1);
      // (l - a1)(l - a2) = c q (l - a2) + c (1-q)(l - a1)  =>  l^2 - (a1 + a2 + c) l + a1 a2 + c (q a2 + (1-q) a1) = 0
      const B = a1 + a2 + c;
      const C = a1 * a2 + c * (q * a2 + (1 - q) * a1);
      const lam = (B + Math.sqrt(B * B - 4 * C)) / 2;
      const p = trlSolve(new Float64Array([q, 1 - q]), new Float64Array([a1, a2]), new Float64Array([c]), 1, 2);
      expect(Math.abs(p[0] - (c * q) / (lam - a1))).toBeLessThan(1e-12);
    }
  });
});

describe("klBallSolve", () => {
  const rng = testRng(23);

  it("makes the KL constraint tight to 1e-12 relative where it binds, and beats feasible grid points", () => {
    for (let trial = 0; trial < 40; trial++) {
      const S = 4;
      const A = 3;
      const pi = randomPolicy(rng, S, A);
      const adv = randomAdvantage(rng, pi, S, A, 1);
      const delta = 10 ** (-4 * rng() - 0.5);
      const base = new Float64Array(S);
      base[1] = 0.5;
      const { policy, multipliers } = klBallSolve(pi, adv, base, S, A, delta);
      for (let s = 0; s < S; s++) {
        const kl = klRow(pi, policy, s, A);
        expect(kl).toBeLessThanOrEqual(delta * (1 + 1e-14));
        if (multipliers[s] > 0) expect(Math.abs(delta - kl) / delta).toBeLessThan(1e-12);
        if (base[s] === 0) expect(multipliers[s]).toBeGreaterThan(0);
        const f = (x: ArrayLike<number>, off: number): number =>
          dot(x, adv, off, A) - base[s] * klRow(pi, x, off === 0 ? 0 : s, A);
        const best = dot(policy, adv, s * A, A) - base[s] * kl;
        const row = new Float64Array(S * A);
        let gridBest = -Infinity;
        for (const x of simplexGrid(60)) {
          row.set(x, s * A);
          if (klRow(pi, row, s, A) <= delta) gridBest = Math.max(gridBest, f(row, s * A));
        }
        expect(gridBest).toBeLessThanOrEqual(best + 1e-12);
      }
    }
  });

  it("returns multiplier 0 and the unconstrained TRL step when it already lies in the ball", () => {
    const pi = new Float64Array([0.5, 0.5]);
    const adv = new Float64Array([0.01, -0.01]);
    const base = new Float64Array([1]);
    const { policy, multipliers } = klBallSolve(pi, adv, base, 1, 2, 0.1);
    expect(multipliers[0]).toBe(0);
    expect(maxRelDiff(policy, trlSolve(pi, adv, base, 1, 2))).toBe(0);
  });

  it("keeps an already-optimal pi (support inside the argmax) with multiplier 0", () => {
    const pi = new Float64Array([0.4, 0.6, 0]);
    const adv = new Float64Array([0, 0, -1]);
    const { policy, multipliers } = klBallSolve(pi, adv, new Float64Array(1), 1, 3, 0.01);
    expect(multipliers[0]).toBe(0);
    expect(Array.from(policy)).toEqual(Array.from(pi));
  });
});

describe("KL ball: the SIMD kernel's lanes equal the scalar kernel bit for bit (A <= 64)", () => {
  const rng = testRng(97);

  /** Both kernels and the twin on one problem; returns the SIMD policy and multipliers. */
  function check(pi: Float64Array, adv: Float64Array, base: Float64Array, S: number, A: number, delta: number): void {
    const k = kernels();
    const got: number[][] = [];
    scratch((take) => {
      const p = take(f64Block(S * A, pi));
      const q = take(f64Block(S * A, adv));
      const b = take(f64Block(S, base));
      const o = take(f64Block(S * A));
      const m = take(f64Block(S));
      for (const name of ["mirrorKlBallSolveSimd", "mirrorKlBallSolveScalar"] as const) {
        o.view.fill(NaN);
        m.view.fill(NaN);
        k[name](p.ptr, q.ptr, b.ptr, S, A, delta, o.ptr, m.ptr);
        got.push([...o.view, ...m.view]);
      }
    });
    expect(got[0]).toEqual(got[1]);
    const twin = klBallSolveTwin(pi, adv, base, S, A, delta);
    expect(maxRelDiff(got[0], [...twin.policy, ...twin.multipliers])).toBeLessThan(1e-10);
  }

  it.each(PER_STATE_SHAPES.filter(([, A]) => A <= 64))("S = %i, A = %i, mixed states", (S, A) => {
    const pi = randomPolicy(rng, S, A, 0.25);
    const adv = randomAdvantage(rng, pi, S, A, 2);
    // Outside-support actions sometimes better than the support (the scalar kernel's pinned path).
    for (let i = 0; i < S * A; i++) if (pi[i] === 0 && rng() < 0.2) adv[i] += 3 * rng();
    // base: 0 (the pure ball), +inf (keep pi), small and large drifts (the ball may not bind).
    const base = Float64Array.from({ length: S }, () => {
      const u = rng();
      return u < 0.5 ? 0 : u < 0.6 ? Infinity : 10 ** (4 * rng() - 2);
    });
    for (const delta of [1e-6, 0.01, 0.5]) check(pi, adv, base, S, A, delta);
  });

  // Radii far below 1e-9 leave KL unresolvable in doubles (p/pi - 1 ~ sqrt(delta)
  // nears the rounding of p/pi), where the kernel and the twin's KL terms part.
  it("small and large radii, advantages over 16 orders of magnitude", () => {
    for (const [A, scale] of [[3, 1e-8], [4, 1], [6, 1e8]] as const) {
      const S = 40;
      const pi = randomPolicy(rng, S, A, 0.2);
      const adv = randomAdvantage(rng, pi, S, A, scale);
      const base = Float64Array.from({ length: S }, (_, s) => (s % 4 === 0 ? scale * rng() : 0));
      for (const delta of [1e-9, 3, 50]) check(pi, adv, base, S, A, delta);
    }
  });

  it("many states (lanes refilled as states finish), ties, tiny and subnormal pi", () => {
    for (const A of [2, 3, 4, 5, 17]) {
      const S = 601;
      const pi = randomPolicy(rng, S, A, 0.1);
      const adv = randomAdvantage(rng, pi, S, A, 10 ** (2 * rng() - 1));
      for (let s = 0; s < S; s += 7) {
        const r = s * A;
        const kind = (s / 7) % 4;
        if (kind === 0) for (let a = 0; a < A; a++) adv[r + a] = 0.25; // all tied: greedy = pi
        if (kind === 1) {
          // The best action holds a tiny mass (c pmax can fall below TINY).
          let best = 0;
          for (let a = 1; a < A; a++) if (adv[r + a] > adv[r + best]) best = a;
          pi[r + best] = 1e-300;
        }
        if (kind === 2) pi[r] = 5e-320; // subnormal pi
      }
      const base = Float64Array.from({ length: S }, (_, s) => (s % 3 === 0 ? 0.05 * rng() : 0));
      check(pi, adv, base, S, A, 0.01);
      check(pi, adv, base, S, A, 1e-9);
    }
  });
});
