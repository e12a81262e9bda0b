// Hostile inputs to the environments: physical constants, options, reset
// arguments, states, actions, factories and spaces. Every environment that
// is built steps with finite observations and rewards, single or vectorised;
// everything else is a ValidationError naming the field.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Box,
  Discrete,
  ENV_IDS,
  Rng,
  checkEnv,
  makeEnv,
  makeVecEnv,
  smallMdp,
  tabularEnv,
  type Env,
  type EnvId,
  type VecEnv,
} from "../../src/index.js";
import { ACROBOT_PARAMS, CARTPOLE_PARAMS, MOUNTAIN_CAR_PARAMS, PENDULUM_PARAMS, SyncVecEnv } from "../../src/envs/index.js";
import {
  expectValidOrValidationError,
  expectValidationErrorFrom,
  hostileNumber,
  hostileOptions,
  hostileValue,
  liveBlocks,
  runs,
} from "./helpers.js";

const DEFAULTS: Record<EnvId, Readonly<Record<string, number | boolean>>> = {
  "CartPole-v1": CARTPOLE_PARAMS as never,
  "Acrobot-v1": ACROBOT_PARAMS as never,
  "MountainCar-v0": MOUNTAIN_CAR_PARAMS as never,
  "Pendulum-v1": PENDULUM_PARAMS as never,
};

/** A value for a constant: its default scaled (log-uniformly, either sign sometimes), an extreme, or hostile. */
function paramValue(def: number | boolean): fc.Arbitrary<unknown> {
  if (typeof def === "boolean") return fc.oneof(fc.boolean(), hostileValue);
  const base = def === 0 ? 1 : Math.abs(def);
  return fc.oneof(
    { weight: 4, arbitrary: fc.double({ min: -3, max: 3, noNaN: true }).map((e) => base * 10 ** e) },
    { weight: 1, arbitrary: fc.double({ min: -7, max: 7, noNaN: true }).map((e) => -base * 10 ** e) },
    { weight: 1, arbitrary: fc.constantFrom(0, -0, 1e-6, 1e6, 1e-7, 1.0000001e6, 5e-324) },
    { weight: 1, arbitrary: hostileValue },
  );
}

function paramsFor(id: EnvId): fc.Arbitrary<unknown> {
  const defaults = DEFAULTS[id];
  const keys = Object.keys(defaults);
  return fc.oneof(
    { weight: 5, arbitrary: fc.record(Object.fromEntries(keys.map((k) => [k, paramValue(defaults[k])])), { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...keys), hostileValue).map(([k, v]) => ({ [k.toLowerCase() + "x"]: v ?? 1 })) },
    { weight: 1, arbitrary: hostileValue },
  );
}

function allFinite(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

/** Steps a single environment with random actions, resetting when an episode ends: every number stays finite. */
function expectFiniteEpisodes(env: Env, steps: number, seed: number): void {
  const rng = new Rng(seed);
  let { obs } = env.reset({ seed });
  expect(allFinite(obs as ArrayLike<number>)).toBe(true);
  for (let t = 0; t < steps; t++) {
    const r = env.step(env.actionSpace.sample(rng) as never);
    expect(allFinite(r.obs as ArrayLike<number>)).toBe(true);
    expect(Number.isFinite(r.reward)).toBe(true);
    if (r.terminated || r.truncated) ({ obs } = env.reset());
  }
}

/** Steps a vector environment with random actions (auto-reset): observations, rewards and final observations stay finite. */
function expectFiniteVec(env: VecEnv, steps: number, seed: number): void {
  const rng = new Rng(seed);
  expect(allFinite(env.reset({ seed }).obs)).toBe(true);
  const out = env.createStepResult();
  const actions = new Float64Array(env.numEnvs * env.actionSize);
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < env.numEnvs; i++) {
      const a = env.actionSpace.sample(rng);
      if (typeof a === "number") actions[i] = a;
      else actions.set(a, i * env.actionSize);
    }
    env.step(actions, out);
    expect(allFinite(out.obs)).toBe(true);
    expect(allFinite(out.rewards)).toBe(true);
    for (let i = 0; i < env.numEnvs; i++) {
      if (out.terminated[i] || out.truncated[i]) expect(allFinite(out.info.finalObs.subarray(i * env.obsSize, (i + 1) * env.obsSize))).toBe(true);
    }
  }
}

