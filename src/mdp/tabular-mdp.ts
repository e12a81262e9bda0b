/**
 * The finite (tabular) MDP: `S` states, `A` actions, transitions
 * `P[s][a][s']`, expected rewards `R[s][a]`, discount `gamma` in [0, 1) and
 * initial distribution `mu` (Puterman, "Markov Decision Processes", 1994, ch. 2).
 *
 * Layout, everywhere in mirror-rl: `P[(s*A + a)*S + s']`, `R[s*A + a]`,
 * `mu[s]`. Transitions are stored either dense (S*A*S doubles) or in CSR over
 * the S*A rows r = s*A + a (see `SparseMdpSpec`) for large sparse models.
 *
 * The data lives in WebAssembly memory, copied once at construction after
 * validation, and belongs to the MDP: `dispose()` frees it at once, otherwise
 * it is freed when the MDP is garbage-collected.
 *
 * Over 400 lines on purpose: the class owns its WebAssembly blocks, so every
 * constructor (dense, sparse, JSON, blocks) and its error paths, which must
 * free what they allocated, stay beside the fields they fill.
 */
import { ValidationError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { Block, type BlockKind, arena, disown, f64Block, i32Block, outsideWasm, own } from "../core/arena.js";
import { countNonZeros, csrToDense, denseToCsr, sortCsrRows } from "./csr.js";
import { MDP_JSON_FORMAT, MDP_JSON_VERSION, type MdpJson, parseMdpJson } from "./json.js";
import { type DenseTransitions, type NestedRewards, type NestedTransitions, type RewardTable, checkCsr, checkDenseTransitions, checkRewards } from "./spec.js";
import {
  allocatingFor,
  checkAllocation,
  checkDistribution,
  checkFitsInMemory,
  checkGamma,
  checkObject,
  checkOptions,
  checkShape,
  isArrayLike,
  kindOf,
} from "../core/validate.js";

/** A dense MDP: `P` flat `P[(s*A + a)*S + s']` (length S*A*S) or nested `P[s][a][s']`. */
export interface DenseMdpSpec {
  S: number;
  A: number;
  P: Float64Array | number[] | number[][][] | DenseTransitions;
  /** Expected reward of taking a in s: flat `R[s*A + a]` or nested `R[s][a]`. Any finite value. */
  R: Float64Array | number[] | number[][] | RewardTable;
  gamma: number;
  /** Initial-state distribution (length S); defaults to uniform 1/S. */
  mu?: Float64Array | number[];
}

/**
 * A sparse MDP in compressed sparse rows (CSR) over the S*A rows r = s*A + a:
 * row r's entries are k = rowPtr[r] .. rowPtr[r+1]-1, each a next state
 * `cols[k]` reached with probability `probs[k]`. `rowPtr` has S*A + 1
 * non-decreasing entries from 0 to nnz = cols.length = probs.length. Columns
 * within a row must be distinct and in [0, S); they may come in any order and
 * are sorted on import. Absent entries are probability 0; stored zeros are kept.
 */
export interface SparseMdpSpec {
  S: number;
  A: number;
  rowPtr: Int32Array | number[];
  cols: Int32Array | number[];
  probs: Float64Array | number[];
  R: Float64Array | number[] | number[][] | RewardTable;
  gamma: number;
  mu?: Float64Array | number[];
}

/** The MDP's WebAssembly blocks: `P` when dense, `rowPtr`/`cols`/`probs` when sparse. */
export interface MdpBlocks {
  R: Block<"f64">;
  mu: Block<"f64">;
  P?: Block<"f64">;
  rowPtr?: Block<"i32">;
  cols?: Block<"i32">;
  probs?: Block<"f64">;
}

const INTERNAL: unique symbol = Symbol("TabularMdp.internal");

function blockList(b: MdpBlocks): Block<BlockKind>[] {
  const all: (Block<BlockKind> | undefined)[] = [b.R, b.mu, b.P, b.rowPtr, b.cols, b.probs];
  return all.filter((x): x is Block<BlockKind> => x !== undefined);
}

/** Allocates blocks one by one, freeing those already taken if a later one fails (out of memory). */
function allocate<T>(build: (take: <B extends Block<BlockKind>>(b: B) => B) => T): T {
  const taken: Block<BlockKind>[] = [];
  try {
    return build((b) => {
      taken.push(b);
      return b;
    });
  } catch (error) {
    for (const b of taken) b.free();
    throw error;
  }
}

/** Runs `fill` on freshly allocated blocks; frees them all if it throws, so no error path leaks memory. */
function filling<T>(blocks: MdpBlocks, fill: () => T): T {
  try {
    return fill();
  } catch (error) {
    for (const b of blockList(blocks)) b.free();
    throw error;
  }
}

/**
 * The fields a spec may have. Either constructor accepts (and ignores) the
 * other form's transition fields, so one object holding both forms serves
 * both; any other key is a misspelling and an error.
 */
const SPEC_KEYS = ["S", "A", "P", "rowPtr", "cols", "probs", "R", "gamma", "mu"] as const;

/**
 * Rewards or transitions as given, or a copy when they live in WebAssembly
 * memory (another MDP's `P`, `R`, `mu`): the constructors allocate before they
 * copy, and a grown memory would detach such views half way. Nested tables
 * whose rows are such views are flattened into one copy.
 */
function outsideWasmTable<T>(x: T): T {
  if (!isArrayLike(x)) return x;
  if (arena().holds(x)) return outsideWasm(x as ArrayLike<number>) as T;
  if (!Array.isArray(x) || x.length === 0 || !isArrayLike(x[0])) return x;
  let inWasm = false;
  const visit = (t: unknown): void => {
    if (inWasm || !isArrayLike(t)) return;
    if (arena().holds(t)) inWasm = true;
    else if (Array.isArray(t) && t.length > 0 && isArrayLike(t[0])) for (let i = 0; i < t.length; i++) visit(t[i]);
  };
  visit(x);
  if (!inWasm) return x;
  // Validated before this call: flatten row by row into one array.
  const flat: number[] = [];
  const push = (t: ArrayLike<unknown>): void => {
    if (t.length > 0 && isArrayLike(t[0])) for (let i = 0; i < t.length; i++) push(t[i] as ArrayLike<unknown>);
    else for (let i = 0; i < t.length; i++) flat.push(t[i] as number);
  };
  push(x as ArrayLike<unknown>);
  return Float64Array.from(flat) as T;
}

function copyRewards(R: RewardTable, layout: "flat" | "nested", S: number, A: number, out: Float64Array): void {
  if (layout === "flat") {
    out.set(R as ArrayLike<number>);
    return;
  }
  const nested = R as NestedRewards;
  for (let s = 0; s < S; s++) for (let a = 0; a < A; a++) out[s * A + a] = nested[s][a];
}

function copyMu(mu: ArrayLike<number> | undefined, S: number, out: Float64Array): void {
  if (mu === undefined) out.fill(1 / S);
  else out.set(mu);
}

function checkRng(rng: unknown): void {
  if (!(rng instanceof Rng)) throw new ValidationError("rng", "must be an Rng (the library's seeded generator)", kindOf(rng));
}

function checkIndex(field: string, i: number, n: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= n) {
    throw new ValidationError(field, `must be an integer in [0, ${n})`, i);
  }
}

