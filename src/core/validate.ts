/**
 * The boundary checks of the whole library, in one place and one form:
 *
 *   checkThing(field, value, ...shape, where?)
 *
 * `field` is the user's own name for the argument (`"policy"`, `"gamma"`,
 * `"options.tolerance"`), `value` what they passed, then the shape it must
 * have, and last an optional location that the message appends (`{ state: 3 }`,
 * `{ function: "luSolve" }`). Each check returns the checked value and throws a
 * `ValidationError` that names the field, the location and the bad value, so
 * that kernels only ever see valid input.
 *
 * The checks read the caller's arrays in place and never copy them unless the
 * doc says so: a dense S = 2000, A = 10 model is 320 MB.
 *
 * Over 400 lines on purpose: it is the library's one validation module, so
 * that every check has the same form and no second copy grows elsewhere.
 */
import { ValidationError, type Location } from "./errors.js";
import { kernels } from "./wasm.js";
import { arena, WasmMemoryError, type Block, type BlockKind } from "./arena.js";

/**
 * Rows of transition tables, distributions and policies must sum to 1 within
 * this absolute tolerance; single entries may exceed 1 by as much (rounding in
 * the caller's normalisation).
 */
export const PROBABILITY_TOLERANCE = 1e-9;

/** Largest index a 32-bit signed column or row pointer can hold. */
export const MAX_I32 = 2 ** 31 - 1;

/** wasm32 linear memory ends at 4 GiB; no model larger than this can be stored. */
export const WASM_MEMORY_LIMIT = 4 * 1024 ** 3;

/** True for arrays and typed arrays (the only array-likes the library accepts). */
export function isArrayLike(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

/** What a bad argument is, for messages: "null", "array", "Float32Array", "string", ... */
export function kindOf(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "array";
  return typeof x === "object" ? (x.constructor?.name ?? "object") : typeof x;
}

/**
 * Sum of `x[offset .. offset+n)` with Neumaier's compensation, so long
 * distributions (S = 10^6 states) are not rejected for rounding alone.
 */
export function compensatedSum(x: ArrayLike<number>, offset = 0, n = x.length - offset): number {
  let sum = 0;
  let c = 0;
  for (let i = offset; i < offset + n; i++) {
    const v = x[i];
    const t = sum + v;
    c += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + c;
}

/** A count (`S`, `A`, `branching`, ...): a positive integer that fits 32-bit indices. */
export function checkCount(field: string, n: unknown, what = "count", where?: Location): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n <= 0) {
    throw new ValidationError(field, `${what} must be a positive integer`, n, where);
  }
  if (n > MAX_I32) throw new ValidationError(field, `${what} must be below 2^31 (32-bit indices)`, n, where);
  return n;
}

/** A dimension that may be 0 (an empty vector or matrix): a non-negative safe integer. */
export function checkDimension(field: string, n: unknown, where?: Location): number {
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw new ValidationError(field, "must be a non-negative integer", n, where);
  }
  return n;
}

/** `S` and `A`, and that the `S*A` rows can be addressed with 32-bit row pointers. */
export function checkShape(S: unknown, A: unknown): { S: number; A: number } {
  const s = checkCount("S", S, "number of states");
  const a = checkCount("A", A, "number of actions");
  if (s * a + 1 > MAX_I32) {
    throw new ValidationError("S*A", "number of state-action pairs must be below 2^31 - 1", s * a, { S: s, A: a });
  }
  return { S: s, A: a };
}

/** The discount factor: a finite number in [0, 1). */
export function checkGamma(field: string, gamma: unknown, where?: Location): number {
  if (typeof gamma !== "number" || !(gamma >= 0 && gamma < 1)) {
    throw new ValidationError(field, "discount must be a finite number in [0, 1)", gamma, where);
  }
  return gamma;
}

