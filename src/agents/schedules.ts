/**
 * Hyperparameter schedules as SB3 has them: a function of the progress
 * remaining p, which goes from 1 at the start of `learn` to 0 at its end
 * (p = 1 - timesteps / totalTimesteps, updated after each rollout). A number is
 * a constant; "lin_<x>" (rl-baselines3-zoo's notation) is p => p * x.
 */
import { ValidationError } from "../core/errors.js";

export type Schedule = number | string | ((progressRemaining: number) => number);

/** A schedule as a function of progress remaining, checked to give finite values >= 0. */
export function scheduleFn(field: string, s: Schedule): (p: number) => number {
  if (typeof s === "number") {
    if (!(s >= 0 && s < Infinity)) throw new ValidationError(field, "must be a finite number >= 0", s);
    return () => s;
  }
  if (typeof s === "string") {
    const m = /^lin_([0-9.eE+-]+)$/.exec(s);
    const x = m ? Number(m[1]) : NaN;
    if (!(x >= 0 && x < Infinity)) throw new ValidationError(field, "a string schedule must be \"lin_<number>\" (zoo notation)", s);
    return (p) => p * x;
  }
  if (typeof s === "function") {
    return (p) => {
      const v = s(p);
      if (!(typeof v === "number" && v >= 0 && v < Infinity)) {
        throw new ValidationError(field, "schedule must return a finite number >= 0", v, { progressRemaining: p });
      }
      return v;
    };
  }
  throw new ValidationError(field, "must be a number, \"lin_<x>\" or a function of progress remaining", s);
}

/** What a schedule saves as: numbers and strings as they are; a function as its last value (functions cannot be saved). */
export function scheduleToJson(s: Schedule, lastProgress: number): number | string {
  return typeof s === "function" ? scheduleFn("schedule", s)(lastProgress) : s;
}
