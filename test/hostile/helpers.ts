/**
 * Shared pieces of the hostile-input suite: every property asserts that a call
 * ends in exactly one of two ways, a valid result or a ValidationError that
 * names the user's field (in its message too), and that the library still
 * works afterwards: the WebAssembly arena holds as many blocks as before and
 * a small fixed evaluation returns the same bits.
 *
 *   expectValidOrValidationError(() => garnet(options), (mdp) => { ...; mdp.dispose(); }, { fields: ["S", "A"] });
 *
 * Arbitraries for hostile numbers, values, arrays and option objects are
 * below; they are general (no module of the library in particular).
 */
import fc from "fast-check";
import { expect } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { arena } from "../../src/core/arena.js";
import { TabularMdp } from "../../src/mdp/tabular-mdp.js";
import { evaluate } from "../../src/evaluation/evaluate.js";

// ---------------------------------------------------------------------------
// The library still works: arena accounting and a canary evaluation.

/** Live WebAssembly blocks now. */
export function liveBlocks(): number {
  return arena().liveBlocks;
}

let canary: { mdp: TabularMdp; pi: Float64Array; bits: string } | undefined;

function evaluateCanary(mdp: TabularMdp, pi: Float64Array): string {
  const { V, d } = evaluate(mdp, pi);
  const bytes = new Uint8Array(new Float64Array([...V, ...d]).buffer);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The bits of a fixed small evaluation (a 3-state, 2-action MDP at gamma 0.9):
 * the same string before and after any rejected input.
 */
export function canaryBits(): string {
  if (!canary) {
    const mdp = TabularMdp.fromDense({
      S: 3,
      A: 2,
      P: [0.5, 0.5, 0, 0, 0.2, 0.8, 1, 0, 0, 0.3, 0.3, 0.4, 0, 0, 1, 0.9, 0, 0.1],
      R: [1, 0, -0.5, 2, 0.25, 0],
      gamma: 0.9,
    });
    const pi = Float64Array.of(0.3, 0.7, 0.5, 0.5, 1, 0);
    canary = { mdp, pi, bits: evaluateCanary(mdp, pi) };
  }
  return evaluateCanary(canary.mdp, canary.pi);
}

/** The canary's bits, taken when this module loads (so the canary's own blocks exist before any count). */
const canaryBaseline = canaryBits();

/** Asserts the library still works: the canary gives its first bits and the arena holds `blocks` live blocks. */
export function expectLibraryIntact(blocks: number): void {
  expect(canaryBits()).toBe(canaryBaseline);
  expect(liveBlocks()).toBe(blocks);
}

// ---------------------------------------------------------------------------
// The two allowed outcomes.

export interface OutcomeOptions {
  /** The fields a ValidationError may name (default: any). */
  fields?: readonly string[] | RegExp;
  /** Check that the arena's live-block count is the same after an error as before (default true). */
  arena?: boolean;
  /** Check that WebAssembly memory did not grow on an error (an up-front size check, default false). */
  noGrowth?: boolean;
}

/** Asserts `e` is a ValidationError whose message names its field (and that field is allowed). */
export function expectValidationError(e: unknown, fields?: readonly string[] | RegExp): ValidationError {
  if (!(e instanceof ValidationError)) {
    // Show what went wrong, not only the class.
    throw new Error(`expected a ValidationError, got ${(e as Error)?.name}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
  expect(e).toBeInstanceOf(ValidationError);
  expect(typeof e.field).toBe("string");
  expect(e.field.length).toBeGreaterThan(0);
  expect(e.message.startsWith(`${e.field}: `)).toBe(true);
  if (fields instanceof RegExp) expect(e.field).toMatch(fields);
  else if (fields) expect(fields).toContain(e.field);
  return e;
}

/**
 * Runs `fn` and asserts one of the two allowed outcomes: it returns, and
 * `check(result)` passes (check should dispose what it gets), or it throws a
 * ValidationError naming an allowed field, leaves the arena as it was and the
 * canary intact. Returns which outcome it was.
 */
export function expectValidOrValidationError<T>(
  fn: () => T,
  check: (result: T) => void = () => {},
  options: OutcomeOptions = {},
): "valid" | "error" {
  const blocks = liveBlocks();
  const bytes = arena().memoryBytes;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    expectValidationError(e, options.fields);
    if (options.arena ?? true) expectLibraryIntact(blocks);
    if (options.noGrowth) expect(arena().memoryBytes).toBe(bytes);
    return "error";
  }
  check(result);
  return "valid";
}

/** Asserts `fn` throws a ValidationError naming one of `fields` (arena and canary intact). */
export function expectValidationErrorFrom(fn: () => unknown, fields?: readonly string[] | RegExp, options: Omit<OutcomeOptions, "fields"> = {}): ValidationError {
  const blocks = liveBlocks();
  const bytes = arena().memoryBytes;
  try {
    fn();
  } catch (e) {
    const error = expectValidationError(e, fields);
    if (options.arena ?? true) expectLibraryIntact(blocks);
    if (options.noGrowth) expect(arena().memoryBytes).toBe(bytes);
    return error;
  }
  throw new Error(`expected a ValidationError naming ${String(fields ?? "a field")}, but the call returned`);
}

// ---------------------------------------------------------------------------
// Arbitraries.

/** Numbers that break naive code: NaN, infinities, signed zeros, extremes, fractions, negatives, huge. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -0.5, 2, 1e-300, -1e-300, 5e-324, 1e308, -1e308,
    Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, Number.EPSILON, 2 ** 31, 2 ** 31 - 1, 2 ** 32, 2 ** 53, 1e9, 1e20,
  ),
  fc.double(),
  fc.integer({ min: -1000, max: 1000 }),
);

/** Anything but a number: the values a typo, a missing field or JSON can put where a number belongs. */
export const nonNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, undefined, "", "1", "0.5", "NaN", true, false, [], [1], {}, { valueOf: () => 1 }, () => 1, Symbol.for("x"), 10n),
  fc.string({ maxLength: 5 }),
);

/** A hostile value of any kind: numbers, non-numbers, arrays, typed arrays, nested arrays and objects. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileNumber,
  nonNumber,
  fc.array(hostileNumber, { maxLength: 6 }),
  fc.array(fc.array(hostileNumber, { maxLength: 3 }), { maxLength: 3 }),
  fc.float64Array({ maxLength: 6 }),
  fc.int32Array({ maxLength: 6 }),
  fc.dictionary(fc.string({ maxLength: 4 }), hostileNumber, { maxKeys: 3 }),
  fc.anything({ maxDepth: 2 }),
);

/** A value for a count field: mostly sane small integers, sometimes hostile. */
export function countOr(hostile: fc.Arbitrary<unknown>, max = 6): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max }) }, { weight: 1, arbitrary: hostile });
}

/** A number in [lo, hi] most of the time, a hostile value otherwise. */
export function numberOr(lo: number, hi: number, hostile: fc.Arbitrary<unknown> = hostileValue): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: fc.double({ min: lo, max: hi, noNaN: true }) }, { weight: 1, arbitrary: hostile });
}

/**
 * Option objects built from `valid` (key -> arbitrary of a sane value), with
 * some keys dropped, some values replaced by hostile ones and sometimes a
 * misspelt or unknown key added; or not an object at all.
 */
export function hostileOptions(valid: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const entry = (k: string): fc.Arbitrary<unknown> =>
    fc.oneof({ weight: 4, arbitrary: valid[k] }, { weight: 1, arbitrary: hostileValue }, { weight: 1, arbitrary: fc.constant(undefined) });
  const record = fc.record(Object.fromEntries(keys.map((k) => [k, entry(k)])) as Record<string, fc.Arbitrary<unknown>>);
  const misspelt = fc.oneof(
    fc.constantFrom(...keys.map((k) => k.toLowerCase() === k ? `${k}_` : k.toLowerCase()), ...keys.map((k) => k.slice(0, -1) || "x")),
    fc.string({ minLength: 1, maxLength: 6 }).filter((k) => !keys.includes(k) && k !== "__proto__"),
  );
  return fc.oneof(
    { weight: 6, arbitrary: record },
    {
      weight: 2,
      arbitrary: fc.tuple(record, misspelt, hostileValue).map(([r, k, v]) => ({ ...(r as object), [k]: v ?? 1 })),
    },
    { weight: 1, arbitrary: fc.constantFrom(null, 7, "options", [], [1, 2]) },
  );
}

/** A flat row-stochastic table of `rows` rows of `n` entries (Dirichlet-like, from fast-check doubles). */
export function stochasticRows(rows: number, n: number): fc.Arbitrary<Float64Array> {
  return fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: rows * n, maxLength: rows * n }).map((w) => {
    const out = new Float64Array(rows * n);
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += w[r * n + j];
      for (let j = 0; j < n; j++) out[r * n + j] = sum > 0 ? w[r * n + j] / sum : j === 0 ? 1 : 0;
    }
    return out;
  });
}

/** A valid dense MDP spec with S in [1, maxS], A in [1, maxA], gamma in [0, 0.99]. */
export function denseSpec(maxS = 5, maxA = 3): fc.Arbitrary<{ S: number; A: number; P: Float64Array; R: Float64Array; gamma: number }> {
  return fc
    .tuple(fc.integer({ min: 1, max: maxS }), fc.integer({ min: 1, max: maxA }))
    .chain(([S, A]) =>
      fc.record({
        S: fc.constant(S),
        A: fc.constant(A),
        P: stochasticRows(S * A, S),
        R: fc.float64Array({ minLength: S * A, maxLength: S * A, noNaN: true, noDefaultInfinity: true, min: -10, max: 10 }),
        gamma: fc.double({ min: 0, max: 0.99, noNaN: true }),
      }),
    );
}

/** fast-check settings of the suite: modest run counts keep all of test/hostile within a few seconds. */
export function runs(numRuns = 100): fc.Parameters<unknown> {
  return { numRuns };
}
