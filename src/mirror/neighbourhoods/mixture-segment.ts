/**
 * CPI's mixture segment (Kakade & Langford 2002, "Approximately Optimal
 * Approximate Reinforcement Learning"):
 * {(1 - alpha) pi_old + alpha pi' : alpha in [0, alphaMax]}, pi' = `target`
 * (default: the greedy policy in the old advantage, ties to the lowest index).
 *
 * One weight alpha moves every state, so states with beta(s) = 0 move too
 * (their drift still counts, under nu). Solver: with an identically zero
 * drift (coefficient 0) the objective is linear in alpha and the answer an
 * end, alphaMax if the linear gain is positive, else 0; otherwise
 * golden-section search on alpha (search.ts), exact to 1e-12 in alpha when the
 * objective is concave in alpha (every built-in drift is convex in pi), the
 * ends always compared.
 */
import { ValidationError } from "../../core/errors.js";
import { checkNumber, checkPolicy } from "../../core/validate.js";
import { type StepContext, type StepSolution, objectiveParts } from "../context.js";
import { type ParameterSite, siteOf } from "../drift.js";
import type { MeasureContext, NeighbourhoodSolver } from "../neighbourhood.js";
import { greedyStep } from "../kernels/greedy.js";
import { goldenSectionMax } from "../search.js";

export interface MixtureSegment extends NeighbourhoodSolver {
  readonly kind: "mixture";
  readonly alphaMax: number;
  readonly target?: Float64Array;
}

class MixtureSegmentImpl implements MixtureSegment {
  readonly kind = "mixture" as const;
  readonly alphaMax: number;
  readonly target?: Float64Array;
  readonly restoresKept = false;
  readonly constrains = true;

  /** Checked parameters (the target's shape is checked at the step, where S and A are known). */
  constructor(alphaMax: number, target: Float64Array | undefined) {
    this.alphaMax = alphaMax;
    if (target !== undefined) this.target = target;
    Object.freeze(this);
  }

  solve(ctx: StepContext): StepSolution {
    const { S, A, pi, adv, drift } = ctx;
    const alphaMax = this.alphaMax;
    const target = this.target ? checkPolicy("neighbourhood.target", this.target, S, A) : greedyStep(adv, S, A);
    const mix = (alpha: number, out: Float64Array): Float64Array => {
      for (let i = 0; i < S * A; i++) out[i] = alpha === 1 ? target[i] : (1 - alpha) * pi[i] + alpha * target[i];
      return out;
    };
    let alpha: number;
    if (drift.coefficient === 0) {
      // J((1-alpha) pi + alpha pi') = J(pi) + alpha sum_s beta <pi'_s - pi_s, A_s>: linear in alpha.
      let gain = 0;
      for (let s = 0; s < S; s++) {
        if (ctx.beta[s] === 0) continue;
        let g = 0;
        for (let a = s * A; a < s * A + A; a++) g += (target[a] - pi[a]) * adv[a];
        gain += ctx.beta[s] * g;
      }
      alpha = gain > 0 ? alphaMax : 0;
    } else {
      const buf = new Float64Array(S * A);
      const phi = (x: number): number => {
        const { surrogate, drift: d } = objectiveParts(ctx, mix(x, buf));
        return Number.isNaN(d) ? -Infinity : surrogate - d;
      };
      alpha = goldenSectionMax(phi, 0, alphaMax);
    }
    return { policy: mix(alpha, new Float64Array(S * A)), alpha, constraint: alpha, solver: "exact" };
  }

  /**
   * The smallest alpha with pi = (1 - alpha) pi_old + alpha target (NaN if pi
   * is not on that line); `extra.target` overrides the segment's own target.
   */
  measure(piOld: ArrayLike<number>, pi: ArrayLike<number>, S: number, A: number, extra: MeasureContext = {}): number {
    const t = extra.target ?? this.target;
    if (!t) throw new ValidationError("target", "mixture measure needs the target policy", t);
    let num = 0;
    let den = 0;
    for (let i = 0; i < S * A; i++) {
      const d = t[i] - piOld[i];
      num += d * (pi[i] - piOld[i]);
      den += d * d;
    }
    if (den === 0) return 0;
    const alpha = num / den;
    let off = 0;
    for (let i = 0; i < S * A; i++) off = Math.max(off, Math.abs(pi[i] - piOld[i] - alpha * (t[i] - piOld[i])));
    return off > 1e-9 ? NaN : alpha;
  }
}

function checkSegment(alphaMax: unknown, target: unknown, site: ParameterSite): [number, Float64Array | undefined] {
  const a = checkNumber(`${site.prefix}alphaMax`, alphaMax, { lo: 0, hi: 1 }, siteOf(site));
  if (target !== undefined && !(target instanceof Float64Array)) {
    throw new ValidationError(`${site.prefix}target`, "must be a Float64Array policy", target === null ? "null" : typeof target, siteOf(site));
  }
  return [a, target];
}

/** {(1 - alpha) pi_old + alpha target : 0 <= alpha <= alphaMax}, alphaMax in [0, 1]. */
export function mixtureSegment(alphaMax: number, target?: Float64Array): MixtureSegment {
  return new MixtureSegmentImpl(...checkSegment(alphaMax, target, { prefix: "", factory: "mixtureSegment" }));
}

/** The segment of a spec { kind: "mixture", alphaMax, target? }, after the factory's checks. */
export function mixtureSegmentFrom(spec: object, site: ParameterSite): MixtureSegment {
  if (spec instanceof MixtureSegmentImpl) return spec;
  const { alphaMax, target } = spec as { alphaMax?: unknown; target?: unknown };
  return new MixtureSegmentImpl(...checkSegment(alphaMax, target, site));
}