export class TabularMdp {
  readonly S: number;
  readonly A: number;
  readonly gamma: number;
  /** How transitions are stored: "dense" (`P`) or "sparse" (CSR `rowPtr`, `cols`, `probs`). */
  readonly format: "dense" | "sparse";
  /** Stored transition entries: S*A*S when dense, cols.length when sparse. */
  readonly nnz: number;
  #blocks: MdpBlocks | undefined;
  #valueScale: number | undefined;

  /** @internal Use `fromDense`, `fromSparse`, `fromJSON` or a generator. */
  constructor(token: typeof INTERNAL, S: number, A: number, gamma: number, blocks: MdpBlocks) {
    if (token !== INTERNAL) throw new TypeError("TabularMdp: use TabularMdp.fromDense, fromSparse or fromJSON");
    this.S = S;
    this.A = A;
    this.gamma = gamma;
    this.format = blocks.P ? "dense" : "sparse";
    this.nnz = blocks.P ? S * A * S : blocks.cols!.length;
    this.#blocks = blocks;
    own(this, blockList(blocks));
  }

  /**
   * @internal The WebAssembly blocks, owned by this MDP: kernels take their
   * `.ptr`. Throws after `dispose()`.
   */
  get blocks(): MdpBlocks {
    if (this.#blocks === undefined) {
      throw new ValidationError("mdp", "used after dispose()", `TabularMdp(S=${this.S}, A=${this.A})`);
    }
    return this.#blocks;
  }

