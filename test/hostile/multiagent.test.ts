// Hostile inputs to the multi-agent layer: specs, action counts, factored
// policies, update options and the example games. Valid calls give valid
// policies and a joint eta that sequential updates never lower; everything
// else is a ValidationError naming the field.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MultiAgentMdp,
  Rng,
  climbingGame,
  gpi,
  jointEta,
  matrixGame,
  npg,
  optimiseMultiAgent,
  penaltyGame,
  sequentialUpdate,
  simultaneousUpdate,
  twoAgentGridworld,
} from "../../src/index.js";
import {
  expectValidOrValidationError,
  expectValidationErrorFrom,
  hostileNumber,
  hostileOptions,
  hostileValue,
  liveBlocks,
  numberOr,
  runs,
  stochasticRows,
} from "./helpers.js";

describe("MultiAgentMdp construction", () => {
  it("fromDense with hostile action counts and spec fields", () => {
    const counts = fc.oneof(
      { weight: 3, arbitrary: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }) },
      { weight: 1, arbitrary: fc.oneof(hostileValue, fc.constant([2 ** 16, 2 ** 16]), fc.constant([]), fc.array(hostileNumber, { maxLength: 3 })) },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), counts, fc.option(hostileValue), fc.oneof(fc.constant(undefined), hostileValue, fc.constantFrom("A", "Gamma", "actioncounts")), (S, actionCounts, Aval, extraKey) => {
        const A = Array.isArray(actionCounts) && actionCounts.every((n) => Number.isInteger(n) && n > 0 && n < 10) ? actionCounts.reduce((p: number, n: number) => p * n, 1) : 1;
        const spec: Record<string, unknown> = { S, actionCounts, P: new Float64Array(S * A * S).fill(1 / S), R: new Float64Array(S * A), gamma: 0.9 };
        if (Aval !== null) spec.A = Aval;
        if (typeof extraKey === "string") spec[extraKey] = 1;
        const blocks = liveBlocks();
        expectValidOrValidationError(
          () => MultiAgentMdp.fromDense(spec as never),
          (m) => {
            expect(m.A).toBe(A);
            m.dispose();
            expect(liveBlocks()).toBe(blocks);
          },
          { fields: /^(spec|actionCounts|A|S|P|R|gamma|S\*A)$/ },
        );
      }),
      runs(300),
    );
  });

  it("factored policies, actions and agents: wrong counts, lengths, rows and indices", () => {
    const m = climbingGame();
    fc.assert(
      fc.property(
        fc.oneof(fc.tuple(stochasticRows(1, 3), stochasticRows(1, 3)).map((p) => [...p]), fc.array(fc.oneof(stochasticRows(1, 3), hostileValue), { maxLength: 3 }), hostileValue),
        fc.oneof(fc.integer({ min: -1, max: 2 }), hostileNumber, hostileValue),
        fc.oneof(fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 3 }), hostileValue),
        (policies, agent, actions) => {
          expectValidOrValidationError(() => m.jointPolicy(policies as never), (pi) => expect(pi.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12), { fields: /^policies(\[\d\])?$/ });
          expectValidOrValidationError(() => m.inducedMdp(policies as never, agent as number), (induced) => induced.dispose(), { fields: /^(agent|policies(\[\d\])?)$/ });
          expectValidOrValidationError(() => m.encodeAction(actions as never), (a) => expect(m.decodeAction(a)).toEqual(Array.from(actions as number[])), { fields: ["actions"] });
          expectValidOrValidationError(() => m.decodeAction(agent as number), (d) => expect(m.encodeAction(d)).toBe((agent as number) + 0), { fields: ["action"] });
        },
      ),
      runs(300),
    );
    m.dispose();
  });
});

