/**
 * Vectorised classic-control environments: numEnvs copies stepped in ONE
 * WebAssembly kernel call (assembly/envs/<env>.ts) over a struct-of-arrays f64
 * state in one arena block (dim d of copy i at state[d * numEnvs + i]), with
 * automatic reset inside the step (Gymnasium's "same-step" autoreset, SB3's
 * VecEnv convention): a copy that ended returns the first observation of its
 * next episode, its last one in `info.finalObs`.
 *
 * Randomness: copy i owns a xoshiro128** generator (four u32 in the arena)
 * seeded as `new Rng(seed + i)`; resets draw from it inside the kernel with
 * the same bits as the single environment's `reset({ seed: seed + i })` and
 * later `reset()` calls. So copy i follows exactly the trajectory of a single
 * environment seeded with seed + i and reset whenever it ends (the plain-TS
 * twin is `SyncVecEnv` over single environments; tests check bit equality).
 *
 * Rewards are f64 (the exact single-environment rewards), flags 0/1 bytes.
 */
import { ValidationError } from "../core/errors.js";
import { allocatingFor, checkAllocation, checkObject, checkOptions, kindOf } from "../core/validate.js";
import { Rng } from "../core/rng.js";
import { Block, disown, f32Block, f64Block, i32Block, own, type BlockKind } from "../core/arena.js";
import { kernels } from "../core/wasm.js";
import { type ClassicControlEnv, type ClassicEnvOptions, type ClassicSpec, checkPhysicalState, checkResetOptions } from "./classic.js";
import type { ResetOptions, VecEnv, VecResetResult, VecStepResult } from "./env.js";
import type { Space } from "./spaces.js";
import { createVecStepResult, EpisodeTracker, checkVecOut, checkSeed } from "./vec-common.js";

export interface ClassicVecEnvOptions<P> extends ClassicEnvOptions<P> {
  numEnvs: number;
  /** Copy i is seeded with seed + i (default 0). */
  seed?: number;
  /** "simd" (default) or "scalar": the kernel's scalar twin, bit-identical. */
  kernel?: "simd" | "scalar";
}

type StepKernel = (
  n: number, actions: number, state: number, steps: number, rng: number, params: number, maxSteps: number,
  obs: number, rewards: number, terminated: number, truncated: number, finalObs: number,
) => number;
type ResetKernel = (n: number, state: number, steps: number, rng: number, params: number, obs: number) => void;
type ObserveKernel = (n: number, state: number, obs: number) => void;

const I32_MAX = 0x7fffffff;
const OPTIONS = ["numEnvs", "seed", "kernel", "params", "maxEpisodeSteps"] as const;

export class ClassicVecEnv<P extends object> implements VecEnv {
  readonly id: string;
  readonly numEnvs: number;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly obsSize: number;
  readonly actionSize = 1;
  readonly maxEpisodeSteps: number;
  /** The constants every copy uses. */
  readonly params: Readonly<P>;
  private readonly template: ClassicControlEnv<P>;
  private readonly spec: ClassicSpec<P>;
  private readonly stepKernel: StepKernel;
  private readonly resetKernel: ResetKernel;
  private readonly observeKernel: ObserveKernel;
  private readonly nActions: number;
  private state!: Block<"f64">;
  private steps!: Block<"i32">;
  private rng!: Block<"i32">;
  private paramBlock!: Block<"f64">;
  private actions!: Block<"i32"> | Block<"f64">;
  private obs!: Block<"f32">;
  private rewards!: Block<"f64">;
  private terminated!: Block<"u8">;
  private truncated!: Block<"u8">;
  private finalObs!: Block<"f32">;
  private readonly blocks: Block<BlockKind>[];
  private readonly episodes!: EpisodeTracker;
  private ready = false;
  private closed = false;