  /**
   * True for an MDP built by this library (`fromDense`, `fromSparse`,
   * `fromJSON`, a generator), disposed or not; false for anything else,
   * including a structured clone or a plain object with the same fields,
   * which have no model data.
   */
  static isTabularMdp(x: unknown): x is TabularMdp {
    return x !== null && typeof x === "object" && #blocks in x;
  }

  /**
   * @internal max |R| / (1 - gamma): the largest magnitude a value can reach
   * (computed once; R never changes).
   */
  get valueScale(): number {
    if (this.#valueScale === undefined) {
      const R = this.blocks.R.view;
      let m = 0;
      for (let i = 0; i < R.length; i++) m = Math.max(m, Math.abs(R[i]));
      this.#valueScale = m / (1 - this.gamma);
    }
    return this.#valueScale;
  }

  /** True once `dispose()` has been called. */
  get disposed(): boolean {
    return this.#blocks === undefined;
  }

  /**
   * Builds a dense MDP. Validates the caller's arrays in place (rows sum to 1
   * within 1e-9, finite values, lengths), then copies them once into
   * WebAssembly memory; the caller's arrays are not kept.
   */
  static fromDense(spec: DenseMdpSpec): TabularMdp {
    checkObject("spec", spec, "TabularMdp.fromDense: { S, A, P, R, gamma, mu? }");
    checkOptions("spec", spec, SPEC_KEYS, "TabularMdp.fromDense", "field");
    const { S, A } = checkShape(spec.S, spec.A);
    const gamma = checkGamma("gamma", spec.gamma);
    const pLayout = checkDenseTransitions(spec.P, S, A);
    const rLayout = checkRewards(spec.R, S, A);
    if (spec.mu !== undefined) checkDistribution("mu", spec.mu, S);
    checkAllocation("P", S * A * S, (S * A * S + S * A + S) * 8, { S, A });
    // Copies of inputs that are views of WebAssembly memory, taken before anything is allocated.
    const srcP = outsideWasmTable(spec.P);
    const srcR = outsideWasmTable(spec.R);
    const srcMu = spec.mu === undefined ? undefined : outsideWasm(spec.mu);
    const flatP = pLayout === "flat" || !Array.isArray(srcP) || srcP !== spec.P;
    const flatR = rLayout === "flat" || srcR !== spec.R;
    const blocks = allocatingFor("P", S * A * S, () =>
      allocate((take) => ({
        P: take(f64Block(S * A * S)),
        R: take(f64Block(S * A)),
        mu: take(f64Block(S)),
      })),
      { S, A },
    );
    return filling(blocks, () => {
      // Views are taken after every allocation: an allocation may grow memory and detach earlier views.
      const P = blocks.P.view;
      if (flatP) P.set(srcP as ArrayLike<number>);
      else {
        const nested = srcP as NestedTransitions;
        for (let s = 0; s < S; s++) {
          for (let a = 0; a < A; a++) P.set(nested[s][a] as ArrayLike<number>, (s * A + a) * S);
        }
      }
      copyRewards(srcR, flatR ? "flat" : "nested", S, A, blocks.R.view);
      copyMu(srcMu, S, blocks.mu.view);
      return new TabularMdp(INTERNAL, S, A, gamma, blocks);
    });
  }

  /** Builds a sparse (CSR) MDP; see `SparseMdpSpec`. Rows are sorted by next state on import. */
  static fromSparse(spec: SparseMdpSpec): TabularMdp {
    checkObject("spec", spec, "TabularMdp.fromSparse: { S, A, rowPtr, cols, probs, R, gamma, mu? }");
    checkOptions("spec", spec, SPEC_KEYS, "TabularMdp.fromSparse", "field");
    const { S, A } = checkShape(spec.S, spec.A);
    const gamma = checkGamma("gamma", spec.gamma);
    const { nnz, sorted } = checkCsr(spec.rowPtr, spec.cols, spec.probs, S, A);
    const rLayout = checkRewards(spec.R, S, A);
    if (spec.mu !== undefined) checkDistribution("mu", spec.mu, S);
    checkAllocation("cols", nnz, nnz * 12 + (S * A + 1) * 4 + (S * A + S) * 8, { S, A });
    const srcRowPtr = outsideWasm(spec.rowPtr);
    const srcCols = outsideWasm(spec.cols);
    const srcProbs = outsideWasm(spec.probs);
    const srcR = outsideWasmTable(spec.R);
    const srcMu = spec.mu === undefined ? undefined : outsideWasm(spec.mu);
    const flatR = rLayout === "flat" || srcR !== spec.R;
    const blocks = allocatingFor("cols", nnz, () =>
      allocate((take) => ({
        rowPtr: take(i32Block(S * A + 1)),
        cols: take(i32Block(nnz)),
        probs: take(f64Block(nnz)),
        R: take(f64Block(S * A)),
        mu: take(f64Block(S)),
      })),
      { S, A },
    );
    return filling(blocks, () => {
      const rowPtr = blocks.rowPtr.view;
      const cols = blocks.cols.view;
      const probs = blocks.probs.view;
      rowPtr.set(srcRowPtr);
      cols.set(srcCols);
      probs.set(srcProbs);
      if (!sorted) sortCsrRows(rowPtr, cols, probs);
      copyRewards(srcR, flatR ? "flat" : "nested", S, A, blocks.R.view);
      copyMu(srcMu, S, blocks.mu.view);
      return new TabularMdp(INTERNAL, S, A, gamma, blocks);
    });
  }

