// Hostile inputs to the policy helpers and the theory functions (Kakade &
// Langford 2002's CPI bound and performance difference lemma, Li, Clavette &
// He 2022's surrogate bound, the monotone-improvement check of Mirror
// Learning, Kuba et al. 2022, linear-rate fits and NPG's contraction): valid
// answers satisfy their identities, everything else is a ValidationError.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Rng,
  TabularMdp,
  checkMonotone,
  cpiAdvantage,
  cpiBound,
  cpiOptimalAlpha,
  deterministicPolicy,
  epsilonGreedyPolicy,
  evaluate,
  fitLinearRate,
  greedyPolicy,
  npgContraction,
  performanceDifference,
  policyActions,
  sampleAction,
  softmaxPolicy,
  surrogateBound,
  uniformPolicy,
  validatePolicy,
} from "../../src/index.js";
import { f64Block } from "../../src/core/arena.js";
import {
  denseSpec,
  expectValidOrValidationError,
  expectValidationErrorFrom,
  hostileNumber,
  hostileOptions,
  hostileValue,
  numberOr,
  runs,
  stochasticRows,
} from "./helpers.js";

const shape = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.oneof(hostileNumber, hostileValue, fc.constant(2 ** 31)) });

function isPolicy(pi: Float64Array, S: number, A: number): boolean {
  if (pi.length !== S * A) return false;
  for (let s = 0; s < S; s++) {
    let sum = 0;
    for (let a = 0; a < A; a++) {
      const p = pi[s * A + a];
      if (!(p >= 0 && p <= 1)) return false;
      sum += p;
    }
    if (Math.abs(sum - 1) > 1e-9) return false;
  }
  return true;
}

describe("policy helpers", () => {
  it("uniform, greedy, softmax, epsilon-greedy, deterministic and validate: hostile shapes, tables and parameters", () => {
    fc.assert(
      fc.property(shape, shape, fc.oneof(fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { maxLength: 16 }), hostileValue), numberOr(1e-3, 10), numberOr(0, 1), (S, A, Q, T, eps) => {
        const fields = /^(S|A|S\*A|Q|policy|temperature|epsilon|actions)$/;
        const valid = (pi: Float64Array): void => expect(isPolicy(pi, S as number, A as number)).toBe(true);
        expectValidOrValidationError(() => uniformPolicy(S as number, A as number), valid, { fields, noGrowth: true });
        expectValidOrValidationError(() => greedyPolicy(Q as never, S as number, A as number), valid, { fields });
        expectValidOrValidationError(() => softmaxPolicy(Q as never, S as number, A as number, T as number), valid, { fields });
        expectValidOrValidationError(() => epsilonGreedyPolicy(Q as never, S as number, A as number, eps as number), valid, { fields });
        expectValidOrValidationError(() => validatePolicy(Q as never, S as number, A as number), valid, { fields });
        expectValidOrValidationError(() => policyActions(Q as never, S as number, A as number), (a) => expect(a.length).toBe(S), { fields });
        expectValidOrValidationError(() => deterministicPolicy(Q as never, A as number), (pi) => expect(isPolicy(pi, (Q as number[]).length, A as number)).toBe(true), { fields });
      }),
      runs(300),
    );
  });

  it("sampleAction checks the state, the action count and the generator", () => {
    const pi = uniformPolicy(3, 2);
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -1, max: 3 }), hostileNumber, hostileValue), fc.oneof(fc.integer({ min: 1, max: 3 }), hostileNumber), fc.oneof(fc.constant(new Rng(1)), hostileValue), (s, A, rng) => {
        expectValidOrValidationError(() => sampleAction(pi, s as number, A as number, rng as Rng), (a) => expect(a >= 0 && a < (A as number)).toBe(true), { fields: ["s", "A", "rng", "pi"] });
      }),
      runs(200),
    );
  });
});