  constructor(spec: ClassicSpec<P>, options: ClassicVecEnvOptions<P>) {
    const names = (spec as Partial<ClassicSpec<P>> | null)?.kernels;
    const exported = kernels() as unknown as Record<string, unknown>;
    if (
      spec === null || typeof spec !== "object" || typeof spec.create !== "function" || !names ||
      ![names.stepSimd, names.stepScalar, names.reset, names.observe].every((name) => typeof exported[name] === "function")
    ) {
      throw new ValidationError("spec", "must be a built-in environment's spec: use makeVecEnv(id, options)", kindOf(spec));
    }
    checkObject("options", options, "ClassicVecEnv: { numEnvs, seed, kernel, params, maxEpisodeSteps }", { env: spec.id });
    checkOptions("options", options, OPTIONS, `${spec.id} vector environment`);
    const n = options.numEnvs;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 1 << 24) {
      throw new ValidationError("numEnvs", "must be an integer in [1, 2^24]", n, { env: spec.id });
    }
    const seed = options.seed ?? 0;
    checkSeed(seed, spec.id);
    const kernelKind = options.kernel ?? "simd";
    if (kernelKind !== "simd" && kernelKind !== "scalar") {
      throw new ValidationError("kernel", "must be \"simd\" or \"scalar\"", kernelKind, { env: spec.id });
    }
    this.spec = spec;
    this.template = spec.create({ params: options.params, maxEpisodeSteps: options.maxEpisodeSteps });
    this.id = spec.id;
    this.numEnvs = n;
    this.params = this.template.params;
    this.observationSpace = this.template.observationSpace;
    this.actionSpace = this.template.actionSpace;
    this.obsSize = spec.obsSize;
    this.maxEpisodeSteps = this.template.maxEpisodeSteps;
    this.nActions = this.actionSpace.kind === "discrete" ? this.actionSpace.n : 0;
    const k = kernels() as unknown as Record<string, unknown>;
    this.stepKernel = k[kernelKind === "simd" ? spec.kernels.stepSimd : spec.kernels.stepScalar] as StepKernel;
    this.resetKernel = k[spec.kernels.reset] as ResetKernel;
    this.observeKernel = k[spec.kernels.observe] as ObserveKernel;

