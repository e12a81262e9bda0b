/**
 * Every exact Mirror Learning instance run from the uniform policy on one MDP
 * (Kuba, Schroeder de Witt & Foerster 2022): how many iterations each needs to
 * come within a relative tolerance of the optimum, its returns eta(pi_k), and
 * whether every step improved (the Mirror Learning theorem says it must).
 * Shared by `mirror-rl compare` / `mirror-rl solve` and
 * examples/compare-instances.js.
 */
import { ValidationError } from "../core/errors.js";
import { checkOptions } from "../core/validate.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { optimalEta, optimise, type OptimiseResult } from "../mirror/optimise.js";
import type { Update } from "./instance.js";
import { gpi } from "./gpi.js";
import { npg } from "./npg.js";
import { trl } from "./trl.js";
import { trpo } from "./trpo.js";
import { ppo } from "./ppo.js";
import { cpi } from "./cpi.js";
import { analytical } from "./analytical.js";
import { qNpg } from "./q-npg.js";
import { ampo } from "./ampo.js";
import { tabularFeatures } from "./features.js";
import { tsallis } from "../mirror/kernels/tsallis.js";

/** One named instance with its settings; `make` builds it for an MDP (some depend on its size or gamma). */
export interface InstancePreset {
  /** Short name for command lines: "npg", "trpo", "cpi-optimal", ... */
  readonly key: string;
  /** The instance and its settings as a reader wants them: "npg, eta_k = 2^k". */
  readonly label: string;
  make(mdp: TabularMdp): Update;
}

const doubling = (k: number): number => 2 ** k;

/**
 * The 13 instances of the README's table, in its order: gpi (policy
 * iteration), NPG with a constant, a geometric (1/gamma^k, Xiao 2022) and a
 * doubling step, TRL, TRPO, the exact PPO (clip drift) step, CPI with the
 * bound-optimal and a fixed mixture, the analytical rule, Q-NPG with one-hot
 * features, AMPO with the KL and a Tsallis mirror map. The first preset of a
 * family is the one its bare name selects (`npg` = doubling steps).
 */
export const INSTANCE_PRESETS: readonly InstancePreset[] = Object.freeze([
  { key: "gpi", label: "gpi", make: () => gpi() },
  { key: "npg-100", label: "npg, eta = 100", make: () => npg({ stepSize: 100 }) },
  { key: "npg-geometric", label: "npg, eta_k = 1/gamma^k", make: (mdp: TabularMdp) => npg({ stepSize: (k: number) => 1 / mdp.gamma ** k }) },
  { key: "npg", label: "npg, eta_k = 2^k", make: () => npg({ stepSize: doubling }) },
  { key: "trl", label: "trl, C = 0.001", make: () => trl({ C: 0.001 }) },
  { key: "trpo", label: "trpo, delta = 0.1", make: () => trpo({ delta: 0.1 }) },
  { key: "ppo", label: "ppo, epsilon = 0.2", make: () => ppo({ epsilon: 0.2 }) },
  { key: "cpi-optimal", label: "cpi, alpha*", make: () => cpi({ alpha: "optimal" }) },
  { key: "cpi", label: "cpi, alpha = 0.5", make: () => cpi({ alpha: 0.5 }) },
  { key: "analytical", label: "analytical", make: () => analytical() },
  {
    key: "qnpg", label: "qNpg, one-hot features, eta_k = 2^k",
    make: (mdp: TabularMdp) => qNpg({ features: tabularFeatures(mdp.S, mdp.A), stepSize: doubling, fit: { states: "uniform", actions: "uniform" } }),
  },
  { key: "ampo", label: "ampo, KL, eta_k = 2^k", make: () => ampo({ mirrorMap: "kl", stepSize: doubling }) },
  { key: "ampo-tsallis", label: "ampo, Tsallis q = 0.5, eta_k = 2^k", make: () => ampo({ mirrorMap: tsallis(0.5), stepSize: doubling }) },
].map((p) => Object.freeze(p)));