describe("theory", () => {
  it("cpiOptimalAlpha and cpiBound: the bound at alpha* is Abar^2 (1-gamma) / (8 gamma span), or a ValidationError", () => {
    fc.assert(
      fc.property(
        hostileOptions({ abar: numberOr(0, 5), gamma: numberOr(0.01, 0.99), alpha: fc.oneof(fc.constant(undefined), numberOr(0, 1)), rewardSpan: numberOr(0.1, 10) }),
        (args) => {
          expectValidOrValidationError(() => cpiBound(args as never), (b) => {
            const { abar, gamma, alpha, rewardSpan = 1 } = args as { abar: number; gamma: number; alpha?: number; rewardSpan?: number };
            expect(Number.isFinite(b)).toBe(true);
            const star = cpiOptimalAlpha(abar, gamma, rewardSpan);
            if (alpha === undefined && star > 0 && star < 1) expect(b).toBeCloseTo((abar * abar * (1 - gamma)) / (8 * gamma * rewardSpan), 9);
          }, { fields: ["args", "abar", "gamma", "alpha", "rewardSpan"] });
        },
      ),
      runs(300),
    );
  });

  it("cpiAdvantage, checkMonotone, fitLinearRate: hostile arrays and options", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { maxLength: 8 }), hostileValue),
        fc.oneof(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }), hostileValue),
        shape,
        shape,
        hostileOptions({ floor: numberOr(0, 1e-3), from: fc.integer({ min: 0, max: 3 }), to: fc.integer({ min: 0, max: 10 }) }),
        (adv, d, S, A, options) => {
          expectValidOrValidationError(() => cpiAdvantage(adv as never, d as never, S as number, A as number), (x) => expect(Number.isFinite(x)).toBe(true), {
            fields: ["advantage", "d", "S", "A", "S*A"],
          });
          expectValidOrValidationError(() => checkMonotone(adv as never), (r) => expect(typeof r.monotone).toBe("boolean"), { fields: ["eta"] });
          expectValidOrValidationError(() => fitLinearRate(adv as never, options as never), (r) => expect(r.points).toBeGreaterThanOrEqual(2), {
            fields: ["gaps", "options", "floor", "from", "to"],
          });
        },
      ),
      runs(300),
    );
  });

  it("npgContraction: hostile argument objects", () => {
    const base = { Vstar: [2, 2], Vk: [1, 1], Vnext: [1.5, 1.5], Qk: [1, 2, 2, 1], policy: [0.5, 0.5, 0.5, 0.5], eta: 1, gamma: 0.9, S: 2, A: 2 };
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(base), "extra", "eta_"), fc.oneof(hostileValue, hostileNumber), (key, value) => {
        const args = { ...base, [key]: value };
        expectValidOrValidationError(() => npgContraction(args as never), (r) => expect(Number.isNaN(r.rhs)).toBe(false), {
          fields: ["args", "Vstar", "Vk", "Vnext", "Qk", "policy", "eta", "gamma", "S", "A", "S*A"],
        });
      }),
      runs(300),
    );
    expectValidationErrorFrom(() => npgContraction(null as never), ["args"]);
  });

  it("performance difference lemma and surrogate bound: the identity holds for valid policies, others are ValidationErrors", () => {
    fc.assert(
      fc.property(
        denseSpec(4, 3).chain((spec) => fc.tuple(fc.constant(spec), fc.oneof(stochasticRows(spec.S, spec.A), hostileValue), stochasticRows(spec.S, spec.A))),
        ([spec, piNew, piOld]) => {
          const mdp = TabularMdp.fromDense(spec);
          try {
            expectValidOrValidationError(() => performanceDifference(mdp, piNew as never, piOld), (r) => {
              expect(r.difference).toBeLessThan(1e-7 * (1 + Math.abs(r.lhs)));
            }, { fields: ["policy", "gamma"] });
            expectValidOrValidationError(() => surrogateBound(mdp, piNew as never, piOld), (r) => {
              expect(Number.isNaN(r.bound)).toBe(false);
              if (spec.gamma >= 0.5 && Number.isFinite(r.bound)) expect(r.error).toBeLessThanOrEqual(r.bound + 1e-7 * (1 + Math.abs(r.J)));
            }, { fields: ["piNew"] }); // surrogateBound names its own argument (trpoBound alike)
          } finally {
            mdp.dispose();
          }
        },
      ),
      runs(100),
    );
    // Policies that live in WebAssembly memory are read after the evaluations allocate.
    const mdp = TabularMdp.fromDense({ S: 2, A: 2, P: [0.5, 0.5, 0, 1, 1, 0, 0.2, 0.8], R: [1, 0, 0, 1], gamma: 0.9 });
    const a = f64Block(4, [0.9, 0.1, 0.2, 0.8]);
    const b = f64Block(4, [0.5, 0.5, 0.5, 0.5]);
    const fromViews = performanceDifference(mdp, a.view, b.view);
    const fromCopies = performanceDifference(mdp, a.toArray(), b.toArray());
    expect(fromViews.rhs).toBe(fromCopies.rhs);
    expect(fromViews.lhs).toBeCloseTo(evaluate(mdp, a.toArray()).eta - evaluate(mdp, b.toArray()).eta, 12);
    a.free();
    b.free();
    mdp.dispose();
  });
});