    // Per copy: the state, step counter, generator, action, observation and final observation, reward and flags.
    const perCopy = spec.stateSize * 8 + 4 + 16 + 8 + 2 * spec.obsSize * 4 + 8 + 2;
    checkAllocation("numEnvs", n, n * perCopy, { env: spec.id });
    const taken: Block<BlockKind>[] = [];
    const take = <B extends Block<BlockKind>>(b: B): B => {
      taken.push(b);
      return b;
    };
    allocatingFor("numEnvs", n, () => {
      try {
        this.state = take(f64Block(spec.stateSize * n));
        this.steps = take(i32Block(n));
        this.rng = take(i32Block(4 * n));
        this.paramBlock = take(f64Block(this.template.kernelParams().length));
        this.actions = take(spec.continuousActions ? f64Block(n) : i32Block(n));
        this.obs = take(f32Block(n * spec.obsSize));
        this.rewards = take(f64Block(n));
        this.terminated = take(new Block("u8", n));
        this.truncated = take(new Block("u8", n));
        this.finalObs = take(f32Block(n * spec.obsSize));
      } catch (error) {
        for (const b of taken) b.free();
        throw error;
      }
    }, { env: spec.id });
    this.blocks = taken;
    own(this, this.blocks);
    try {
      this.finalObs.view.fill(0);
      this.episodes = new EpisodeTracker(n);
      this.seedCopies(seed);
    } catch (error) {
      disown(this, this.blocks);
      throw error;
    }
  }

  private seedCopies(seed: number): void {
    checkSeed(seed, this.id);
    const view = this.rng.view;
    for (let i = 0; i < this.numEnvs; i++) {
      const s = new Rng(seed + i).getState();
      for (let j = 0; j < 4; j++) view[4 * i + j] = s[j] | 0;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`${this.id} vector environment: used after close()`);
  }

  reset(opts: ResetOptions = {}): VecResetResult {
    this.assertOpen();
    checkResetOptions(opts, this.id);
    if (opts.seed !== undefined) this.seedCopies(opts.seed);
    this.paramBlock.set(this.template.kernelParams(opts.options));
    this.resetKernel(this.numEnvs, this.state.ptr, this.steps.ptr, this.rng.ptr, this.paramBlock.ptr, this.obs.ptr);
    this.episodes.clear();
    this.ready = true;
    return { obs: this.obs.view.slice(), info: {} };
  }

  createStepResult(): VecStepResult {
    return createVecStepResult(this.numEnvs, this.obsSize);
  }

  step(actions: ArrayLike<number>, out?: VecStepResult): VecStepResult {
    this.assertOpen();
    if (!this.ready) throw new Error(`${this.id} vector environment: call reset() (or setState()) before step()`);
    const n = this.numEnvs;
    if (!actions || actions.length !== n) {
      throw new ValidationError("actions", `must have numEnvs = ${n} entries`, actions?.length, { env: this.id });
    }
    // Checked before the kernel runs: a step whose result cannot be delivered must not advance the copies.
    const result = out ?? this.createStepResult();
    checkVecOut(result, n, this.obsSize, this.id);
    if (this.nActions > 0) {
      const view = (this.actions as Block<"i32">).view;
      const nA = this.nActions;
      if (actions instanceof Int32Array) {
        // Fast path: copy, then one unsigned comparison per entry.
        view.set(actions);
        for (let i = 0; i < n; i++) {
          if (view[i] >>> 0 >= nA) {
            throw new ValidationError("actions", `must be integers in [0, ${nA})`, view[i], { env: this.id, copy: i });
          }
        }
      } else {
        for (let i = 0; i < n; i++) {
          const a = actions[i];
          if (!(Number.isInteger(a) && a >= 0 && a < nA)) {
            throw new ValidationError("actions", `must be integers in [0, ${nA})`, a, { env: this.id, copy: i });
          }
          view[i] = a;
        }
      }
    } else {
      const view = (this.actions as Block<"f64">).view;
      for (let i = 0; i < n; i++) {
        const a = actions[i];
        if (typeof a !== "number" || !Number.isFinite(a)) {
          throw new ValidationError("actions", "must be finite numbers", a, { env: this.id, copy: i });
        }
        view[i] = a;
      }
    }
    const maxSteps = this.maxEpisodeSteps > I32_MAX ? I32_MAX : this.maxEpisodeSteps;
    this.stepKernel(
      n, this.actions.ptr, this.state.ptr, this.steps.ptr, this.rng.ptr, this.paramBlock.ptr, maxSteps,
      this.obs.ptr, this.rewards.ptr, this.terminated.ptr, this.truncated.ptr, this.finalObs.ptr,
    );
    result.obs.set(this.obs.view);
    result.rewards.set(this.rewards.view);
    result.terminated.set(this.terminated.view);
    result.truncated.set(this.truncated.view);
    this.episodes.record(result, this.finalObs.view, this.obsSize);
    return result;
  }

  elapsedSteps(): Int32Array {
    return this.steps.view.slice();
  }

  /** The current observations of all copies (numEnvs x obsSize). */
  observe(): Float32Array {
    this.assertOpen();
    this.observeKernel(this.numEnvs, this.state.ptr, this.obs.ptr);
    return this.obs.view.slice();
  }

  /** Copy i's physical state (f64, as the single environment's `getState`). */
  getState(i: number): Float64Array {
    this.assertOpen();
    this.checkCopy(i);
    const d = this.spec.stateSize;
    const out = new Float64Array(d);
    const view = this.state.view;
    for (let j = 0; j < d; j++) out[j] = view[j * this.numEnvs + i];
    return out;
  }

  /** Sets copy i's physical state; its elapsed-step counter is left alone. */
  setState(i: number, state: ArrayLike<number>): void {
    this.assertOpen();
    this.checkCopy(i);
    const d = this.spec.stateSize;
    checkPhysicalState(state, d, { env: this.id, copy: i });
    if (!this.ready) {
      // A vector environment set up by hand: the other copies start from a reset.
      this.reset();
    }
    const view = this.state.view;
    for (let j = 0; j < d; j++) view[j * this.numEnvs + i] = state[j];
  }

  private checkCopy(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.numEnvs) {
      throw new ValidationError("copy", `must be an integer in [0, ${this.numEnvs})`, i, { env: this.id });
    }
  }

  /** Frees the WebAssembly memory now (otherwise freed when the object is collected). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    disown(this, this.blocks);
  }
}
