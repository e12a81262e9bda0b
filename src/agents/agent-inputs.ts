/**
 * What an agent reads from its caller besides its config: the observations
 * given to `predict`, the options of `learn` and `predict`, the names of the
 * networks' internal checks as a user would say them, and a saved agent's file
 * and config for `load`.
 */
import { ValidationError, type Location } from "../core/errors.js";
import { checkOptions, isArrayLike, kindOf } from "../core/validate.js";
import { nodeFs } from "./logger.js";
import { isVecEnv, type LoadOptions } from "./on-policy-config.js";

/** The bytes of an agent file (Node). */
export function readAgentFile(path: string): Uint8Array {
  const fs = nodeFs();
  if (!fs) throw new ValidationError("path", "loadFile needs Node's file system; use load(bytes)", path);
  return new Uint8Array(fs.readFileSync(path));
}

export const PREDICT_OPTIONS = ["deterministic", "batch", "actionMask"] as const;

/** Fields of the checks inside the networks and heads, as a user would name them. */
export const NETWORK_FIELDS: Readonly<Record<string, string>> = {
  dOut: "a gradient of the loss", logits: "a logit of the policy", gradients: "the gradient norm", x: "a network input",
  mean: "the policy's mean action", logStd: "the policy's log-std", finalValues: "the critic's value", actions: "a sampled action",
  weights: "the gSDE noise variance (exp of the log-std)", latent: "the policy's features (gSDE)",
};
export const LEARN_OPTIONS = ["callback", "logFile", "logDir", "formats", "logger", "resetNumTimesteps"] as const;

/**
 * The observations `predict` was given as one flat array of finite numbers:
 * its rows, and whether the caller asked for a batch (rows of an array, a
 * flat array with `batch`, or a flat array of several rows).
 */
export function observationRows(obs: unknown, d: number, batchFlag: boolean, f32: boolean): { values: ArrayLike<number>; rows: number; batch: boolean } {
  const finiteEntry = (v: unknown, i: number): number => {
    if (typeof v !== "number" || !Number.isFinite(f32 ? Math.fround(v) : v)) {
      const where: Location = d > 1 ? { row: Math.floor(i / d), column: i % d } : { index: i };
      throw new ValidationError("obs", f32 ? "entries must be finite numbers within float32's range (|x| < 3.4e38)" : "entries must be finite numbers", v, where);
    }
    return v;
  };
  const where = (v: unknown): string => (typeof v === "object" && v !== null ? kindOf(v) : String(v));
  if (typeof obs === "number") {
    finiteEntry(obs, 0);
    if (d !== 1) throw new ValidationError("obs", `a single number is one observation of size 1, but obsSize = ${d}`, obs);
    return { values: [obs], rows: 1, batch: batchFlag };
  }
  if (Array.isArray(obs) && obs.length > 0 && typeof obs[0] === "object" && obs[0] !== null) {
    // Rows: an array of observations.
    const values = new Float64Array(obs.length * d);
    for (let r = 0; r < obs.length; r++) {
      const row = obs[r] as ArrayLike<unknown>;
      if (!isArrayLike(row) || row.length !== d) {
        throw new ValidationError("obs", `each row must hold obsSize = ${d} numbers`, isArrayLike(row) ? row.length : where(row), { row: r });
      }
      for (let j = 0; j < d; j++) values[r * d + j] = finiteEntry(row[j], r * d + j);
    }
    return { values, rows: obs.length, batch: true };
  }
  if (!isArrayLike(obs)) {
    throw new ValidationError("obs", "must be an observation (numbers, a Float32Array or Float64Array), an array of them, or a number", where(obs));
  }
  const n = obs.length;
  if (n === 0 || n % d !== 0) throw new ValidationError("obs", `must hold a multiple of obsSize = ${d} values`, n);
  for (let i = 0; i < n; i++) finiteEntry(obs[i], i);
  return { values: obs as ArrayLike<number>, rows: n / d, batch: batchFlag || n !== d };
}

/** The config to rebuild a saved agent with: the file's, with `options.env` and `options.overrides` applied. */
export function loadedConfig(p: Record<string, unknown>, algorithm: string, options: LoadOptions): Record<string, unknown> {
  checkOptions("options", options, ["env", "overrides"], `${algorithm}.load`);
  const { env, overrides } = options;
  if (overrides !== undefined && (overrides === null || typeof overrides !== "object" || Array.isArray(overrides))) {
    throw new ValidationError("overrides", "must be an object of config fields", kindOf(overrides));
  }
  if (p.algorithm !== algorithm) {
    throw new ValidationError("model file", `holds a ${String(p.algorithm)} agent, not ${algorithm}`, p.algorithm);
  }
  if (p.config === null || typeof p.config !== "object" || Array.isArray(p.config)) {
    throw new ValidationError("config", "the file's config must be an object", kindOf(p.config));
  }
  const config = { ...(p.config as Record<string, unknown>) };
  const useEnv = env ?? (config.env as string | null) ?? undefined;
  if (useEnv === undefined) {
    throw new ValidationError("env", `the agent was trained on a user environment (${String(config.envId)}): pass { env } to load`, undefined);
  }
  delete config.envId;
  config.env = useEnv;
  if (env !== undefined && isVecEnv(env)) config.numEnvs = env.numEnvs;
  if (env !== undefined && typeof env === "object" && !isVecEnv(env)) config.numEnvs = 1;
  return { ...config, ...overrides };
}
