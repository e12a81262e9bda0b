// Legal-action masks on the environment side: SyncVecEnv collects each
// copy's info.actionMask (the reset's after an automatic reset), checkEnv
// checks a given mask and steps legal actions only, tabularEnv reports a mask
// function's masks, evaluatePolicy plays them, and checkActionMask reads the
// accepted forms.
import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { checkActionMask } from "../core/validate.js";
import { smallMdp } from "../mdp/generators/small.js";
import { evaluatePolicy } from "../agents/evaluate-policy.js";
import { LegalArmsEnv } from "../../test/helpers/legal-arms.js";
import { checkEnv } from "./check-env.js";
import { makeVecEnv } from "./registry.js";
import { SyncVecEnv } from "./sync-vec-env.js";
import { tabularEnv } from "./tabular-env.js";
import { Box } from "./spaces.js";
import type { Action, Env, StepResult } from "./env.js";

/** LegalArms whose info.actionMask is replaced by `mask(step)` (undefined: none) from step `from` on. */
function withMask(mask: (step: number) => unknown, from = 0): Env {
  const env = new LegalArmsEnv();
  const step = env.step.bind(env);
  let t = 0;
  env.step = (a: Action): StepResult<Float32Array> => {
    const r = step(a);
    return ++t < from ? r : { ...r, info: { actionMask: mask(t) } };
  };
  return env;
}

describe("checkActionMask", () => {
  it("reads booleans or 0/1, flat or as rows, into 0/1 bytes", () => {
    expect(Array.from(checkActionMask("m", [true, false, 1], 1, 3))).toEqual([1, 0, 1]);
    expect(Array.from(checkActionMask("m", Uint8Array.of(0, 1, 1, 0), 2, 2))).toEqual([0, 1, 1, 0]);
    expect(Array.from(checkActionMask("m", [[0, 1], [true, true]], 2, 2))).toEqual([0, 1, 1, 1]);
    const out = new Uint8Array(6).fill(7);
    checkActionMask("m", [1, 0], 1, 2, undefined, out, 2);
    expect(Array.from(out)).toEqual([7, 7, 1, 0, 7, 7]);
  });

  it("names the field, the place and the value of a bad mask", () => {
    expect(() => checkActionMask("m", [1, 0], 1, 3)).toThrow(/m: wrong length: expected the number of actions = 3/);
    expect(() => checkActionMask("m", [1, 0, 0, 1], 2, 3)).toThrow(/expected rows x actions = 6/);
    expect(() => checkActionMask("m", [1, 0.5, 1], 1, 3, { env: "X" })).toThrow(/entries must be true\/false or 1\/0 .*\(got 0.5\) at env X, action 1/);
    expect(() => checkActionMask("m", [1, 1, 0, 0], 2, 2, { env: "X", step: 4 })).toThrow(/m: allows no action .*\(got \[0,0\]\) at env X, step 4, row 1/);
    expect(() => checkActionMask("m", [[1, 1], [1]], 2, 2)).toThrow(/at row 1/);
    expect(() => checkActionMask("m", "101", 1, 3)).toThrow(ValidationError);
    expect(() => checkActionMask("m", [1, NaN, 1], 1, 3)).toThrow(/got NaN/);
  });
});

