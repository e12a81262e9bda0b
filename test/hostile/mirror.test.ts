/**
 * Hostile input for the Mirror Learning core and its instances (property
 * tests, fast-check): random shapes, NaN / Infinity / negative / huge and
 * tiny parameters, object literals instead of factories, structured clones
 * (which keep a drift's fields and lose its methods), wrong types and unknown
 * option names. Every call must either return a valid policy (finite, entries
 * in [0, 1], rows summing to 1 within 1e-9) or throw a ValidationError, and
 * the library must work the same afterwards (a reference step gives the same
 * bits after every case).
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { garnet } from "../../src/mdp/generators/garnet.js";
import type { TabularMdp } from "../../src/mdp/tabular-mdp.js";
import { uniformPolicy } from "../../src/policy/policy.js";
import { evaluate } from "../../src/evaluation/evaluate.js";
import {
  clipDrift,
  customDrift,
  forwardKlDrift,
  reverseKlDrift,
  squaredL2Drift,
  squaredTvDrift,
} from "../../src/mirror/drifts.js";
import { allPolicies, meanKlBall, mixtureSegment } from "../../src/mirror/neighbourhoods.js";
import { mirrorStep, mirrorUpdate } from "../../src/mirror/step.js";
import { optimise } from "../../src/mirror/optimise.js";
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
} from "../../src/instances/index.js";
import {
  chiSquaredDrift,
  distributionArb,
  driftArb,
  neighbourhoodArb,
  policyArb,
  updateArb,
  validDrift,
  validNeighbourhood,
} from "../helpers/mirror.js";

const RUNS = 150;

/** Reference step, re-run after every case: the library must give the same bits. */
let refMdp: TabularMdp;
let reference: () => Float64Array;
let refBits: Float64Array;
function setUpReference(): void {
  refMdp = garnet({ S: 5, A: 3, branching: 2, seed: 77, gamma: 0.9 });
  const pi = uniformPolicy(5, 3);
  reference = () => {
    const a = mirrorStep(refMdp, pi, { drift: forwardKlDrift(0.7), neighbourhood: meanKlBall(0.05) }).policy;
    const b = npg({ stepSize: 3 }).step(refMdp, pi, 0).policy;
    const c = mirrorStep(refMdp, pi, { drift: reverseKlDrift(0.4), beta: "uniform", nu: "mu" }).policy;
    return Float64Array.from([...a, ...b, ...c]);
  };
  refBits = reference();
}
setUpReference();

const mdps = new Map<string, TabularMdp>();
function mdpOf(S: number, A: number, seed: number): TabularMdp {
  const key = `${S}/${A}/${seed}`;
  let m = mdps.get(key);
  if (!m) {
    m = garnet({ S, A, branching: Math.min(S, 2), seed, gamma: 0.85 });
    mdps.set(key, m);
  }
  return m;
}
afterAll(() => {
  if (process.env.HOSTILE_LOG) console.log("calls that returned a policy / were rejected:", tally);
  for (const m of mdps.values()) m.dispose();
  refMdp.dispose();
});