/** A number in [lo, hi] (or open at either end through `openLo`/`openHi`); NaN never passes. */
export function checkNumber(
  field: string,
  v: unknown,
  { lo = -Infinity, hi = Infinity, openLo = false, openHi = false }: { lo?: number; hi?: number; openLo?: boolean; openHi?: boolean },
  where?: Location,
): number {
  if (typeof v !== "number" || Number.isNaN(v)) throw new ValidationError(field, "must be a number", v, where);
  const okLo = openLo ? v > lo : v >= lo;
  const okHi = openHi ? v < hi : v <= hi;
  if (!okLo || !okHi) {
    throw new ValidationError(field, `must be in ${openLo ? "(" : "["}${lo}, ${hi}${openHi ? ")" : "]"}`, v, where);
  }
  return v;
}

/** A finite number. */
export function checkFiniteNumber(field: string, x: unknown, where?: Location): number {
  if (typeof x !== "number" || !Number.isFinite(x)) throw new ValidationError(field, "must be a finite number", x, where);
  return x;
}

/** Throws unless `bytes` of model data can fit in wasm32 memory. */
export function checkFitsInMemory(field: string, bytes: number, where?: Location): void {
  if (bytes > WASM_MEMORY_LIMIT) {
    const gib = (bytes / 1024 ** 3).toFixed(2);
    throw new ValidationError(
      field,
      `needs ${gib} GiB, more than wasm32's 4 GiB memory${field === "P" ? " (use the sparse form, TabularMdp.fromSparse)" : ""}`,
      bytes,
      where,
    );
  }
}

/** An array or typed array of exactly `n` entries (`what` names n in the message: "S", "S*A"). */
export function checkLength(field: string, x: unknown, n: number, what: string, where?: Location): ArrayLike<unknown> {
  if (!isArrayLike(x)) throw new ValidationError(field, `must be an array or typed array of ${what}`, kindOf(x), where);
  if (x.length !== n) throw new ValidationError(field, `wrong length: expected ${what} = ${n}, got ${x.length}`, x.length, where);
  return x;
}

/** A Float64Array of length n. */
export function checkArray(field: string, x: unknown, n: number, what: string, where?: Location): Float64Array {
  if (!(x instanceof Float64Array)) {
    throw new ValidationError(field, "must be a Float64Array", x === null ? "null" : typeof x, where);
  }
  if (x.length !== n) throw new ValidationError(field, `wrong length: expected ${what} = ${n}`, x.length, where);
  return x;
}

/** An S*A Float64Array of finite numbers (advantages, Q values). */
export function checkTable(field: string, x: unknown, S: number, A: number): Float64Array {
  const t = checkArray(field, x, S * A, "S*A");
  for (let i = 0; i < t.length; i++) {
    if (!Number.isFinite(t[i])) {
      throw new ValidationError(field, "must be finite", t[i], { state: Math.floor(i / A), action: i % A });
    }
  }
  return t;
}

/**
 * A policy `pi[s*A + a]`: length S*A, entries finite in [0, 1], each row
 * summing to 1 within `PROBABILITY_TOLERANCE`. Returns `x` itself when it is a
 * Float64Array, else a Float64Array copy of the number array.
 */
export function checkPolicy(field: string, x: unknown, S: number, A: number): Float64Array {
  if (!isArrayLike(x)) {
    throw new ValidationError(field, "must be a Float64Array or a number array", x === null ? "null" : typeof x);
  }
  const t = x as ArrayLike<unknown>;
  if (t.length !== S * A) throw new ValidationError(field, `wrong length: expected S*A = ${S * A}`, t.length);
  for (let s = 0; s < S; s++) {
    let sum = 0;
    for (let a = 0; a < A; a++) {
      const v = t[s * A + a];
      if (typeof v !== "number" || !(v >= 0 && v <= 1 + PROBABILITY_TOLERANCE)) {
        throw new ValidationError(field, "action probability must be a finite number in [0, 1]", v, { state: s, action: a });
      }
      sum += v;
    }
    if (!(Math.abs(sum - 1) <= PROBABILITY_TOLERANCE)) throw new ValidationError(field, "policy row does not sum to 1", sum, { state: s });
  }
  return x instanceof Float64Array ? x : Float64Array.from(x as number[]);
}