const ENV_FIELDS = /^(params(\.\w+)?|options|maxEpisodeSteps)$/;

describe("classic environments: physical constants", () => {
  for (const id of ENV_IDS) {
    it(`${id}: any constants give an environment whose episodes stay finite, or a ValidationError naming the constant`, () => {
      fc.assert(
        fc.property(paramsFor(id), fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 400 }), fc.constant(Infinity), hostileNumber), fc.nat(1000), (params, maxEpisodeSteps, seed) => {
          expectValidOrValidationError(
            () => makeEnv(id, { params: params as never, maxEpisodeSteps: maxEpisodeSteps as number }),
            (env) => expectFiniteEpisodes(env, 120, seed),
            { fields: ENV_FIELDS },
          );
        }),
        runs(id === "Acrobot-v1" ? 60 : 120),
      );
    });
  }

  it("the brief's examples name the constant and its domain", () => {
    let e = expectValidationErrorFrom(() => makeEnv("CartPole-v1", { params: { massCart: -0.1 } }), ["params.massCart"]);
    expect(e.message).toBe("params.massCart: must be in [0.000001, 1000000] (got -0.1) at env CartPole-v1");
    e = expectValidationErrorFrom(() => makeEnv("CartPole-v1", { params: { length: 0 } }), ["params.length"]);
    expect(e.message).toMatch(/^params\.length: must be in \[/);
    e = expectValidationErrorFrom(() => makeEnv("CartPole-v1", { params: { masscart: 2 } as never }), ["params"]);
    expect(e.message).toMatch(/did you mean "massCart"/);
    expectValidationErrorFrom(() => makeEnv("MountainCar-v0", { params: { minPosition: 0.7 } }), ["params.minPosition"]);
    expectValidationErrorFrom(() => makeEnv("Pendulum-v1", { params: { l: 0 } }), ["params.l"]);
    expectValidationErrorFrom(() => makeEnv("Acrobot-v1", { params: { linkMoi: 1e-6, linkMass2: 1e6, linkComPos2: 1e3 } }), ["params.linkMoi"]);
  });
});

describe("vector environments", () => {
  const ids = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...ENV_IDS) }, { weight: 1, arbitrary: hostileValue });
  const options = hostileOptions({
    numEnvs: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 9 }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 2 ** 24 + 1, 1e9, 2 ** 53, NaN, Infinity) }),
    seed: fc.oneof(fc.integer({ min: 0, max: 2 ** 32 }), hostileNumber),
    mode: fc.constantFrom("wasm", "simd", "scalar", "sync", "gpu", undefined),
    maxEpisodeSteps: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.constant(undefined), hostileNumber),
  });

  it("makeVecEnv: any id and options give a vector environment that steps finitely, or a ValidationError; nothing leaks", () => {
    fc.assert(
      fc.property(ids, options, fc.nat(1000), (id, opts, seed) => {
        const blocks = liveBlocks();
        expectValidOrValidationError(
          () => makeVecEnv(id as EnvId, opts as never),
          (env) => {
            expectFiniteVec(env, 30, seed);
            env.close?.();
            expect(liveBlocks()).toBe(blocks);
          },
          { fields: /^(id|idOrFactory|envs(\[\d+\]\.\w+)?|options(\.\w+)?|numEnvs|seed|mode|maxEpisodeSteps|params(\.\w+)?)$/, noGrowth: true },
        );
      }),
      runs(150),
    );
  });

  it("the WebAssembly kernels with random constants: every copy stays finite through automatic resets", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ENV_IDS).chain((id) => fc.tuple(fc.constant(id), paramsFor(id))), fc.constantFrom("simd", "scalar"), fc.nat(1000), ([id, params], mode, seed) => {
        expectValidOrValidationError(
          () => makeVecEnv(id, { numEnvs: 5, seed, mode: mode as "simd", params: params as never, maxEpisodeSteps: 40 }),
          (env) => {
            expectFiniteVec(env, 60, seed);
            env.close?.();
          },
          { fields: ENV_FIELDS },
        );
      }),
      runs(80),
    );
  });

  it("factories: non-functions, environments in place of factories, and factories returning junk or one shared object", () => {
    const shared = makeEnv("CartPole-v1");
    const bad: [unknown, string[]][] = [
      [shared, ["idOrFactory"]],
      [{}, ["idOrFactory"]],
      [null, ["idOrFactory"]],
      [42, ["idOrFactory"]],
      [() => shared, ["envs"]],
      [() => null, ["envs"]],
      [() => 7, ["envs"]],
      [() => ({ reset() {}, step() {} }), ["envs[0].observationSpace"]],
    ];
    for (const [factory, fields] of bad) expectValidationErrorFrom(() => makeVecEnv(factory as never, { numEnvs: 2 }), fields);
    expectValidationErrorFrom(() => makeVecEnv(() => makeEnv("CartPole-v1"), { numEnvs: 1e9 }), ["numEnvs"]);
    expectValidationErrorFrom(() => makeVecEnv(() => makeEnv("CartPole-v1"), { numEnvs: 2, params: {} } as never), ["options.params"]);
    expectValidationErrorFrom(() => new SyncVecEnv([shared, shared]), ["envs"]);
    expectValidationErrorFrom(() => new SyncVecEnv([1, 2] as never), ["envs"]);
    expectValidationErrorFrom(() => new SyncVecEnv("envs" as never), ["envs"]);
    const ok = makeVecEnv(() => makeEnv("Pendulum-v1"), { numEnvs: 3, seed: 4 });
    expectFiniteVec(ok, 30, 4);
    expectValidationErrorFrom(() => ok.getState!(7), ["copy"]);
    expectValidationErrorFrom(() => ok.getState!(Number.NaN), ["copy"]);
  });

  it("numEnvs beyond 2^24 or beyond free memory is a ValidationError that allocates nothing", () => {
    for (const numEnvs of [2 ** 24 + 1, 1e9, 2 ** 31]) {
      expectValidationErrorFrom(() => makeVecEnv("CartPole-v1", { numEnvs }), ["numEnvs"], { noGrowth: true });
    }
  });
});

