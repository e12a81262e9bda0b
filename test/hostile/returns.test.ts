// Hostile inputs to rollouts and returns: GAE, the rollout buffer and the
// running normalisers. Built objects produce finite numbers; anything else is
// a ValidationError naming the argument.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ObsNormalizer,
  RewardNormalizer,
  RolloutBuffer,
  RunningMeanStd,
  generalizedAdvantageEstimation,
} from "../../src/index.js";
import { normalizeAdvantages } from "../../src/returns/index.js";
import {
  expectValidOrValidationError,
  expectValidationErrorFrom,
  hostileNumber,
  hostileOptions,
  hostileValue,
  liveBlocks,
  numberOr,
  runs,
} from "./helpers.js";

function allFinite(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

const finiteArray = (n: number): fc.Arbitrary<Float64Array> =>
  fc.float64Array({ minLength: n, maxLength: n, noNaN: true, noDefaultInfinity: true, min: -100, max: 100 });

describe("normalisers", () => {
  it("RunningMeanStd, ObsNormalizer, RewardNormalizer: NaN, negative, zero or non-number clip, gamma, epsilon, size", () => {
    const scale = fc.oneof({ weight: 3, arbitrary: fc.double({ min: 1e-9, max: 100, noNaN: true }) }, { weight: 2, arbitrary: fc.oneof(hostileNumber, hostileValue) });
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 1, max: 6 }), hostileNumber, hostileValue), scale, scale, numberOr(0, 1), (size, clip, epsilon, gamma) => {
        expectValidOrValidationError(() => new RunningMeanStd(size as number, epsilon as number), (rms) => {
          rms.update(new Float64Array(2 * rms.size).fill(1));
          expect(allFinite(rms.mean) && allFinite(rms.var)).toBe(true);
        }, { fields: ["size", "epsilon"] });
        expectValidOrValidationError(() => new ObsNormalizer(size as number, clip as number, epsilon as number), (n) => {
          n.stats.update(new Float64Array(3 * n.size).fill(2));
          const out = n.normalize(new Float64Array(n.size).fill(2), new Float32Array(n.size));
          expect(allFinite(out)).toBe(true);
        }, { fields: ["size", "clip", "epsilon"] });
        expectValidOrValidationError(() => new RewardNormalizer(size as number, gamma as number, clip as number, epsilon as number), (n) => {
          const out = n.step(new Float64Array(n.numEnvs).fill(1), new Uint8Array(n.numEnvs), new Float64Array(n.numEnvs));
          expect(allFinite(out)).toBe(true);
        }, { fields: ["numEnvs", "gamma", "clip", "epsilon"] });
      }),
      runs(300),
    );
    // Object literals where numbers belong.
    expectValidationErrorFrom(() => new ObsNormalizer({ size: 3 } as never), ["size"]);
    expectValidationErrorFrom(() => new RewardNormalizer({ numEnvs: 2, gamma: 0.9 } as never, 0.9), ["numEnvs"]);
    expectValidationErrorFrom(() => new ObsNormalizer(3, { clip: 5 } as never), ["clip"]);
  });

  it("update, normalize, step and setState with hostile data never leave NaN in the statistics", () => {
    const rms = new RunningMeanStd(2);
    const obs = new ObsNormalizer(2);
    const rew = new RewardNormalizer(2, 0.99);
    fc.assert(
      fc.property(fc.oneof(finiteArray(4), fc.array(fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), hostileNumber), { maxLength: 6 }), hostileValue), (x) => {
        expectValidOrValidationError(() => rms.update(x as never), () => {}, { fields: ["x"] });
        expect(allFinite(rms.mean) && allFinite(rms.var)).toBe(true);
        // normalize maps values as given (NaN in, NaN out); finite observations give finite, clipped ones.
        expectValidOrValidationError(() => obs.normalize(x as never, new Float32Array(8)), (out) => {
          if (allFinite(x as ArrayLike<number>)) expect(allFinite(out)).toBe(true);
        }, { fields: ["obs", "out"] });
        expectValidOrValidationError(() => rew.step(x as never, [0, 1], new Float64Array(2)), (out) => expect(allFinite(out)).toBe(true), { fields: ["rewards"] });
        expect(allFinite(rew.stats.var)).toBe(true);
        expectValidOrValidationError(() => rms.setState({ mean: x, var: x, count: 5 } as never), () => {}, { fields: ["state", "count"] });
        expectValidOrValidationError(() => rms.setState(x as never), () => {}, { fields: ["state", "count"] });
        expectValidOrValidationError(() => rms.merge(x as never, x as never, 3), () => {}, { fields: ["batchMean", "batchVar", "batchCount"] });
        expect(allFinite(rms.mean) && allFinite(rms.var) && Number.isFinite(rms.count)).toBe(true);
      }),
      runs(300),
    );
  });
});