/** An S*A table of log-probabilities: finite or -inf, rows summing to 1 in probability within 1e-9. */
export function checkLogPolicy(field: string, x: unknown, S: number, A: number): Float64Array {
  const t = checkArray(field, x, S * A, "S*A");
  for (let s = 0; s < S; s++) {
    let sum = 0;
    for (let a = 0; a < A; a++) {
      const v = t[s * A + a];
      if (!(v <= 0 && (Number.isFinite(v) || v === -Infinity))) {
        throw new ValidationError(field, "log-probability must be finite and <= 0, or -Infinity", v, { state: s, action: a });
      }
      sum += Math.exp(v);
    }
    if (!(Math.abs(sum - 1) <= PROBABILITY_TOLERANCE)) {
      throw new ValidationError(field, "exp of the row does not sum to 1", sum, { state: s });
    }
  }
  return t;
}

/**
 * A distribution over `n` items (`mu` over states): length n, entries finite
 * and non-negative, summing to 1 within `PROBABILITY_TOLERANCE` (compensated
 * sum). `what` names an entry in locations ("state").
 */
export function checkDistribution(field: string, x: unknown, n: number, what = "state"): ArrayLike<number> {
  checkLength(field, x, n, what === "state" ? "S" : "n");
  const arr = x as ArrayLike<number>;
  for (let i = 0; i < n; i++) {
    const v = arr[i];
    if (typeof v !== "number" || !(v >= 0 && v <= 1 + PROBABILITY_TOLERANCE)) {
      throw new ValidationError(field, "probability must be a finite number in [0, 1]", v, { [what]: i });
    }
  }
  const sum = compensatedSum(arr, 0, n);
  if (!(Math.abs(sum - 1) <= PROBABILITY_TOLERANCE)) throw new ValidationError(field, "distribution does not sum to 1", sum);
  return arr;
}

/** Per-state coefficients: length S, each >= min (default 0), +inf allowed when `allowInfinity`. */
export function checkCoefficients(
  field: string,
  x: unknown,
  S: number,
  { min = 0, allowInfinity = true }: { min?: number; allowInfinity?: boolean } = {},
): Float64Array {
  const t = checkArray(field, x, S, "S");
  for (let s = 0; s < S; s++) {
    const v = t[s];
    const ok = v >= min && (allowInfinity ? !Number.isNaN(v) : Number.isFinite(v));
    if (!ok) {
      const range = `${allowInfinity ? "" : "finite and "}>= ${min}${allowInfinity ? " (+Infinity allowed)" : ""}`;
      throw new ValidationError(field, `must be ${range}`, v, { state: s });
    }
  }
  return t;
}

/** Edit distance between two short strings (option names), for suggestions. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

/** The known name a misspelt one most likely meant (`learning_rate` -> `learningRate`), or undefined. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  const flat = (s: string): string => s.replace(/[_\-\s]/g, "").toLowerCase();
  const f = flat(name);
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = flat(k) === f ? 0 : editDistance(f, flat(k));
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(f.length / 3)) ? best : undefined;
}

/**
 * A config object: a plain object (or undefined, read as {}) whose keys are all
 * in `known`. An unknown key is a ValidationError that suggests the nearest
 * known name, so a misspelt option is never ignored silently:
 * `options: unknown option "learning_rate" for PPO; did you mean "learningRate"?`.
 * Keys whose value is undefined pass (spreading optional fields gives them).
 */
export function checkOptions<T extends object>(
  field: string,
  options: T | undefined,
  known: readonly string[],
  where: string,
  kind = "option",
): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new ValidationError(field, `must be an object of options for ${where}`, kindOf(options));
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key) || (options as Record<string, unknown>)[key] === undefined) continue;
    const near = nearestName(key, known);
    const hint = near ? `; did you mean "${near}"?` : `; known: ${known.join(", ")}`;
    throw new ValidationError(field, `unknown ${kind} for ${where}${hint}`, key);
  }
  return options;
}