  /** Reads the versioned JSON form written by `toJSON` (an object or its text). */
  static fromJSON(json: MdpJson | string): TabularMdp {
    const doc = parseMdpJson(json);
    const common = { S: doc.S, A: doc.A, gamma: doc.gamma, R: doc.R, mu: doc.mu };
    return doc.storage === "dense"
      ? TabularMdp.fromDense({ ...common, P: doc.P })
      : TabularMdp.fromSparse({ ...common, rowPtr: doc.rowPtr, cols: doc.cols, probs: doc.probs });
  }

  /** The versioned JSON form; `JSON.stringify(mdp)` uses it and `fromJSON` reads it back exactly. */
  toJSON(): MdpJson {
    const common = {
      format: MDP_JSON_FORMAT,
      version: MDP_JSON_VERSION,
      S: this.S,
      A: this.A,
      gamma: this.gamma,
    } as const;
    const R = Array.from(this.R);
    const mu = Array.from(this.mu);
    if (this.format === "dense") return { ...common, storage: "dense", P: Array.from(this.P), R, mu };
    return {
      ...common,
      storage: "sparse",
      rowPtr: Array.from(this.rowPtr),
      cols: Array.from(this.cols),
      probs: Array.from(this.probs),
      R,
      mu,
    };
  }

  /**
   * Dense transitions `P[(s*A + a)*S + s']`: a live view of WebAssembly memory,
   * not a copy. Read it at once (a later allocation may grow memory and detach
   * it) and do not write to it. Throws for a sparse MDP.
   */
  get P(): Float64Array {
    const b = this.blocks;
    if (!b.P) {
      throw new Error("TabularMdp.P: this MDP is sparse (CSR): use toDense() or the rowPtr, cols and probs getters");
    }
    return b.P.view;
  }

  /** Rewards `R[s*A + a]`: a live view (same rules as `P`). */
  get R(): Float64Array {
    return this.blocks.R.view;
  }

  /** Initial distribution `mu[s]`: a live view (same rules as `P`). */
  get mu(): Float64Array {
    return this.blocks.mu.view;
  }

  private sparseBlock<K extends "rowPtr" | "cols" | "probs">(name: K): NonNullable<MdpBlocks[K]> {
    const block = this.blocks[name];
    if (!block) throw new Error(`TabularMdp.${name}: this MDP is dense: use toSparse() or the P getter`);
    return block as NonNullable<MdpBlocks[K]>;
  }

  /** CSR row pointers (length S*A + 1), sparse only: a live view (same rules as `P`). */
  get rowPtr(): Int32Array {
    return this.sparseBlock("rowPtr").view;
  }

  /** CSR next states, increasing within each row, sparse only: a live view. */
  get cols(): Int32Array {
    return this.sparseBlock("cols").view;
  }

  /** CSR probabilities aligned with `cols`, sparse only: a live view. */
  get probs(): Float64Array {
    return this.sparseBlock("probs").view;
  }

  /** Bytes of WebAssembly memory held by this MDP. */
  get byteLength(): number {
    return blockList(this.blocks).reduce((n, b) => n + b.view.byteLength, 0);
  }