describe("SyncVecEnv.actionMasks", () => {
  it("is undefined for environments without masks (and built-in vector environments have none)", () => {
    const vec = makeVecEnv("CartPole-v1", { numEnvs: 2, mode: "sync" }) as SyncVecEnv;
    vec.reset({ seed: 0 });
    vec.step([0, 1]);
    expect(vec.actionMasks()).toBeUndefined();
    expect("actionMasks" in makeVecEnv("CartPole-v1", { numEnvs: 2 })).toBe(false);
  });

  it("collects each copy's current info.actionMask, the reset's after an automatic reset", () => {
    const envs = [new LegalArmsEnv({ length: 3 }), new LegalArmsEnv({ length: 5 })];
    const vec = new SyncVecEnv(envs);
    const { obs } = vec.reset({ seed: 3 });
    // LegalArms' observation is its legal set: the masks must equal it.
    expect(Array.from(vec.actionMasks()!)).toEqual(Array.from(obs));
    const out = vec.createStepResult();
    for (let t = 0; t < 12; t++) {
      const m = vec.actionMasks()!;
      const actions = [0, 1].map((i) => m.subarray(6 * i, 6 * i + 6).indexOf(1));
      vec.step(actions, out);
      expect(Array.from(vec.actionMasks()!)).toEqual(Array.from(out.obs));
    }
    expect(envs[0].illegal + envs[1].illegal).toBe(0);
    // A copy whose info has no mask is all legal there.
    const plain = new SyncVecEnv([new LegalArmsEnv(), new LegalArmsEnv({ masks: false })]);
    plain.reset({ seed: 0 });
    expect(Array.from(plain.actionMasks()!.subarray(6))).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it("rejects a bad info.actionMask naming the copy and step", () => {
    const vec = new SyncVecEnv([new LegalArmsEnv(), withMask(() => [1, 1, 0], 2)]);
    vec.reset({ seed: 0 });
    const m = vec.actionMasks()!;
    const legal = [m.subarray(0, 6).indexOf(1), m.subarray(6).indexOf(1)];
    vec.step(legal);
    expect(() => vec.step([vec.actionMasks()!.subarray(0, 6).indexOf(1), vec.actionMasks()!.subarray(6).indexOf(1)]))
      .toThrow(/info.actionMask: wrong length: expected the number of actions = 6.* at env LegalArms, copy 1, step 2/);
  });
});

describe("checkEnv and action masks", () => {
  it("passes a correct mask and steps legal actions only", () => {
    const env = new LegalArmsEnv();
    expect(checkEnv(env, { steps: 300 }).problems).toEqual([]);
    expect(env.illegal).toBe(0);
    // Without masks, actions sampled from the action space hit illegal arms.
    const plain = new LegalArmsEnv({ masks: false });
    checkEnv(plain, { steps: 300 });
    expect(plain.illegal).toBeGreaterThan(0);
  });

  it("reports a mask of the wrong length, with values other than 0/1, or with no legal action", () => {
    const cases: [unknown, RegExp][] = [
      [[1, 0, 1], /info.actionMask: wrong length: expected the number of actions = 6/],
      [[1, 0, 2, 0, 0, 0], /entries must be true\/false or 1\/0/],
      [[0, 0, 0, 0, 0, 0], /allows no action/],
      ["legal", /must be an array or typed array/],
    ];
    for (const [mask, message] of cases) {
      const report = checkEnv(withMask(() => mask, 3), { steps: 50 });
      expect(report.ok).toBe(false);
      expect(report.problems.join("\n")).toMatch(message);
      expect(report.problems.join("\n")).toMatch(/step\(\) #3/);
    }
    // On the step that ends an episode a mask may allow nothing (no move is left).
    const env = new LegalArmsEnv({ length: 4 });
    const step = env.step.bind(env);
    env.step = (a) => {
      const r = step(a);
      return r.truncated ? { ...r, info: { actionMask: [0, 0, 0, 0, 0, 0] } } : r;
    };
    expect(checkEnv(env, { steps: 50 }).problems).toEqual([]);
  });

  it("reports a mask on a Box action space", () => {
    const env = new LegalArmsEnv();
    Object.defineProperty(env, "actionSpace", { value: new Box(-1, 1, { shape: [1] }) });
    env.step = () => ({ obs: new Float32Array(6), reward: 0, terminated: false, truncated: false, info: {} });
    expect(checkEnv(env, { steps: 5 }).problems.join("\n")).toMatch(/reset\(\): info.actionMask is given, but action masks need a Discrete action space/);
  });
});

describe("tabularEnv({ actionMask })", () => {
  it("reports the mask of each new state as info.actionMask", () => {
    const mdp = smallMdp();
    const masks = [[1, 0], [0, 1]];
    const env = tabularEnv(mdp, { terminal: "none", maxEpisodeSteps: 10, actionMask: (s) => masks[s % 2] });
    const r = env.reset({ seed: 1 });
    expect(r.info.actionMask).toEqual(masks[r.obs % 2]);
    for (let t = 0; t < 20; t++) {
      const step = env.step(1);
      expect(step.info.actionMask).toEqual(masks[step.obs % 2]);
      if (step.truncated) env.reset();
    }
    expect(checkEnv(env).problems).toEqual([]);
    expect(tabularEnv(mdp).reset({ seed: 0 }).info.actionMask).toBeUndefined();
    expect(() => tabularEnv(mdp, { actionMask: [1, 0] as never })).toThrow(/actionMask: must be a function/);
  });
});

describe("evaluatePolicy and action masks", () => {
  it("passes the environment's masks to predict, and names a bad one by episode and step", () => {
    const seen: unknown[] = [];
    const first = { predict: (_obs: unknown, o?: { actionMask?: ArrayLike<number | boolean> }) => (seen.push(o?.actionMask), Array.prototype.indexOf.call(o!.actionMask!, 1)) };
    const env = new LegalArmsEnv({ length: 5 });
    const r = evaluatePolicy(first, env, { episodes: 3 });
    expect(env.illegal).toBe(0);
    expect(seen).toHaveLength(15);
    expect(r.lengths).toEqual([5, 5, 5]);
    const bad = withMask((t) => (t === 2 ? [0, 0, 0, 0, 0, 0] : [1, 1, 1, 1, 1, 1]));
    expect(() => evaluatePolicy({ predict: (obs) => Array.prototype.indexOf.call(obs, 1) }, bad, { episodes: 1 })).toThrow(/info.actionMask: allows no action .* at episode 0, step 2/);
  });
});
