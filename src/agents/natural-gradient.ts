/**
 * The natural-gradient policy step of TRPO and NPG (Kakade 2001; Schulman,
 * Levine, Moritz, Jordan & Abbeel 2015): on a batch of rollout rows, the
 * gradient g of the surrogate L(theta) = mean_r A_r pi_theta(a_r|s_r) /
 * pi_old(a_r|s_r) at theta_old, the direction s = (F + damping I)^{-1} g by
 * conjugate gradients on Fisher-vector products (src/nn/fisher.ts), and
 * candidate steps theta_old + c s with their surrogate and mean
 * KL(pi_old || pi_theta), for a backtracking line search (TRPO) or a fixed
 * step size (NPG).
 *
 * Conjugate gradients here run in f32 over the policy's parameter vector in
 * WebAssembly memory, with f64 dot products, and follow sb3-contrib's
 * `conjugate_gradient_solver` step for step (at most maxSteps products, stop
 * when |r|^2 < 1e-10), starting from x = 0 instead of sb3-contrib's
 * 1e-4 N(0, 1) (which needs no random stream and gives x = 0, hence no step,
 * when g vanishes). src/linalg/cg.ts is not used: it works on f64 blocks
 * and judges convergence on the true residual with restarts, a solver for
 * accurate solutions, while TRPO wants a fixed small number of f32 steps on
 * an operator that is already in f32 (a conversion per product would only
 * add copies). Its vector work is a few passes over the parameters per
 * product, beside a product's four GEMMs per layer.
 *
 * sb3-contrib measures the line search's KL as KL(pi_theta || pi_old); this
 * module measures KL(pi_old || pi_theta), the mean-KL ball of Schulman et
 * al. 2015 (eq. 12) and of `meanKlBall` / `trpo({ delta })`. Both have the
 * Fisher matrix as Hessian at theta_old, so the step sqrt(2 delta / s^T F s)
 * is the same; they differ at third order in the step.
 */
import { disown, f32Block, own, type Block } from "../core/arena.js";
import { kernels } from "../core/wasm.js";
import { ValidationError } from "../core/errors.js";
import { checkOptions } from "../core/validate.js";
import { categoricalKl } from "../nn/categorical.js";
import { gaussianKl } from "../nn/gaussian.js";
import { FisherOperator } from "../nn/fisher.js";
import { copyF32, heapF32, type F32Ref, type I32Ref } from "../nn/tensor.js";
import type { ActorCritic } from "./actor-critic.js";

// ----- conjugate gradients -----

export interface ConjugateGradientOptions {
  /** At most this many operator products (sb3-contrib's cg_max_steps); >= 1. */
  maxSteps: number;
  /** Stop when |r|^2 falls below this; default 1e-10 (sb3-contrib's residual_tol). */
  residualTolerance?: number;
}

export interface ConjugateGradientResult {
  /** Operator products taken. */
  steps: number;
  /** |b - A x| by the recurrence. */
  residualNorm: number;
}

/** Work vectors of `conjugateGradient`: r, p and A p, each n f32. */
export interface ConjugateGradientWork {
  r: F32Ref;
  p: F32Ref;
  q: F32Ref;
}

function dotF32(h: Float32Array, a: number, b: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += h[a + i] * h[b + i];
  return s;
}

/**
 * Solves A x = b for a symmetric positive definite A given as
 * `apply(pByteAddress, outByteAddress)` (out = A p, n f32 each), from x = 0,
 * with the steps of sb3-contrib's conjugate_gradient_solver (Hestenes &
 * Stiefel 1952): alpha = r.r / p.Ap, x += alpha p, r -= alpha Ap,
 * p = r + (r'.r' / r.r) p. Stops after `maxSteps` products, when |r|^2 <
 * residualTolerance, or when p.Ap <= 0 (A not positive along p). x (n f32) is
 * overwritten.
 */