describe("reset arguments, states and actions", () => {
  it("reset({ seed, options }) of single and vector environments: hostile arguments", () => {
    const envs: [string, () => { reset(o?: unknown): unknown; close?(): void }][] = ENV_IDS.flatMap((id) => [
      [id, () => makeEnv(id)],
      [`${id} x3`, () => makeVecEnv(id, { numEnvs: 3 })],
    ] as [string, () => { reset(o?: unknown): unknown }][]);
    const resetArgs = fc.oneof(
      hostileOptions({
        seed: fc.oneof(fc.integer(), hostileNumber),
        options: fc.option(hostileOptions({ low: fc.double({ min: -1, max: 0, noNaN: true }), high: fc.double({ min: 0, max: 1, noNaN: true }), x_init: fc.double({ min: 0, max: 4, noNaN: true }), y_init: fc.double({ min: 0, max: 1, noNaN: true }) })),
      }),
      hostileValue,
    );
    for (const [, make] of envs) {
      const env = make();
      fc.assert(
        fc.property(resetArgs, (args) => {
          expectValidOrValidationError(
            () => env.reset(args as never),
            (r) => {
              const obs = (r as { obs: ArrayLike<number> }).obs;
              expect(allFinite(obs)).toBe(true);
            },
            { fields: /^(options(\.\w+)*|seed)$/ },
          );
        }),
        runs(60),
      );
      env.close?.();
    }
  });

  it("setState: wrong lengths, NaN, huge values; a state that is accepted steps finitely", () => {
    for (const id of ENV_IDS) {
      const env = makeEnv(id);
      const vec = makeVecEnv(id, { numEnvs: 2 });
      const n = env.getState().length;
      fc.assert(
        fc.property(fc.oneof(fc.array(fc.oneof(fc.double({ min: -1e12, max: 1e12, noNaN: true }), hostileNumber), { minLength: n, maxLength: n }), hostileValue), (state) => {
          expectValidOrValidationError(() => env.setState(state as never), () => {
            const r = env.step(env.actionSpace.sample(new Rng(1)) as never);
            expect(allFinite(r.obs)).toBe(true);
            expect(Number.isFinite(r.reward)).toBe(true);
          }, { fields: ["state"] });
          expectValidOrValidationError(() => vec.setState!(1, state as never), () => {
            const out = vec.step(id === "Pendulum-v1" ? [0, 0] : [0, 1]);
            expect(allFinite(out.obs)).toBe(true);
            expect(allFinite(out.rewards)).toBe(true);
          }, { fields: ["state"] });
        }),
        runs(60),
      );
      vec.close?.();
    }
  });

  it("actions: out of range, fractions, NaN, wrong shapes", () => {
    for (const id of ENV_IDS) {
      const env = makeEnv(id);
      env.reset({ seed: 1 });
      const vec = makeVecEnv(id, { numEnvs: 2 });
      vec.reset({ seed: 1 });
      fc.assert(
        fc.property(fc.oneof(hostileValue, fc.integer({ min: -2, max: 4 })), fc.oneof(hostileValue, fc.array(fc.oneof(fc.integer({ min: -1, max: 3 }), hostileNumber), { minLength: 2, maxLength: 2 })), (a, actions) => {
          expectValidOrValidationError(() => env.step(a as never), (r) => {
            expect(allFinite(r.obs)).toBe(true);
            if (r.terminated || r.truncated) env.reset();
          }, { fields: ["action"] });
          expectValidOrValidationError(() => vec.step(actions as never), (r) => expect(allFinite(r.obs)).toBe(true), { fields: ["actions", "out"] });
          expectValidOrValidationError(() => vec.step([0, 0], { obs: new Float32Array(1) } as never), () => {}, { fields: ["out"] });
        }),
        runs(60),
      );
      vec.close?.();
    }
  });
});

