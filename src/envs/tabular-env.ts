/**
 * A finite MDP as a sampled environment (Gymnasium's toy-text style): the
 * observation is the state index s (Discrete(S)), the action an index
 * (Discrete(A)). reset draws s0 ~ mu; step(a) pays the expected reward
 * R[s][a] (the MDP model keeps expected rewards only, so returns have the
 * right expectation; their variance is that of the transitions alone) and
 * moves to s' ~ P(. | s, a). All draws come from the environment's `Rng`.
 *
 * Termination: by default a state is terminal when it is absorbing with zero
 * reward (every action loops to it with probability 1 and pays 0), which is
 * how FrozenLake's holes and goal are modelled: ending there changes no
 * return. `terminal` may instead list the terminal states, give a predicate,
 * or be "none" (a continuing task, ended only by the time limit).
 *
 * `actionMask: (s) => mask` makes some actions illegal in some states: the
 * mask of each new state (A entries, true/1 = legal) is reported as
 * `info.actionMask` by reset and step, for agents that mask actions.
 */
import { ValidationError } from "../core/errors.js";
import { checkTabularMdp, type TabularMdp } from "../mdp/tabular-mdp.js";
import { checkObject, checkOptions, isArrayLike } from "../core/validate.js";
import { Rng } from "../core/rng.js";
import type { Action, Env, ResetOptions, ResetResult, StepResult } from "./env.js";
import { checkMaxEpisodeSteps, checkResetOptions, discreteAction } from "./classic.js";
import { Discrete } from "./spaces.js";

export interface TabularEnvOptions {
  /** Time limit (truncation); default Infinity. */
  maxEpisodeSteps?: number;
  /** Which states end an episode (see the module comment); default "absorbing". */
  terminal?: "absorbing" | "none" | ArrayLike<number> | ((s: number) => boolean);
  /** The legal actions of state s (A entries, true/1 = legal), reported as `info.actionMask`; default: none (all legal). */
  actionMask?: (s: number) => ArrayLike<number | boolean>;
}

const UNKNOWN = -1;

export class TabularEnv implements Env<number, Action> {
  readonly id = "TabularMdp";
  readonly observationSpace: Discrete;
  readonly actionSpace: Discrete;
  readonly maxEpisodeSteps: number;
  readonly mdp: TabularMdp;
  private readonly isTerminal: (s: number) => boolean;
  private readonly actionMask?: (s: number) => ArrayLike<number | boolean>;
  private rng = new Rng(0);
  private s = 0;
  private elapsed = 0;
  private ready = false;

  constructor(mdp: TabularMdp, options: TabularEnvOptions = {}) {
    checkTabularMdp(mdp, "tabularEnv");
    checkObject("options", options, "tabularEnv: { maxEpisodeSteps, terminal }");
    checkOptions("options", options, ["maxEpisodeSteps", "terminal", "actionMask"], "tabularEnv");
    this.mdp = mdp;
    this.observationSpace = new Discrete(mdp.S);
    this.actionSpace = new Discrete(mdp.A);
    this.maxEpisodeSteps = checkMaxEpisodeSteps(options.maxEpisodeSteps, Infinity, this.id);
    this.isTerminal = this.terminalRule(options.terminal ?? "absorbing");
    if (options.actionMask !== undefined && typeof options.actionMask !== "function") {
      throw new ValidationError("actionMask", "must be a function of the state returning its legal actions", typeof options.actionMask);
    }
    this.actionMask = options.actionMask;
  }

  /** The info of a new state: its legal actions when `actionMask` is given. */
  private info(): Record<string, unknown> {
    return this.actionMask ? { actionMask: this.actionMask(this.s) } : {};
  }

  private terminalRule(rule: NonNullable<TabularEnvOptions["terminal"]>): (s: number) => boolean {
    const S = this.mdp.S;
    if (rule === "none") return () => false;
    if (typeof rule === "function") return (s) => rule(s) === true;
    if (rule === "absorbing") {
      // Decided on first visit: scanning all S*A rows up front would cost O(nnz) for huge sparse models.
      const cache = new Int8Array(S).fill(UNKNOWN);
      return (s) => {
        if (cache[s] === UNKNOWN) cache[s] = this.absorbing(s) ? 1 : 0;
        return cache[s] === 1;
      };
    }
    if (isArrayLike(rule)) {
      const mask = new Uint8Array(S);
      for (let i = 0; i < rule.length; i++) {
        const s = rule[i];
        if (!Number.isInteger(s) || s < 0 || s >= S) {
          throw new ValidationError("terminal", `states must be integers in [0, ${S})`, s, { index: i });
        }
        mask[s] = 1;
      }
      return (s) => mask[s] === 1;
    }
    throw new ValidationError("terminal", "must be \"absorbing\", \"none\", a list of states or a predicate", rule);
  }

  private absorbing(s: number): boolean {
    for (let a = 0; a < this.mdp.A; a++) {
      if (this.mdp.reward(s, a) !== 0) return false;
      const { next, probs } = this.mdp.transition(s, a);
      if (next.length !== 1 || next[0] !== s || probs[0] !== 1) return false;
    }
    return true;
  }

  reset(opts: ResetOptions = {}): ResetResult<number> {
    checkResetOptions(opts, this.id);
    if (opts.seed !== undefined) this.rng = new Rng(opts.seed);
    if (opts.options && Object.keys(opts.options).length > 0) {
      throw new ValidationError("options", "a tabular environment takes no reset options", Object.keys(opts.options).join(", "));
    }
    this.s = this.mdp.sampleInitial(this.rng);
    this.elapsed = 0;
    this.ready = true;
    return { obs: this.s, info: this.info() };
  }

  step(action: Action): StepResult<number> {
    if (!this.ready) throw new Error(`${this.id}: call reset() (or setState()) before step()`);
    const a = discreteAction(action, this.mdp.A, this.id);
    const reward = this.mdp.reward(this.s, a);
    this.s = this.mdp.sampleNext(this.s, a, this.rng);
    this.elapsed++;
    return {
      obs: this.s,
      reward,
      terminated: this.isTerminal(this.s),
      truncated: this.elapsed >= this.maxEpisodeSteps,
      info: this.info(),
    };
  }

  get elapsedSteps(): number {
    return this.elapsed;
  }

  /** The state as [s]. */
  getState(): Float64Array {
    return Float64Array.of(this.s);
  }

  /** Sets the state ([s], s an integer in [0, S)); the elapsed-step counter is left alone. */
  setState(state: ArrayLike<number>): void {
    const s = state?.[0];
    if (!state || state.length !== 1 || !Number.isInteger(s) || s < 0 || s >= this.mdp.S) {
      throw new ValidationError("state", `must be [s] with s an integer in [0, ${this.mdp.S})`, state ? Array.from(state) : state, { env: this.id });
    }
    this.s = s;
    this.ready = true;
  }

  close(): void {}
}

/** A sampled environment over a tabular MDP (see `TabularEnv`). */
export function tabularEnv(mdp: TabularMdp, options: TabularEnvOptions = {}): TabularEnv {
  return new TabularEnv(mdp, options);
}
