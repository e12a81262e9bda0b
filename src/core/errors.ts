/**
 * Errors raised at the TypeScript boundary. Every check says what is wrong,
 * where (state, action, index, ...), and the bad value, so that bad input never
 * reaches a kernel as a NaN, a silent wrong answer or a WebAssembly trap.
 */

/** Where a bad value sits, e.g. `{ state: 3, action: 1 }`. */
export type Location = Readonly<Record<string, number | string>>;

function describeLocation(where: Location | undefined): string {
  if (!where) return "";
  const parts = Object.entries(where).map(([k, v]) => `${k} ${v}`);
  return parts.length ? ` at ${parts.join(", ")}` : "";
}

function describeValue(value: unknown): string {
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "undefined";
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}

/**
 * Invalid input: `field` names the argument (e.g. "P", "policy", "gamma"),
 * `where` locates the bad entry, `value` is the offending value, and the
 * message says all three, e.g.
 * `P: transition row does not sum to 1 (sum 0.97) at state 3, action 1`.
 */
export class ValidationError extends RangeError {
  override readonly name = "ValidationError";
  constructor(
    readonly field: string,
    readonly problem: string,
    readonly value: unknown,
    readonly where?: Location,
  ) {
    super(`${field}: ${problem} (got ${describeValue(value)})${describeLocation(where)}`);
  }
}

/** An iterative method stopped without reaching its tolerance. */
export class ConvergenceError extends Error {
  override readonly name = "ConvergenceError";
  constructor(
    readonly method: string,
    readonly iterations: number,
    readonly residual: number,
    readonly tolerance: number,
  ) {
    super(
      `${method} did not converge: residual ${residual} > tolerance ${tolerance} after ${iterations} iterations`,
    );
  }
}