describe("tabularEnv, checkEnv and spaces", () => {
  it("tabularEnv: hostile options and actions", () => {
    const mdp = smallMdp();
    fc.assert(
      fc.property(
        hostileOptions({
          maxEpisodeSteps: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.constant(Infinity), hostileNumber),
          terminal: fc.oneof(fc.constantFrom("absorbing", "none", [0], [1], [0, 1], [2], { length: 1e12 }), hostileValue),
        }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 1 }), hostileValue), { maxLength: 10 }),
        (options, actions) => {
          expectValidOrValidationError(() => tabularEnv(mdp, options as never), (env) => {
            env.reset({ seed: 3 });
            for (const a of actions) {
              expectValidOrValidationError(() => env.step(a as never), (r) => {
                expect(r.obs >= 0 && r.obs < 2).toBe(true);
                if (r.terminated || r.truncated) env.reset();
              }, { fields: ["action"] });
            }
          }, { fields: ["options", "maxEpisodeSteps", "terminal"] });
        },
      ),
      runs(150),
    );
  });

  it("checkEnv: hostile options are ValidationErrors (steps: Infinity would never end)", () => {
    const env = makeEnv("CartPole-v1");
    fc.assert(
      fc.property(hostileOptions({ steps: fc.oneof(fc.integer({ min: 1, max: 30 }), fc.constantFrom(Infinity, 1e12), hostileNumber), seed: fc.oneof(fc.integer(), hostileNumber), throws: fc.oneof(fc.boolean(), hostileValue) }), (options) => {
        expectValidOrValidationError(() => checkEnv(env, options as never), (r) => expect(r.ok).toBe(true), { fields: ["options", "steps", "seed", "throws"] });
      }),
      runs(100),
    );
  });

  it("Box and Discrete: hostile bounds, shapes, dtypes and sizes", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ min: -5, max: 0, noNaN: true }), fc.array(fc.double({ min: -5, max: 0, noNaN: true }), { maxLength: 4 }), hostileValue),
        fc.oneof(fc.double({ min: 0, max: 5, noNaN: true }), fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { maxLength: 4 }), hostileValue),
        hostileOptions({ shape: fc.oneof(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }), fc.constant([2 ** 20, 2 ** 20])), dtype: fc.constantFrom("float32", "float64", "int8") }),
        (low, high, options) => {
          expectValidOrValidationError(() => new Box(low as never, high as never, options as never), (box) => {
            const x = box.sample(new Rng(2));
            expect(box.contains(x)).toBe(true);
          }, { fields: ["low", "high", "shape", "dtype", "options"] });
        },
      ),
      runs(200),
    );
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 1, max: 10 }), hostileNumber, hostileValue), fc.oneof(fc.integer({ min: -5, max: 5 }), hostileNumber), (n, start) => {
        expectValidOrValidationError(() => new Discrete(n as number, start as number), (d) => expect(d.contains(d.sample(new Rng(1)))).toBe(true), { fields: ["n", "start"] });
      }),
      runs(200),
    );
  });
});
