/** Test helpers for the environments (src/envs). */
import { expect } from "vitest";

/**
 * Checks actual against a reference entry by entry: same length, and
 * |actual_i - expected_i| <= rel max(1, |expected_i|). Throws naming the first
 * entry that is off, its two values and the tolerance.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tol = rel * Math.max(1, Math.abs(expected[i]));
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      throw new Error(`entry ${i}: ${actual[i]} vs reference ${expected[i]} (tolerance ${tol})`);
    }
  }
}