export function conjugateGradient(
  apply: (p: number, out: number) => void, b: F32Ref, x: F32Ref, work: ConjugateGradientWork, options: ConjugateGradientOptions,
): ConjugateGradientResult {
  const o = checkOptions("options", options, ["maxSteps", "residualTolerance"], "conjugateGradient");
  const maxSteps = o.maxSteps;
  if (typeof maxSteps !== "number" || !Number.isInteger(maxSteps) || maxSteps < 1) throw new ValidationError("maxSteps", "must be an integer >= 1", maxSteps);
  const tol = o.residualTolerance ?? 1e-10;
  if (typeof tol !== "number" || !(tol >= 0)) throw new ValidationError("residualTolerance", "must be a number >= 0", tol);
  const n = b.length;
  for (const [field, ref] of [["x", x], ["r", work.r], ["p", work.p], ["q", work.q]] as const) {
    if (!ref || ref.kind !== "f32" || ref.length < n) throw new ValidationError(field, `must be an f32 block of at least ${n} values`, ref?.length);
  }
  const xi = x.ptr >>> 2, ri = work.r.ptr >>> 2, pi = work.p.ptr >>> 2, qi = work.q.ptr >>> 2, bi = b.ptr >>> 2;
  let h = heapF32();
  for (let i = 0; i < n; i++) {
    h[xi + i] = 0;
    h[ri + i] = h[bi + i];
    h[pi + i] = h[bi + i];
  }
  let rr = dotF32(h, ri, ri, n);
  if (!(rr >= tol)) return { steps: 0, residualNorm: Math.sqrt(rr) };
  let steps = 0;
  for (;;) {
    apply(work.p.ptr, work.q.ptr);
    steps++;
    h = heapF32();
    const pq = dotF32(h, pi, qi, n);
    if (!(pq > 0 && pq < Infinity)) break;
    const alpha = rr / pq;
    for (let i = 0; i < n; i++) h[xi + i] += alpha * h[pi + i];
    if (steps >= maxSteps) break;
    let next = 0;
    for (let i = 0; i < n; i++) {
      const r = (h[ri + i] -= alpha * h[qi + i]);
      next += r * r;
    }
    if (!(next >= tol)) {
      rr = next;
      break;
    }
    const beta = next / rr;
    rr = next;
    for (let i = 0; i < n; i++) h[pi + i] = h[ri + i] + beta * h[pi + i];
  }
  return { steps, residualNorm: Math.sqrt(rr) };
}

// ----- line search -----

export interface LineSearchOptions {
  /** Upper bound on the mean KL of an accepted step (sb3-contrib's target_kl). */
  targetKl: number;
  /** Factor the step shrinks by after a rejection (line_search_shrinking_factor), in (0, 1). */
  shrinkingFactor: number;
  /** Candidates tried, the full step first (line_search_max_iter). */
  maxIter: number;
}

export interface LineSearchResult {
  accepted: boolean;
  /** The accepted step's coefficient (1, shrink, shrink^2, ...), or 0. */
  coefficient: number;
  /** The accepted step's surrogate and mean KL (the baseline and 0 when none was). */
  objective: number;
  kl: number;
  /** Candidates evaluated. */
  iterations: number;
}

/**
 * sb3-contrib's backtracking line search: tries coefficients 1, shrink,
 * shrink^2, ... (at most maxIter) and accepts the first whose mean KL is
 * below targetKl and whose surrogate exceeds `baseline`; a candidate with a
 * non-finite KL or surrogate is rejected. `evaluate(c)` sets the parameters
 * to theta_old + c * step and measures them; restoring theta_old after a
 * failure is the caller's.
 */
export function backtrackingLineSearch(
  evaluate: (coefficient: number) => { objective: number; kl: number }, baseline: number, options: LineSearchOptions,
): LineSearchResult {
  let c = 1;
  for (let i = 0; i < options.maxIter; i++) {
    const { objective, kl } = evaluate(c);
    if (kl < options.targetKl && objective > baseline) return { accepted: true, coefficient: c, objective, kl, iterations: i + 1 };
    c *= options.shrinkingFactor;
  }
  return { accepted: false, coefficient: 0, objective: baseline, kl: 0, iterations: options.maxIter };
}

/** The largest step along s inside the quadratic KL model: sqrt(2 maxKl / s^T F s) (0 when s^T F s is not positive). */
export function trustRegionStepSize(maxKl: number, sFs: number): number {
  return sFs > 0 && sFs < Infinity ? Math.sqrt((2 * maxKl) / sFs) : 0;
}

// ----- the policy step -----

/** A batch of rollout rows for the policy step (f32 blocks in WebAssembly memory). */
export interface PolicyBatch {
  /** rows x obsSize. */
  obs: F32Ref;
  /** rows chosen actions (I32Ref) or rows x actionDim actions (F32Ref). */
  actions: I32Ref | F32Ref;
  /** rows log pi_old(a_r | s_r) from the rollout. */
  logpOld: F32Ref;
  /** rows advantages (normalised or not, as the surrogate should see them). */
  advantages: F32Ref;
  rows: number;
}

export interface NaturalStepOptions {
  /** lambda of F + lambda I (sb3-contrib's cg_damping). */
  damping: number;
  /** Conjugate-gradient products (cg_max_steps). */
  cgMaxSteps: number;
}