describe("generalizedAdvantageEstimation", () => {
  it("hostile inputs give finite advantages with returns = advantages + values, or a ValidationError", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 4 }), (E, T) => {
        const n = E * T;
        const flags = fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n });
        return fc.assert(
          fc.property(
            hostileOptions({
              rewards: finiteArray(n), values: finiteArray(n), lastValues: finiteArray(E), terminated: flags, truncated: flags,
              finalValues: finiteArray(n), numEnvs: fc.constant(E), gamma: numberOr(0, 1), lambda: numberOr(0, 1), kernel: fc.constantFrom("simd", "scalar", "gpu"),
            }),
            (input) => {
              expectValidOrValidationError(() => generalizedAdvantageEstimation(input as never), (r) => {
                const i = input as { values: Float64Array };
                expect(allFinite(r.advantages)).toBe(true);
                for (let k = 0; k < r.returns.length; k++) expect(r.returns[k]).toBeCloseTo(r.advantages[k] + i.values[k], 9);
              }, { fields: /^(input|rewards|values|lastValues|terminated|truncated|finalValues|numEnvs|gamma|lambda|kernel)$/ });
            },
          ),
          runs(20),
        );
      }),
      runs(15),
    );
  });
});

describe("RolloutBuffer", () => {
  it("hostile sizes are ValidationErrors that allocate nothing; a built buffer frees all its blocks", () => {
    const size = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: fc.oneof(hostileNumber, hostileValue, fc.constantFrom(2 ** 20, 2 ** 31)) });
    fc.assert(
      fc.property(size, size, size, size, fc.oneof(fc.boolean(), hostileValue), (nSteps, numEnvs, obsSize, actionSize, continuous) => {
        const blocks = liveBlocks();
        expectValidOrValidationError(
          () => new RolloutBuffer(nSteps as number, numEnvs as number, obsSize as number, actionSize as number, continuous as boolean),
          (buf) => {
            buf.dispose();
            expect(liveBlocks()).toBe(blocks);
          },
          { fields: ["nSteps", "numEnvs", "obsSize", "actionSize", "continuous"], noGrowth: true },
        );
      }),
      runs(300),
    );
  });

  it("add and computeAdvantages check lengths and values by name", () => {
    const buf = new RolloutBuffer(2, 2, 3);
    const ok = (n: number): Float64Array => new Float64Array(n);
    fc.assert(
      fc.property(fc.constantFrom("obs", "actions", "logp", "values", "rewards", "ended", "boot"), fc.oneof(hostileValue, fc.array(fc.double(), { maxLength: 2 })), (field, bad) => {
        buf.reset();
        const args: Record<string, unknown> = { obs: ok(6), actions: ok(2), logp: ok(2), values: ok(2), rewards: ok(2), ended: ok(2), boot: ok(2), [field]: bad };
        expectValidOrValidationError(
          () => buf.add(args.obs as never, args.actions as never, args.logp as never, args.values as never, args.rewards as never, args.ended as never, args.boot as never),
          () => {},
          { fields: [field] },
        );
      }),
      runs(150),
    );
    buf.reset();
    buf.add(ok(6), ok(2), ok(2), ok(2), ok(2), ok(2), ok(2));
    buf.add(ok(6), ok(2), ok(2), ok(2), ok(2), ok(2), ok(2));
    fc.assert(
      fc.property(fc.oneof(hostileValue, finiteArray(2)), numberOr(0, 1), numberOr(0, 1), (last, gamma, lambda) => {
        expectValidOrValidationError(() => buf.computeAdvantages(last as never, gamma as number, lambda as number), () => {
          expect(allFinite(buf.gae.advantages.view)).toBe(true);
        }, { fields: ["lastValues", "gamma", "lambda"] });
      }),
      runs(150),
    );
    buf.dispose();
  });

  it("normalizeAdvantages: n and out are checked", () => {
    fc.assert(
      fc.property(fc.oneof(finiteArray(4), hostileValue), fc.oneof(fc.integer({ min: 0, max: 6 }), hostileNumber, fc.constant(undefined)), fc.oneof(fc.constant(new Float64Array(4)), hostileValue), (adv, n, out) => {
        expectValidOrValidationError(() => normalizeAdvantages(adv as never, out as never, n as number), (r) => expect(r).toBe(out), { fields: ["adv", "n", "out"] });
      }),
      runs(200),
    );
  });
});