  /** A dense copy (a new MDP with its own memory, even if this one is dense). */
  toDense(): TabularMdp {
    const { S, A } = this;
    checkFitsInMemory("P", S * A * S * 8, { S, A });
    checkAllocation("P", S * A * S, (S * A * S + S * A + S) * 8, { S, A });
    const src = this.blocks;
    const blocks = allocatingFor("P", S * A * S, () =>
      allocate((take) => ({
        P: take(f64Block(S * A * S)),
        R: take(f64Block(S * A)),
        mu: take(f64Block(S)),
      })),
      { S, A },
    );
    const P = blocks.P.view;
    if (src.P) P.set(src.P.view);
    else {
      P.fill(0);
      csrToDense(src.rowPtr!.view, src.cols!.view, src.probs!.view, S, P);
    }
    blocks.R.view.set(src.R.view);
    blocks.mu.view.set(src.mu.view);
    return new TabularMdp(INTERNAL, S, A, this.gamma, blocks);
  }

  /** A sparse (CSR) copy keeping only non-zero transitions when converting from dense; a new MDP either way. */
  toSparse(): TabularMdp {
    const { S, A } = this;
    const src = this.blocks;
    const nnz = src.P ? countNonZeros(src.P.view) : src.cols!.length;
    checkAllocation("cols", nnz, nnz * 12 + (S * A + 1) * 4 + (S * A + S) * 8, { S, A });
    const blocks = allocatingFor("cols", nnz, () =>
      allocate((take) => ({
        rowPtr: take(i32Block(S * A + 1)),
        cols: take(i32Block(nnz)),
        probs: take(f64Block(nnz)),
        R: take(f64Block(S * A)),
        mu: take(f64Block(S)),
      })),
      { S, A },
    );
    if (src.P) denseToCsr(src.P.view, S, blocks.rowPtr.view, blocks.cols.view, blocks.probs.view);
    else {
      blocks.rowPtr.view.set(src.rowPtr!.view);
      blocks.cols.view.set(src.cols!.view);
      blocks.probs.view.set(src.probs!.view);
    }
    blocks.R.view.set(src.R.view);
    blocks.mu.view.set(src.mu.view);
    return new TabularMdp(INTERNAL, S, A, this.gamma, blocks);
  }

  /**
   * The distribution of the next state after taking `a` in `s`, as fresh
   * arrays (copies): next states in increasing order with their probabilities,
   * zero-probability entries omitted. For sampling and Monte-Carlo checks.
   */
  transition(s: number, a: number): { next: Int32Array; probs: Float64Array } {
    checkIndex("state", s, this.S);
    checkIndex("action", a, this.A);
    const b = this.blocks;
    const r = s * this.A + a;
    let lo: number;
    let hi: number;
    let col: (k: number) => number;
    let val: (k: number) => number;
    if (b.P) {
      const P = b.P.view;
      lo = r * this.S;
      hi = lo + this.S;
      col = (k) => k - r * this.S;
      val = (k) => P[k];
    } else {
      const rowPtr = b.rowPtr!.view;
      const cols = b.cols!.view;
      const probs = b.probs!.view;
      lo = rowPtr[r];
      hi = rowPtr[r + 1];
      col = (k) => cols[k];
      val = (k) => probs[k];
    }
    let n = 0;
    for (let k = lo; k < hi; k++) if (val(k) !== 0) n++;
    const next = new Int32Array(n);
    const probs = new Float64Array(n);
    let i = 0;
    for (let k = lo; k < hi; k++) {
      const v = val(k);
      if (v !== 0) {
        next[i] = col(k);
        probs[i++] = v;
      }
    }
    return { next, probs };
  }

  /** Expected reward `R[s][a]`. */
  reward(s: number, a: number): number {
    checkIndex("state", s, this.S);
    checkIndex("action", a, this.A);
    return this.blocks.R.view[s * this.A + a];
  }

  /** Draws a next state s' ~ P(. | s, a) with one uniform from `rng`. Allocates nothing. */
  sampleNext(s: number, a: number, rng: Rng): number {
    checkIndex("state", s, this.S);
    checkIndex("action", a, this.A);
    checkRng(rng);
    const b = this.blocks;
    const r = s * this.A + a;
    let u = rng.random();
    if (b.P) {
      const P = b.P.view;
      const base = r * this.S;
      let last = -1;
      for (let j = 0; j < this.S; j++) {
        const p = P[base + j];
        if (p === 0) continue;
        last = j;
        u -= p;
        if (u < 0) return j;
      }
      // Rounding left u >= 0 after the whole row: the last state with positive probability.
      return last;
    }
    const rowPtr = b.rowPtr!.view;
    const cols = b.cols!.view;
    const probs = b.probs!.view;
    let last = -1;
    for (let k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
      const p = probs[k];
      if (p === 0) continue;
      last = cols[k];
      u -= p;
      if (u < 0) return cols[k];
    }
    return last;
  }

