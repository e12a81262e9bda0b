/**
 * The error an agent raises when training produces a non-finite loss,
 * gradient norm or parameter: what went non-finite, at which update, and the
 * settings that usually cause it with their current values. The agents check
 * the scalars they compute anyway (each minibatch's losses and the global
 * gradient norm), so the check costs nothing per element.
 */

/** A setting to lower (or switch on) and its current value, e.g. `["learningRate", 5]`. */
export type DivergenceHint = readonly [setting: string, value: unknown];

export class TrainingDivergedError extends Error {
  override readonly name = "TrainingDivergedError";
  constructor(
    /** "PPO" or "A2C". */
    readonly algorithm: string,
    /** The update (1-based iteration of learn) during which it happened. */
    readonly update: number,
    /** What became non-finite: "the policy loss", "the gradient norm", ... */
    readonly quantity: string,
    /** Its value (NaN or +-Infinity). */
    readonly value: number,
    /** Settings to lower, with their current values. */
    readonly hints: readonly DivergenceHint[],
    /** Extra advice appended to the message (e.g. "or set normalize: true"). */
    advice = "",
  ) {
    const lower = hints.map(([k, v]) => `${k} (got ${typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v)})`);
    const list = lower.length > 1 ? `${lower.slice(0, -1).join(", ")} or ${lower[lower.length - 1]}` : lower.join("");
    super(`${algorithm}: training diverged at update ${update}: ${quantity} is ${value}; lower ${list}${advice ? `, ${advice}` : ""}`);
  }
}