/** What `NaturalGradientStep.direction` found. */
export interface NaturalDirection {
  /** The surrogate at theta_old (mean A_r r_r, r_r = 1 up to rounding). */
  objective: number;
  /** |g|, the surrogate gradient's norm. */
  gradientNorm: number;
  /** s^T (F + lambda I) s of the direction s. */
  sFs: number;
  /** g . s = g^T (F + lambda I)^{-1} g (approximately). */
  gDotS: number;
  cgSteps: number;
  cgResidual: number;
}

const STEP_OPTIONS = ["damping", "cgMaxSteps"] as const;

/**
 * The natural-gradient step of an actor-critic's policy (the actor MLP and,
 * for Gaussian actions, its log-stds) on a batch: `direction(batch)` computes
 * g and s at the current parameters (theta_old), `evaluate(c)` moves to
 * theta_old + c s and returns the surrogate and mean KL(pi_old || pi) on the
 * batch, `restore()` goes back to theta_old. Vectors are laid out as the
 * actor's parameters followed by the log-stds.
 */
export class NaturalGradientStep {
  readonly policy: ActorCritic;
  readonly fisher: FisherOperator;
  /** Length of the policy's parameter vector. */
  readonly size: number;
  readonly cgMaxSteps: number;
  private capacity = 0;
  private batch?: PolicyBatch;
  /** [theta_old, g, s, r, p, q] (size each), then [stats (8 f64 as 16 f32), old logp (rows x A) or old means (rows x D), old log-stds, per-row KL]; shared with the finaliser. */
  private readonly blocks: Block<"f32">[];
  private rowBlocks: Block<"f32">[] = [];

  constructor(policy: ActorCritic, options: NaturalStepOptions) {
    checkOptions("options", options, STEP_OPTIONS, "NaturalGradientStep");
    const { damping, cgMaxSteps } = options;
    if (typeof cgMaxSteps !== "number" || !Number.isInteger(cgMaxSteps) || cgMaxSteps < 1) {
      throw new ValidationError("cgMaxSteps", "must be an integer >= 1", cgMaxSteps);
    }
    this.policy = policy;
    this.cgMaxSteps = cgMaxSteps;
    this.fisher = new FisherOperator(policy.actor, policy.continuous
      ? { head: "gaussian", logStd: policy.logStd!.value, damping }
      : { head: "categorical", damping });
    this.size = this.fisher.size;
    this.blocks = Array.from({ length: 6 }, () => f32Block(this.size));
    own(this, this.blocks);
  }

  get damping(): number {
    return this.fisher.damping;
  }

  set damping(d: number) {
    this.fisher.damping = d;
  }

  /** The direction s found by the last `direction` call (a live view; valid until memory grows). */
  get directionView(): Float32Array {
    return this.blocks[2].view;
  }

  private ensureRows(rows: number): void {
    if (rows <= this.capacity) return;
    disown(this.rowBlocks, this.rowBlocks);
    const A = this.policy.nActions;
    this.rowBlocks = [f32Block(16), f32Block(rows * A), f32Block(A), f32Block(rows)];
    own(this, this.rowBlocks, this.rowBlocks);
    this.capacity = rows;
  }

  /** Copies the policy's parameters (actor, then log-stds) into `to`, or back from it. */
  private transfer(block: Block<"f32">, toPolicy: boolean): void {
    const actor = this.policy.actor.slice;
    const P = actor.length;
    if (toPolicy) copyF32(block.ptr, actor.ptr, P);
    else copyF32(actor.ptr, block.ptr, P);
    const ls = this.policy.logStd;
    if (ls) {
      if (toPolicy) copyF32(block.ptr + 4 * P, ls.ptr, ls.length);
      else copyF32(ls.ptr, block.ptr + 4 * P, ls.length);
    }
  }