export interface CompareOptions {
  /** Iteration cap per instance; default 1000. */
  iterations?: number;
  /** Stop once eta* - eta <= tolerance * max(1, |eta*|); default 1e-8. */
  tolerance?: number;
  /** Preset keys to run (default all, in INSTANCE_PRESETS' order). */
  instances?: readonly string[];
  /** eta*, when known (default: policy iteration's). */
  optimum?: number;
  /** Called after each instance's run (e.g. to print progress). */
  onRun?: (run: InstanceRun) => void;
}

export interface InstanceRun {
  key: string;
  label: string;
  /** Steps taken. */
  iterations: number;
  /** Whether it came within the tolerance of the optimum. */
  reached: boolean;
  /** eta(pi_0), ..., eta(pi_n). */
  eta: number[];
  /** eta* - eta(pi_n). */
  gap: number;
  /** The smallest eta(pi_{k+1}) - eta(pi_k) (0 without steps). */
  worstStep: number;
  /** Every step improved, up to rounding (1e-12 relative). */
  monotone: boolean;
  /** Milliseconds of the run (steps and exact evaluations). */
  ms: number;
  /** The final policy. */
  policy: Float64Array;
}

export interface CompareResult {
  /** eta* = mu . V*. */
  optimum: number;
  /** The absolute tolerance on the gap. */
  tolerance: number;
  /** The iteration cap. */
  iterations: number;
  runs: InstanceRun[];
}

/** The preset named `key` (a ValidationError listing the known keys otherwise). */
export function instancePreset(key: string): InstancePreset {
  const p = INSTANCE_PRESETS.find((q) => q.key === key);
  if (!p) throw new ValidationError("instance", `unknown instance (known: ${INSTANCE_PRESETS.map((q) => q.key).join(", ")})`, key);
  return p;
}

/** Runs one preset exactly with optimise; see compareInstances. */
export function runInstance(mdp: TabularMdp, preset: InstancePreset, iterations: number, tolerance: number, optimum: number): InstanceRun {
  const scale = Math.max(1, Math.abs(optimum));
  const started = now();
  const result: OptimiseResult = optimise(mdp, preset.make(mdp), { iterations, tolerance, optimum });
  const ms = now() - started;
  const { eta, improvement, gap } = result.history;
  const worstStep = improvement.length ? Math.min(...improvement) : 0;
  return {
    key: preset.key, label: preset.label, iterations: result.iterations, reached: result.stopped === "tolerance", eta: eta.slice(),
    gap: gap[gap.length - 1], worstStep, monotone: worstStep >= -1e-12 * scale, ms, policy: result.policy,
  };
}

/**
 * Runs the instances on `mdp` from the uniform policy, each to within the
 * tolerance of eta* (from policy iteration) or the iteration cap.
 */
export function compareInstances(mdp: TabularMdp, options: CompareOptions = {}): CompareResult {
  const o = checkOptions("options", options, ["iterations", "tolerance", "instances", "optimum", "onRun"], "compareInstances");
  const iterations = o.iterations ?? 1000;
  if (typeof iterations !== "number" || !Number.isInteger(iterations) || iterations < 0) throw new ValidationError("iterations", "must be an integer >= 0", iterations);
  const relative = o.tolerance ?? 1e-8;
  if (typeof relative !== "number" || !(relative >= 0 && relative < Infinity)) throw new ValidationError("tolerance", "must be a finite number >= 0", relative);
  const presets = (o.instances ?? INSTANCE_PRESETS.map((p) => p.key)).map(instancePreset);
  const optimum = o.optimum ?? optimalEta(mdp);
  const tolerance = relative * Math.max(1, Math.abs(optimum));
  const runs = presets.map((p) => {
    const run = runInstance(mdp, p, iterations, tolerance, optimum);
    o.onRun?.(run);
    return run;
  });
  return { optimum, tolerance, iterations, runs };
}

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}