  /** Draws an initial state s ~ mu. */
  sampleInitial(rng: Rng): number {
    checkRng(rng);
    return rng.categorical(this.blocks.mu.view);
  }

  /** Frees the WebAssembly memory now; any later use of this MDP throws. Idempotent. */
  dispose(): void {
    const blocks = this.#blocks;
    if (blocks === undefined) return;
    this.#blocks = undefined;
    disown(this, blockList(blocks));
  }

  toString(): string {
    const state = this.disposed ? ", disposed" : "";
    return `TabularMdp(${this.format}, S=${this.S}, A=${this.A}, gamma=${this.gamma}, nnz=${this.nnz}${state})`;
  }
}

/**
 * @internal For generators: wraps blocks they filled directly (no extra copy of
 * large models). The blocks are checked like user input before the MDP exists;
 * on failure they are freed and the error is rethrown.
 */
export function adoptMdpBlocks(S: number, A: number, gamma: number, blocks: MdpBlocks): TabularMdp {
  try {
    checkShape(S, A);
    checkGamma("gamma", gamma);
    if (blocks.P) checkDenseTransitions(blocks.P.view, S, A);
    else {
      const { sorted } = checkCsr(blocks.rowPtr!.view, blocks.cols!.view, blocks.probs!.view, S, A);
      if (!sorted) sortCsrRows(blocks.rowPtr!.view, blocks.cols!.view, blocks.probs!.view);
    }
    checkRewards(blocks.R.view, S, A);
    checkDistribution("mu", blocks.mu.view, S);
  } catch (error) {
    for (const b of blockList(blocks)) b.free();
    throw error;
  }
  return new TabularMdp(INTERNAL, S, A, gamma, blocks);
}

/**
 * @internal Allocation helper for generators: frees earlier blocks if a later
 * one fails, and names `field` (the user's size argument, `value` its value)
 * when WebAssembly memory runs out.
 */
export function allocateMdpBlocks<T extends MdpBlocks>(
  field: string,
  value: unknown,
  build: (take: <B extends Block<BlockKind>>(b: B) => B) => T,
  where?: Readonly<Record<string, number | string>>,
): T {
  return allocatingFor(field, value, () => allocate(build), where);
}

/** @internal For generators: runs `fill` on their blocks and frees them all if it throws. */
export const fillMdpBlocks = filling;

/**
 * Largest magnitude a value V = sum_t gamma^t r_t may reach for the solvers to
 * answer: a margin below f64's 1.8e308 for their sums and residuals.
 */
export const VALUE_LIMIT = 1e300;

/**
 * Checks that the values of `mdp` fit in f64: max |R| / (1 - gamma) at most
 * VALUE_LIMIT (any finite reward builds an MDP; evaluating one whose values
 * overflow would only give Infinity or NaN). Computed once per MDP.
 */
export function checkValueScale(mdp: TabularMdp, where: string): void {
  const scale = mdp.valueScale;
  if (!(scale <= VALUE_LIMIT)) {
    throw new ValidationError(
      "mdp",
      `its values reach max |R| / (1 - gamma) = ${scale.toExponential(2)}, beyond ${VALUE_LIMIT}: rescale the rewards (${where})`,
      String(mdp),
    );
  }
}

/**
 * Checks that `mdp` is a live TabularMdp built by this library (not a
 * structured clone or a plain object with the same fields, which have no
 * model data, and not disposed). `where` names the caller in the message.
 */
export function checkTabularMdp(mdp: unknown, where: string, field = "mdp"): TabularMdp {
  if (!TabularMdp.isTabularMdp(mdp)) {
    const clone = mdp !== null && typeof mdp === "object" && "S" in mdp && "A" in mdp;
    throw new ValidationError(
      field,
      `must be a TabularMdp (${where})${clone ? ": a copy or plain object with its fields has no model data; build one with TabularMdp.fromDense, fromSparse or fromJSON" : ""}`,
      kindOf(mdp),
    );
  }
  if (mdp.disposed) throw new ValidationError(field, `used after dispose() (${where})`, String(mdp));
  return mdp;
}
