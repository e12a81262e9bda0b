/**
 * Stationary stochastic policies of a tabular MDP as flat Float64Arrays
 * `pi[s*A + a]` = probability of action a in state s (s in [0, S), a in [0, A)),
 * each row a distribution. Helpers to build, check and read them.
 */
import { ValidationError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { checkFitsInMemory, checkPolicy, checkShape, isArrayLike, kindOf } from "../core/validate.js";

/** Anything with the MDP's sizes (a `TabularMdp` qualifies). */
export interface MdpShape {
  readonly S: number;
  readonly A: number;
}

function isShape(x: unknown): x is MdpShape {
  return x !== null && typeof x === "object" && !isArrayLike(x) && "S" in x && "A" in x;
}

/** Checks `values` is S*A finite numbers (a Q table or logits) and returns it as an array-like. */
function checkValues(field: string, values: unknown, S: number, A: number): ArrayLike<number> {
  if (!isArrayLike(values)) throw new ValidationError(field, "must be a Float64Array or a number array", typeof values);
  if (values.length !== S * A) {
    throw new ValidationError(field, `wrong length: expected S*A = ${S * A}`, values.length);
  }
  const q = values as ArrayLike<number>;
  for (let i = 0; i < q.length; i++) {
    const v = q[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new ValidationError(field, "must be finite", v, { state: Math.floor(i / A), action: i % A });
    }
  }
  return q;
}

/**
 * A zeroed table of S*A probabilities. A policy is copied into WebAssembly
 * memory to be used, so it must fit there (S*A*8 bytes of wasm32's 4 GiB).
 */
function newTable(S: number, A: number): Float64Array {
  checkFitsInMemory("S*A", S * A * 8, { S, A });
  try {
    return new Float64Array(S * A);
  } catch {
    throw new ValidationError("S*A", "a policy table this large cannot be allocated", S * A, { S, A });
  }
}

/** Index of the largest of `x[offset .. offset+n)`, ties to the lowest index. */
function argmax(x: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  let bestValue = x[offset];
  for (let a = 1; a < n; a++) {
    const v = x[offset + a];
    if (v > bestValue) {
      best = a;
      bestValue = v;
    }
  }
  return best;
}

/** The uniform policy `pi(a|s) = 1/A`. */
export function uniformPolicy(mdp: MdpShape): Float64Array;
export function uniformPolicy(S: number, A: number): Float64Array;
export function uniformPolicy(first: MdpShape | number, second?: number): Float64Array {
  const { S, A } = isShape(first) ? checkShape(first.S, first.A) : checkShape(first, second);
  return newTable(S, A).fill(1 / A);
}

/**
 * The greedy policy in `Q`: `pi(a|s) = 1` for `a = argmax_a' Q[s*A + a']`
 * (ties to the lowest action index), 0 otherwise. `Q` has length S*A.
 */
export function greedyPolicy(mdp: MdpShape, Q: ArrayLike<number>): Float64Array;
export function greedyPolicy(Q: ArrayLike<number>, S: number, A: number): Float64Array;
export function greedyPolicy(first: MdpShape | ArrayLike<number>, second: unknown, third?: number): Float64Array {
  const [Qin, S0, A0] = isShape(first) ? [second, first.S, first.A] : [first, second, third];
  const { S, A } = checkShape(S0, A0);
  const Q = checkValues("Q", Qin, S, A);
  const pi = newTable(S, A);
  for (let s = 0; s < S; s++) pi[s * A + argmax(Q, s * A, A)] = 1;
  return pi;
}

/**
 * The Boltzmann policy `pi(a|s) = exp(Q[s,a]/T) / sum_b exp(Q[s,b]/T)` for
 * temperature T > 0, computed as exp((Q - max_b Q)/T) / sum so it cannot
 * overflow (log-sum-exp). `Q` has length S*A.
 */
export function softmaxPolicy(mdp: MdpShape, Q: ArrayLike<number>, temperature?: number): Float64Array;
export function softmaxPolicy(Q: ArrayLike<number>, S: number, A: number, temperature?: number): Float64Array;
export function softmaxPolicy(
  first: MdpShape | ArrayLike<number>,
  second: unknown,
  third?: number,
  fourth?: number,
): Float64Array {
  const [Qin, S0, A0, T0] = isShape(first) ? [second, first.S, first.A, third] : [first, second, third, fourth];
  const { S, A } = checkShape(S0, A0);
  const Q = checkValues("Q", Qin, S, A);
  const T = T0 ?? 1;
  if (typeof T !== "number" || !(T > 0 && T < Infinity)) {
    throw new ValidationError("temperature", "must be a finite positive number", T);
  }
  const pi = newTable(S, A);
  for (let s = 0; s < S; s++) {
    const base = s * A;
    const max = Q[base + argmax(Q, base, A)];
    let sum = 0;
    for (let a = 0; a < A; a++) {
      const e = Math.exp((Q[base + a] - max) / T);
      pi[base + a] = e;
      sum += e;
    }
    // sum >= 1: the maximising action contributes exp(0).
    for (let a = 0; a < A; a++) pi[base + a] /= sum;
  }
  return pi;
}

/**
 * The epsilon-greedy policy in `Q`: `(1 - epsilon)` on the greedy action
 * (ties lowest) plus `epsilon / A` on every action; epsilon in [0, 1].
 */
export function epsilonGreedyPolicy(Q: ArrayLike<number>, S: number, A: number, epsilon: number): Float64Array {
  if (typeof epsilon !== "number" || !(epsilon >= 0 && epsilon <= 1)) {
    throw new ValidationError("epsilon", "must be a number in [0, 1]", epsilon);
  }
  const pi = greedyPolicy(Q, S, A);
  for (let i = 0; i < pi.length; i++) pi[i] = (1 - epsilon) * pi[i] + epsilon / A;
  return pi;
}

/** The deterministic policy taking `actions[s]` (an integer in [0, A)) in state s; S = actions.length. */
export function deterministicPolicy(actions: ArrayLike<number>, A: number): Float64Array {
  if (!isArrayLike(actions)) throw new ValidationError("actions", "must be an array of action indices", typeof actions);
  const { S } = checkShape(actions.length, A);
  const pi = newTable(S, A);
  for (let s = 0; s < S; s++) {
    const a = actions[s];
    if (typeof a !== "number" || !Number.isInteger(a) || a < 0 || a >= A) {
      throw new ValidationError("actions", `action must be an integer in [0, ${A})`, a, { state: s });
    }
    pi[s * A + a] = 1;
  }
  return pi;
}

/** The most probable action in each state of `pi` (ties to the lowest index), as an Int32Array of length S. */
export function policyActions(mdp: MdpShape, pi: ArrayLike<number>): Int32Array;
export function policyActions(pi: ArrayLike<number>, S: number, A: number): Int32Array;
export function policyActions(first: MdpShape | ArrayLike<number>, second: unknown, third?: number): Int32Array {
  const [piIn, S0, A0] = isShape(first) ? [second, first.S, first.A] : [first, second, third];
  const { S, A } = checkShape(S0, A0);
  const pi = checkValues("policy", piIn, S, A);
  const out = new Int32Array(S);
  for (let s = 0; s < S; s++) out[s] = argmax(pi, s * A, A);
  return out;
}

/**
 * Checks that `pi` is a policy for S states and A actions: length S*A, entries
 * finite in [0, 1], each row summing to 1 within 1e-9. Returns `pi` itself
 * when it is already a Float64Array, else a Float64Array copy.
 */
export function validatePolicy(pi: Float64Array | ArrayLike<number>, S: number, A: number, field = "policy"): Float64Array {
  ({ S, A } = checkShape(S, A));
  return checkPolicy(field, pi, S, A);
}

/**
 * Draws an action a ~ pi(. | s) with one uniform from `rng`. The row's values
 * are assumed valid (e.g. by `validatePolicy`); its place is checked: A a
 * positive integer, s a state of pi (an integer in [0, pi.length / A)).
 */
export function sampleAction(pi: ArrayLike<number>, s: number, A: number, rng: Rng): number {
  if (!isArrayLike(pi)) throw new ValidationError("pi", "must be a policy array pi[s*A + a]", kindOf(pi));
  if (!Number.isInteger(A) || A < 1 || pi.length % A !== 0) {
    throw new ValidationError("A", `must be a positive integer dividing pi.length = ${pi.length}`, A);
  }
  if (!Number.isInteger(s) || s < 0 || s >= pi.length / A) {
    throw new ValidationError("s", `must be a state in [0, ${pi.length / A})`, s);
  }
  if (!(rng instanceof Rng)) throw new ValidationError("rng", "must be an Rng", kindOf(rng));
  return rng.categorical(pi, s * A, A);
}