  /**
   * The surrogate and its gradient at the current parameters on `batch`, and
   * the direction s = (F + lambda I)^{-1} g by conjugate gradients; remembers
   * the parameters as theta_old.
   */
  direction(batch: PolicyBatch): NaturalDirection {
    const { rows } = batch;
    if (!Number.isInteger(rows) || rows < 1) throw new ValidationError("rows", "the policy step needs at least one row", rows);
    this.batch = batch;
    this.ensureRows(rows);
    const pol = this.policy;
    const [theta, g, s, r, p, q] = this.blocks;
    this.transfer(theta, false);
    pol.logProbForward(batch.obs, rows, batch.actions);
    const objective = this.surrogate(true);
    pol.logProbBackward(rows, batch.actions, 0);
    // logProbBackward wrote d(-surrogate)/d theta (gLogp = -A r / rows): g is its negative.
    this.fisher.prepare(pol.continuous ? {} : { logp: pol.logp });
    const A = pol.nActions;
    const [, old, oldLogStd] = this.rowBlocks;
    if (pol.continuous) {
      copyF32(pol.actor.lastOutput.ptr, old.ptr, rows * A);
      copyF32(pol.logStd!.ptr, oldLogStd.ptr, A);
    } else {
      copyF32(pol.logp.ptr, old.ptr, rows * A);
    }
    const P = pol.actor.slice.length;
    copyF32(pol.actor.slice.gradPtr, g.ptr, P);
    if (pol.logStd) copyF32(pol.logStd.gradPtr, g.ptr + 4 * P, A);
    const n = this.size;
    let h = heapF32();
    const gi = g.ptr >>> 2;
    let gg = 0;
    for (let i = 0; i < n; i++) {
      const v = -h[gi + i];
      h[gi + i] = v;
      gg += v * v;
    }
    const op = this.fisher;
    const cg = conjugateGradient((a, out) => op.applyUnchecked(a, out), g, s, { r, p, q }, { maxSteps: this.cgMaxSteps });
    op.applyUnchecked(s.ptr, q.ptr);
    h = heapF32();
    const sFs = dotF32(h, s.ptr >>> 2, q.ptr >>> 2, n);
    const gDotS = dotF32(h, gi, s.ptr >>> 2, n);
    return { objective, gradientNorm: Math.sqrt(gg), sFs, gDotS, cgSteps: cg.steps, cgResidual: cg.residualNorm };
  }

  /**
   * The surrogate mean_r A_r exp(logp_r - logpOld_r) of the policy's last
   * `logProbForward` on the batch (in WebAssembly, exp in f64); with
   * `gradient`, writes d(-surrogate)/d logp_r = -A_r r_r / rows into the
   * policy's gLogp (else into the per-row KL block, overwritten next).
   */
  private surrogate(gradient: boolean): number {
    const b = this.batch!;
    const stats = this.rowBlocks[0];
    // PPO's per-sample kernel with an infinite clip range: objective A r, drift 0.
    const sink = gradient ? this.policy.gLogp.ptr : this.rowBlocks[3].ptr;
    kernels().agentsPpoClipLoss(b.logpOld.ptr, this.policy.logpAct.ptr, b.advantages.ptr, sink, stats.ptr, b.rows, Infinity);
    return new Float64Array(kernels().memory.buffer, stats.ptr, 1)[0] / b.rows;
  }

  /**
   * Sets the policy to theta_old + c s and returns its surrogate and mean
   * KL(pi_old || pi) on the batch of the last `direction` call.
   */
  evaluate(coefficient: number): { objective: number; kl: number } {
    const b = this.batch;
    if (!b) throw new ValidationError("evaluate", "needs direction(batch) first", coefficient);
    const [theta, , s] = this.blocks;
    const n = this.size;
    const h = heapF32();
    const ti = theta.ptr >>> 2, si = s.ptr >>> 2;
    const c = Math.fround(coefficient);
    // The candidate is written into theta's neighbour r (free after the solve), then copied into the policy.
    const r = this.blocks[3];
    const ri = r.ptr >>> 2;
    for (let i = 0; i < n; i++) h[ri + i] = h[ti + i] + c * h[si + i];
    this.transfer(r, true);
    return this.measure();
  }

  /** The surrogate and mean KL(pi_old || pi) of the current parameters on the batch. */
  measure(): { objective: number; kl: number } {
    const b = this.batch!;
    const pol = this.policy;
    const rows = b.rows;
    pol.logProbForward(b.obs, rows, b.actions);
    const objective = this.surrogate(false);
    const [, old, oldLogStd, klRows] = this.rowBlocks;
    const A = pol.nActions;
    if (pol.continuous) {
      gaussianKl({ meanP: old, logStdP: oldLogStd, meanQ: pol.actor.lastOutput, logStdQ: pol.logStd!.value, rows, actionDim: A, out: klRows });
    } else {
      categoricalKl({ logpP: old, logpQ: pol.logp, rows, actionCount: A, out: klRows });
    }
    const kv = klRows.view;
    let kl = 0;
    for (let i = 0; i < rows; i++) kl += kv[i];
    return { objective, kl: kl / rows };
  }

  /** Puts theta_old back. */
  restore(): void {
    this.transfer(this.blocks[0], true);
  }

  dispose(): void {
    this.fisher.dispose();
    disown(this, this.blocks);
    disown(this.rowBlocks, this.rowBlocks);
  }
}