/** A live WebAssembly block of the given kind holding at least `minLength` entries. */
export function checkBlock<K extends BlockKind>(field: string, block: Block<K> | undefined, kind: K, minLength: number, where?: Location): Block<K> {
  if (block === null || typeof block !== "object" || typeof (block as Block<K>).ptr !== "number") {
    throw new ValidationError(field, `must be a WebAssembly block of ${kind} (f64Block/i32Block)`, block, where);
  }
  if (block.kind !== kind) throw new ValidationError(field, `must be a block of ${kind}`, block.kind, where);
  if (block.isFreed) throw new ValidationError(field, "block was already freed", block.length, where);
  if (block.length < minLength) {
    throw new ValidationError(field, `block too short: needs at least ${minLength} entries`, block.length, where);
  }
  return block;
}

/** Two blocks that a kernel reads and writes must not be the same memory (`other` names the second). */
export function checkDistinctBlocks(field: string, a: Block<BlockKind>, b: Block<BlockKind>, other: string, where?: Location): void {
  if (a.ptr === b.ptr && a.length > 0 && b.length > 0) {
    throw new ValidationError(field, `must not be the same block as ${other}`, a.length, where);
  }
}

/** The first n entries of an f64 block are finite (one SIMD pass; the index is located only on failure). Returns max |x|. */
export function checkFiniteBlock(field: string, block: Block<"f64">, n: number, where?: Location): number {
  const m = kernels().blas1NormInfCheckedSimd(block.ptr, n);
  if (Number.isFinite(m)) return m;
  const v = block.view;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(v[i])) throw new ValidationError(field, "entries must be finite", v[i], { ...where, index: i });
  }
  return m;
}

/**
 * Legal-action masks (SB3-contrib's MaskablePPO `action_masks()`): `rows`
 * rows of `n` entries, each `true`/`false` or `1`/`0` (1 = legal), given flat
 * (rows*n entries, row-major) or as an array of `rows` rows. Every row must
 * allow at least one action. The masks are written as 0/1 bytes into `out`
 * from `offset` (a new Uint8Array of rows*n when `out` is absent), which is
 * returned; the caller's array is only read.
 */
export function checkActionMask(
  field: string, value: unknown, rows: number, n: number, where?: Location, out?: Uint8Array, offset = 0,
): Uint8Array {
  const target = out ?? new Uint8Array(rows * n);
  const nested = isArrayLike(value) && value.length === rows && rows > 0 && isArrayLike((value as ArrayLike<unknown>)[0]);
  if (!nested) checkLength(field, value, rows * n, rows === 1 ? "the number of actions" : "rows x actions", where);
  for (let r = 0; r < rows; r++) {
    const row = nested ? (value as ArrayLike<unknown>)[r] : value;
    const base = nested ? 0 : r * n;
    if (nested) checkLength(field, row, n, "the number of actions", { ...where, row: r });
    const xs = row as ArrayLike<unknown>;
    let legal = 0;
    for (let j = 0; j < n; j++) {
      const v = xs[base + j];
      const bit = v === true || v === 1 ? 1 : v === false || v === 0 ? 0 : -1;
      if (bit < 0) throw new ValidationError(field, "entries must be true/false or 1/0 (1 = legal)", v, { ...where, ...(rows > 1 ? { row: r } : {}), action: j });
      target[offset + r * n + j] = bit;
      legal += bit;
    }
    if (legal === 0) {
      throw new ValidationError(field, "allows no action (every entry is 0): at least one action must be legal", Array.prototype.slice.call(xs, base, base + n), { ...where, row: r });
    }
  }
  return target;
}

// ---------------------------------------------------------------------------
// Objects, functions, integers, finite vectors, block spans and memory. Same
// form as above: field, value, shape, location.

/** A plain options or spec object (not null, not an array); `what` says what it is for. */
export function checkObject<T extends object>(field: string, x: unknown, what: string, where?: Location): T {
  if (x === null || typeof x !== "object" || Array.isArray(x)) {
    throw new ValidationError(field, `must be an object (${what})`, kindOf(x), where);
  }
  return x as T;
}