/** Runs `call`; returns its policy if it succeeded (checked valid), or undefined after a ValidationError. Anything else fails the test. */
const tally = { ok: 0, rejected: 0 };
function validOrValidationError(call: () => { policy: Float64Array }, S: number, A: number): Float64Array | undefined {
  let policy: Float64Array;
  try {
    policy = call().policy;
  } catch (e) {
    if (!(e instanceof ValidationError)) throw new Error(`expected a ValidationError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    if (process.env.HOSTILE_LOG) console.log("REJECTED", (e as Error).message);
    tally.rejected++;
    return undefined;
  }
  tally.ok++;
  expect(policy).toBeInstanceOf(Float64Array);
  expect(policy.length).toBe(S * A);
  for (let s = 0; s < S; s++) {
    let sum = 0;
    for (let a = s * A; a < s * A + A; a++) {
      const p = policy[a];
      if (!(p >= 0 && p <= 1 + 1e-9)) throw new Error(`invalid probability ${p} at state ${s}, action ${a - s * A}`);
      sum += p;
    }
    if (!(Math.abs(sum - 1) <= 1e-9)) throw new Error(`row ${s} sums to ${sum}`);
  }
  return policy;
}

function stillWorks(): void {
  const again = reference();
  expect(Buffer.from(again.buffer).equals(Buffer.from(refBits.buffer))).toBe(true);
}

const shape = fc.record({ S: fc.integer({ min: 1, max: 4 }), A: fc.integer({ min: 1, max: 4 }), seed: fc.integer({ min: 1, max: 3 }) });

describe("hostile input: mirrorStep", () => {
  it("returns a valid policy or throws a ValidationError, for any drift, neighbourhood, distributions and options", () => {
    fc.assert(
      fc.property(
        shape.chain(({ S, A, seed }) =>
          fc.record({
            S: fc.constant(S),
            A: fc.constant(A),
            seed: fc.constant(seed),
            policy: policyArb(S, A),
            drift: driftArb,
            neighbourhood: neighbourhoodArb(S, A),
            beta: distributionArb(S),
            nu: distributionArb(S),
            solver: fc.constantFrom<unknown>(undefined, undefined, "exact", "generic", "fast"),
            extra: fc.constantFrom<Record<string, unknown>>({}, {}, {}, { tolerence: 1e-9 }, { maxIterations: 0.5 }, { tolerance: NaN }),
          }),
        ),
        ({ S, A, seed, policy, drift, neighbourhood, beta, nu, solver, extra }) => {
          const mdp = mdpOf(S, A, seed);
          validOrValidationError(
            () => mirrorStep(mdp, policy, { drift: drift(), neighbourhood: neighbourhood(), beta, nu, solver, ...extra } as never),
            S,
            A,
          );
          stillWorks();
        },
      ),
      { numRuns: RUNS, seed: 4242 },
    );
  });

  it("with advantages of any finite size (mirrorUpdate): never NaN, whatever the drift parameter", () => {
    const huge = fc.oneof(fc.double({ min: -1e300, max: 1e300, noNaN: true }), fc.constantFrom(0, 1e-300, -1e-300, 1e300, -1e300, 1, -1));
    fc.assert(
      fc.property(
        shape.chain(({ S, A }) =>
          fc.record({
            S: fc.constant(S),
            A: fc.constant(A),
            policy: policyArb(S, A),
            adv: fc.array(huge, { minLength: S * A, maxLength: S * A }),
            drift: driftArb,
            neighbourhood: neighbourhoodArb(S, A),
            beta: distributionArb(S),
            nu: distributionArb(S),
          }),
        ),
        ({ S, A, policy, adv, drift, neighbourhood, beta, nu }) => {
          const d = new Float64Array(S).fill(1 / S);
          validOrValidationError(
            () =>
              mirrorUpdate(
                { S, A, policy, advantage: Float64Array.from(adv), visitation: d, mu: d },
                { drift: drift(), neighbourhood: neighbourhood(), beta, nu } as never,
              ),
            S,
            A,
          );
          stillWorks();
        },
      ),
      { numRuns: RUNS, seed: 4343 },
    );
  });

  it("rejects wrong types for every argument with a ValidationError", () => {
    const mdp = mdpOf(3, 2, 1);
    const pi = uniformPolicy(3, 2);
    const bad: unknown[] = [null, undefined, 3, "x", [], {}, new Float64Array(2), new Float32Array(6), [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]];
    for (const x of bad) {
      validOrValidationError(() => mirrorStep(x as never, pi), 3, 2);
      if (x !== undefined) validOrValidationError(() => mirrorStep(mdp, x as never), 3, 2);
      validOrValidationError(() => mirrorStep(mdp, pi, x as never), 3, 2);
      validOrValidationError(() => mirrorStep(mdp, pi, { evaluation: x } as never), 3, 2);
      validOrValidationError(() => mirrorStep(mdp, pi, { logPolicy: x } as never), 3, 2);
      validOrValidationError(() => mirrorUpdate(x as never), 3, 2);
    }
    stillWorks();
  });
});

describe("hostile input: valid but extreme parameters", () => {
  it("always a valid policy (a ValidationError only for a drift the TV ball cannot take, or a bad distribution)", () => {
    const huge = fc.oneof(fc.double({ min: -1e300, max: 1e300, noNaN: true }), fc.constantFrom(0, 1e-300, -1e-300, 1e300, -1e300, 1, -1, Number.MAX_VALUE, -Number.MAX_VALUE));
    let ok = 0;
    fc.assert(
      fc.property(
        shape.chain(({ S, A }) =>
          fc.record({
            S: fc.constant(S),
            A: fc.constant(A),
            policy: policyArb(S, A),
            adv: fc.oneof(fc.array(huge, { minLength: S * A, maxLength: S * A }), fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: S * A, maxLength: S * A })),
            drift: validDrift,
            neighbourhood: validNeighbourhood(S),
            beta: distributionArb(S, true),
            nu: distributionArb(S, true),
            solver: fc.constantFrom<"exact" | "generic">("exact", "exact", "exact", "generic"),
          }),
        ),
        ({ S, A, policy, adv, drift, neighbourhood, beta, nu, solver }) => {
          const d = new Float64Array(S).fill(1 / S);
          const nb = neighbourhood as { kind: string };
          const dr = drift as { name: string; tvPenalty?: unknown; coefficient: number };
          const t0 = performance.now();
          const r = validOrValidationError(
            () => mirrorUpdate({ S, A, policy, advantage: Float64Array.from(adv), visitation: d, mu: d }, { drift: dr, neighbourhood: nb, beta, nu, solver } as never),
            S,
            A,
          );
          const dt = performance.now() - t0;
          if (process.env.HOSTILE_LOG && dt > 30) console.log("SLOW", dt.toFixed(0), dr.name, JSON.stringify(nb), solver, S, A, JSON.stringify(adv));
          if (r) ok++;
          // The one legitimate refusal: the TV ball has no generic solver.
          else expect(nb.kind === "tv" && (solver === "generic" || (!dr.tvPenalty && dr.coefficient !== 0))).toBe(true);
        },
      ),
      { numRuns: 400, seed: 4646 },
    );
    expect(ok).toBeGreaterThan(150);
  });
});

describe("hostile input: extreme drift parameters give the mathematical limit", () => {
  const mdp = garnet({ S: 6, A: 4, branching: 3, seed: 11, gamma: 0.9 });
  const pi = uniformPolicy(6, 4);
  const ev = evaluate(mdp, pi);
  const greedy = mirrorStep(mdp, pi, { evaluation: ev }).policy;
  afterAll(() => mdp.dispose());
  const close = (x: Float64Array, y: Float64Array, tol: number): void => {
    for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i])).toBeLessThanOrEqual(tol);
  };

  it("a huge step (reverse KL, eta -> inf) is the greedy step; a huge penalty keeps pi_old", () => {
    for (const eta of [1e300, Number.MAX_VALUE, 1e200]) close(mirrorStep(mdp, pi, { drift: reverseKlDrift(eta), evaluation: ev }).policy, greedy, 1e-12);
    for (const eta of [5e-324, 1e-300]) close(mirrorStep(mdp, pi, { drift: reverseKlDrift(eta), evaluation: ev }).policy, pi, 1e-12);
    for (const C of [1e300, Number.MAX_VALUE]) {
      for (const drift of [forwardKlDrift(C), squaredTvDrift(C), squaredL2Drift(C)]) close(mirrorStep(mdp, pi, { drift, evaluation: ev }).policy, pi, 1e-12);
    }
    for (const C of [5e-324, 1e-300]) {
      for (const drift of [forwardKlDrift(C), squaredTvDrift(C), squaredL2Drift(C)]) close(mirrorStep(mdp, pi, { drift, evaluation: ev }).policy, greedy, 1e-12);
    }
  });

  it("the clip drift: a tiny range keeps pi_old (ratios pinned at 1), a huge one is greedy", () => {
    for (const eps of [5e-324, 1e-300]) close(mirrorStep(mdp, pi, { drift: clipDrift(eps), evaluation: ev }).policy, pi, 1e-12);
    for (const eps of [1e300, Number.MAX_VALUE]) close(mirrorStep(mdp, pi, { drift: clipDrift(eps), evaluation: ev }).policy, greedy, 1e-12);
  });
});

describe("hostile input: objects instead of factories", () => {
  const mdp = garnet({ S: 4, A: 3, branching: 2, seed: 5, gamma: 0.9 });
  const pi = uniformPolicy(4, 3);
  const ev = evaluate(mdp, pi);
  afterAll(() => mdp.dispose());

  it("names the field and the value of a bad parameter", () => {
    expect(() => mirrorStep(mdp, pi, { neighbourhood: { kind: "mixture", alphaMax: 2 } as never, evaluation: ev })).toThrow(
      /neighbourhood\.alphaMax: must be in \[0, 1\] \(got 2\)/,
    );
    expect(() => mirrorStep(mdp, pi, { neighbourhood: { kind: "meanKl", delta: -1 } as never, evaluation: ev })).toThrow(/neighbourhood\.delta.*got -1/);
    expect(() => mirrorStep(mdp, pi, { neighbourhood: { kind: "meanKl", delta: NaN } as never, evaluation: ev })).toThrow(/neighbourhood\.delta.*got NaN/);
    expect(() => mirrorStep(mdp, pi, { drift: { kind: "forwardKl", coefficient: -2 } as never, evaluation: ev })).toThrow(/drift\.coefficient.*got -2/);
    expect(() => mirrorStep(mdp, pi, { drift: { kind: "clip", epsilon: 0 } as never, evaluation: ev })).toThrow(/drift\.epsilon.*got 0/);
    expect(() => mirrorStep(mdp, pi, { drift: { kind: "trl" } as never, evaluation: ev })).toThrow(/drift\.kind/);
    expect(() => mirrorStep(mdp, pi, { drift: structuredClone(chiSquaredDrift()) as never, evaluation: ev })).toThrow(/drift\.value.*customDrift/);
  });

  it("accepts valid literals and structured clones with the factories' results, bit for bit", () => {
    const cases: [unknown, unknown][] = [
      [forwardKlDrift(0.3), { kind: "forwardKl", coefficient: 0.3 }],
      [reverseKlDrift(0.7), structuredClone(reverseKlDrift(0.7))],
      [clipDrift(0.2), { kind: "clip", epsilon: 0.2 }],
      [squaredTvDrift(2), structuredClone(squaredTvDrift(2))],
      [squaredL2Drift(2), JSON.parse(JSON.stringify(squaredL2Drift(2)))],
    ];
    for (const [made, literal] of cases) {
      for (const neighbourhood of [allPolicies(), { kind: "mixture", alphaMax: 0.4 }, structuredClone(mixtureSegment(0.4))]) {
        const a = mirrorStep(mdp, pi, { drift: made as never, neighbourhood: neighbourhood as never, evaluation: ev }).policy;
        const b = mirrorStep(mdp, pi, { drift: literal as never, neighbourhood: neighbourhood as never, evaluation: ev }).policy;
        expect(Array.from(b)).toEqual(Array.from(a));
      }
    }
    const a = mirrorStep(mdp, pi, { neighbourhood: meanKlBall(0.02), evaluation: ev }).policy;
    const b = mirrorStep(mdp, pi, { neighbourhood: { kind: "meanKl", delta: 0.02 } as never, evaluation: ev }).policy;
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});

describe("hostile input: instances and optimise", () => {
  it("every instance factory and step: a valid policy or a ValidationError", () => {
    fc.assert(
      fc.property(
        shape.chain(({ S, A, seed }) =>
          fc.record({ S: fc.constant(S), A: fc.constant(A), seed: fc.constant(seed), policy: policyArb(S, A), update: updateArb(S, A), k: fc.constantFrom<unknown>(0, 1, 5, -1, 0.5, NaN) }),
        ),
        ({ S, A, seed, policy, update, k }) => {
          const mdp = mdpOf(S, A, seed);
          validOrValidationError(() => update().step(mdp, policy, k as number), S, A);
          stillWorks();
        },
      ),
      { numRuns: RUNS, seed: 4444 },
    );
  });

  it("optimise: a valid policy or a ValidationError, and exactly `iterations` steps without a tolerance", () => {
    fc.assert(
      fc.property(
        shape.chain(({ S, A, seed }) =>
          fc.record({
            S: fc.constant(S),
            A: fc.constant(A),
            seed: fc.constant(seed),
            update: updateArb(S, A),
            iterations: fc.constantFrom<number | undefined | string>(0, 1, 3, 6, undefined, -1, 2.5, NaN, "3"),
            extra: fc.constantFrom<Record<string, unknown>>({}, {}, { tolerance: 1e-9 }, { tolerance: -1 }, { theta: 3 }, { optimum: NaN }, { iteration: 3 }, { logPolicy: 0 }),
          }),
        ),
        ({ S, A, seed, update, iterations, extra }) => {
          const mdp = mdpOf(S, A, seed);
          let run: ReturnType<typeof optimise> | undefined;
          validOrValidationError(() => (run = optimise(mdp, update(), { iterations, ...extra } as never)), S, A);
          if (run && extra.tolerance === undefined) {
            const n = (iterations ?? 100) as number;
            expect(run.history.eta).toHaveLength(n + 1);
            expect(run.history.gap).toHaveLength(n + 1);
            for (const key of ["kl", "improvement", "time"] as const) expect(run.history[key]).toHaveLength(n);
            expect(run.iterations).toBe(n);
            expect(run.stopped).toBe("iterations");
          }
          stillWorks();
        },
      ),
      { numRuns: 60, seed: 4545 },
    );
  });
});

describe("unknown option names are rejected with a suggestion", () => {
  it("mirrorStep, optimise, every instance factory and step, and the option objects of the drift and feature factories", () => {
    const mdp = mdpOf(3, 2, 1);
    const pi = uniformPolicy(3, 2);
    const cases: [() => unknown, string][] = [
      [() => mirrorStep(mdp, pi, { neighborhood: allPolicies() } as never), "neighbourhood"],
      [() => mirrorStep(mdp, pi, { tolerence: 1e-9 } as never), "tolerance"],
      [() => mirrorUpdate({ S: 3, A: 2, policy: pi, advantage: new Float64Array(6), visitation: pi.subarray(0, 3).map(() => 1 / 3), mu: pi.subarray(0, 3).map(() => 1 / 3) }, { betta: "uniform" } as never), "beta"],
      [() => optimise(mdp, gpi(), { iteration: 3 } as never), "iterations"],
      [() => optimise(mdp, gpi(), { on_iteration: () => {} } as never), "onIteration"],
      [() => gpi({ state: "uniform" } as never), "states"],
      [() => trl({ C: 1, c: 2 } as never), "C"],
      [() => npg({ stepsize: 1 } as never), "stepSize"],
      [() => trpo({ delta: 0.1, detla: 0.2 } as never), "delta"],
      [() => ppo({ epsilon: 0.2, epsilonn: 0.3 } as never), "epsilon"],
      [() => cpi({ alpha: 0.5, reward_span: 1 } as never), "rewardSpan"],
      [() => analytical({ below_half: "clamp" } as never), "belowHalf"],
      [() => qNpg({ features: tabularFeatures(3, 2), stepSize: 1, ridg: 0 } as never), "ridge"],
      [() => qNpg({ features: tabularFeatures(3, 2), stepSize: 1, fit: { state: "uniform" } } as never), "states"],
      [() => ampo({ mirrorMap: "kl", stepSize: 1, mirror_map: "kl" } as never), "mirrorMap"],
      [() => ampo({ mirrorMap: "kl", stepSize: 1, parametrisation: { feature: tabularFeatures(3, 2) } } as never), "features"],
      [() => gpi().step(mdp, pi, 0, { evaluations: undefined, logPolicies: 1 } as never), "logPolicy"],
      [() => customDrift({ value: () => 0, gradient: () => {}, nam: "x" } as never), "name"],
    ];
    for (const [call, near] of cases) {
      expect(call).toThrow(ValidationError);
      expect(call).toThrow(new RegExp(`did you mean "${near}"`));
    }
    stillWorks();
  });
});