describe("updates", () => {
  it("sequentialUpdate and simultaneousUpdate: hostile options; valid sweeps never lower the joint eta (sequential)", () => {
    const game = penaltyGame();
    const update = npg({ stepSize: 0.5 });
    fc.assert(
      fc.property(
        hostileOptions({
          order: fc.oneof(fc.constantFrom("fixed", "random", [1, 0], [0, 0], [0, 1, 2]), hostileValue),
          rng: fc.oneof(fc.constant(new Rng(3)), hostileValue),
          k: fc.oneof(fc.integer({ min: 0, max: 5 }), hostileNumber),
          logPolicies: fc.oneof(fc.constant(undefined), fc.constant([undefined, undefined]), hostileValue),
        }),
        fc.oneof(fc.constant(update), fc.constant([update, gpi()]), hostileValue),
        (options, upd) => {
          const start = game.uniformPolicies();
          expectValidOrValidationError(() => sequentialUpdate(game, start, upd as never, options as never), (r) => {
            for (let i = 1; i < r.eta.length; i++) expect(r.eta[i]).toBeGreaterThanOrEqual(r.eta[i - 1] - 1e-10 * (1 + Math.abs(r.eta[i - 1])));
          }, { fields: ["options", "order", "rng", "k", "logPolicies", "update"] });
          expectValidOrValidationError(() => simultaneousUpdate(game, start, upd as never, options as never), (r) => expect(r.policies.length).toBe(2), {
            fields: ["options", "k", "logPolicies", "update"],
          });
        },
      ),
      runs(150),
    );
    game.dispose();
  });

  it("optimiseMultiAgent: hostile options, models and update objects", () => {
    const game = climbingGame({ gamma: 0.5 });
    fc.assert(
      fc.property(
        hostileOptions({
          // Valid counts stay small (a run of 10^9 sweeps is what 10^9 asks for); the rest are hostile.
          iterations: fc.oneof(fc.integer({ min: 0, max: 3 }), hostileNumber.filter((x) => !(Number.isInteger(x) && x > 3))),
          mode: fc.constantFrom("sequential", "simultaneous", "parallel"),
          tolerance: numberOr(0, 1),
          onIteration: fc.oneof(fc.constant(() => true), hostileValue),
        }),
        (options) => {
          expectValidOrValidationError(() => optimiseMultiAgent(game, gpi(), options as never), (r) => {
            expect(r.history.eta.length).toBe(r.iterations + 1);
            expect(Number.isFinite(jointEta(game, r.policies))).toBe(true);
          }, { fields: ["options", "iterations", "mode", "tolerance", "onIteration", "order", "rng"] });
        },
      ),
      runs(100),
    );
    for (const bad of [null, structuredClone(game), { ...game }, game.joint]) {
      expectValidationErrorFrom(() => optimiseMultiAgent(bad as never, gpi(), { iterations: 1 }), ["mamdp"]);
      expectValidationErrorFrom(() => jointEta(bad as never, game.uniformPolicies()), ["mamdp"]);
    }
    game.dispose();
    expectValidationErrorFrom(() => jointEta(game, game.uniformPolicies()), ["mamdp"]);
  });
});

describe("games", () => {
  it("matrixGame, penaltyGame, climbingGame: hostile payoffs and options", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 3 }), fc.array(fc.array(hostileNumber, { maxLength: 3 }), { maxLength: 3 }), hostileValue),
        hostileOptions({ gamma: numberOr(0, 0.99), k: numberOr(-20, 0) }),
        (payoff, options) => {
          const o = options as Record<string, unknown> | null;
          const gammaOnly = o !== null && typeof o === "object" && !Array.isArray(o) ? { ...o, k: undefined } : o;
          expectValidOrValidationError(() => matrixGame(payoff as never, gammaOnly as never), (g) => g.dispose(), { fields: ["payoff", "options", "gamma"] });
          expectValidOrValidationError(() => penaltyGame(options as never), (g) => g.dispose(), { fields: ["options", "gamma", "k"] });
          expectValidOrValidationError(() => climbingGame(gammaOnly as never), (g) => g.dispose(), { fields: ["options", "gamma"] });
        },
      ),
      runs(200),
    );
  });

  it("twoAgentGridworld: hostile sizes, cells and options; large grids are rejected before anything is built", () => {
    fc.assert(
      fc.property(
        hostileOptions({
          // Large valid grids (64 x 4: 65536 joint states) are built in seconds: valid, not hostile; the limits are tested below.
          width: fc.oneof(fc.integer({ min: 2, max: 4 }), fc.constantFrom(65, 1e6), hostileNumber.filter((x) => !(x > 4 && x <= 64))),
          height: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constantFrom(65, 1e6), hostileNumber.filter((x) => !(x > 3 && x <= 64))),
          starts: fc.oneof(fc.constant([0, 1]), fc.array(fc.integer({ min: -1, max: 20 }), { maxLength: 3 }), hostileValue),
          goals: fc.oneof(fc.constant([2, 3]), fc.array(fc.integer({ min: -1, max: 20 }), { maxLength: 3 }), hostileValue),
          slip: numberOr(0, 0.9),
          collisionPenalty: numberOr(-5, 0),
          goalReward: numberOr(0, 5),
          gamma: numberOr(0, 0.99),
          format: fc.constantFrom("sparse", "dense", "csr"),
        }),
        (options) => {
          expectValidOrValidationError(() => twoAgentGridworld(options as never), (g) => g.mamdp.dispose(), { noGrowth: true });
        },
      ),
      runs(200),
    );
    expectValidationErrorFrom(() => twoAgentGridworld({ width: 64, height: 64 }), ["width"], { noGrowth: true });
  });
});