/** A function (an environment factory, a callback). */
export function checkFunction<T extends (...args: never[]) => unknown>(field: string, x: unknown, what: string, where?: Location): T {
  if (typeof x !== "function") throw new ValidationError(field, `must be a function (${what})`, kindOf(x), where);
  return x as T;
}

/** A boolean. */
export function checkBoolean(field: string, x: unknown, where?: Location): boolean {
  if (typeof x !== "boolean") throw new ValidationError(field, "must be true or false", x, where);
  return x;
}

/** An integer in [lo, hi] (safe integers only; NaN, Infinity and fractions never pass). */
export function checkInteger(field: string, v: unknown, { lo = -Number.MAX_SAFE_INTEGER, hi = Number.MAX_SAFE_INTEGER }: { lo?: number; hi?: number }, where?: Location): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < lo || v > hi) {
    throw new ValidationError(field, `must be an integer in [${lo}, ${hi}]`, v, where);
  }
  return v;
}

/**
 * An array or typed array of exactly `n` finite numbers (values, rewards, a
 * warm start). `what` names n in the message ("S", "numEnvs"). Read in place.
 */
export function checkFiniteVector(field: string, x: unknown, n: number, what: string, where?: Location): ArrayLike<number> {
  checkLength(field, x, n, what, where);
  const v = x as ArrayLike<unknown>;
  for (let i = 0; i < n; i++) {
    if (typeof v[i] !== "number" || !Number.isFinite(v[i])) {
      throw new ValidationError(field, "entries must be finite numbers", v[i], { ...where, index: i });
    }
  }
  return v as ArrayLike<number>;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(2)} GiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/**
 * Throws unless `bytes` of WebAssembly memory can still be allocated: at most
 * wasm32's 4 GiB minus what live blocks hold. `field` and `value` are the
 * user's argument that sets the size (`numEnvs`, `S`), so the message says
 * which one is too big and the limit.
 */
export function checkAllocation(field: string, value: unknown, bytes: number, where?: Location): void {
  const free = arena().freeBytes;
  if (!(bytes <= free)) {
    const held = WASM_MEMORY_LIMIT - free;
    throw new ValidationError(
      field,
      `needs ${Number.isFinite(bytes) ? formatBytes(bytes) : "unboundedly much"} of WebAssembly memory, more than the ` +
        `${formatBytes(free)} still free of wasm32's 4 GiB${held >= 64 * 1024 ** 2 ? ` (${formatBytes(held)} held by live objects: dispose() what is no longer needed)` : ""}`,
      value,
      where,
    );
  }
}

/**
 * Runs `allocate` and turns running out of WebAssembly memory (the host may
 * refuse to grow it before 4 GiB, or memory may be fragmented) into a
 * ValidationError naming `field`. `allocate` must free what it took before
 * rethrowing (`scratch`, the constructors' guards).
 */
export function allocatingFor<T>(field: string, value: unknown, allocate: () => T, where?: Location): T {
  try {
    return allocate();
  } catch (error) {
    if (!(error instanceof WasmMemoryError)) throw error;
    throw new ValidationError(
      field,
      `needs more WebAssembly memory than is free (${formatBytes(error.bytes)} asked for with ${formatBytes(error.liveBytes)} live; wasm32 holds 4 GiB)`,
      value,
      where,
    );
  }
}

/**
 * The first `n` entries of every block: n an integer in [0, the shortest
 * block's length] and every block a live f64 block, so a kernel never reads or
 * writes past one. O(1): for helpers called in solver loops. `where` names the
 * function.
 */
export function checkSpan(where: string, n: unknown, ...blocks: Block<"f64">[]): number {
  let shortest = Infinity;
  for (const b of blocks) {
    if (b === null || typeof b !== "object" || typeof b.ptr !== "number" || b.kind !== "f64" || b.isFreed) {
      throw new ValidationError("x", "must be a live f64 WebAssembly block", kindOf(b), { function: where });
    }
    shortest = Math.min(shortest, b.length);
  }
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > shortest) {
    throw new ValidationError("n", `must be an integer in [0, ${shortest}] (the blocks' length)`, n, { function: where });
  }
  return n;
}
