/**
 * Plain-TypeScript twins of assembly/nn/categorical.ts in double precision:
 * references for tests (including finite differences) and benchmarks.
 */

export interface CategoricalTwinResult {
  logp: Float64Array;
  entropy: Float64Array;
  logpAct: Float64Array;
}

/** Masked log-softmax, chosen log-probabilities (when `actions` is given) and entropies. */
export function categoricalForwardTwin(
  logits: ArrayLike<number>, rows: number, A: number, mask?: ArrayLike<number>, actions?: ArrayLike<number>,
): CategoricalTwinResult {
  const logp = new Float64Array(rows * A);
  const entropy = new Float64Array(rows);
  const logpAct = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const allowed = (j: number): boolean => !mask || mask[r * A + j] !== 0;
    let mx = -Infinity;
    for (let j = 0; j < A; j++) if (allowed(j)) mx = Math.max(mx, logits[r * A + j]);
    let s = 0;
    for (let j = 0; j < A; j++) if (allowed(j)) s += Math.exp(logits[r * A + j] - mx);
    const lse = mx + Math.log(s);
    let h = 0;
    for (let j = 0; j < A; j++) {
      const v = allowed(j) ? logits[r * A + j] - lse : -Infinity;
      logp[r * A + j] = v;
      if (v > -Infinity) h -= Math.exp(v) * v;
    }
    entropy[r] = h;
    if (actions) logpAct[r] = logp[r * A + actions[r]];
  }
  return { logp, entropy, logpAct };
}

/** d/dlogits of sum_r gLogp_r log pi(a_r) + gEnt_r H_r. */
export function categoricalBackwardTwin(
  logp: ArrayLike<number>, rows: number, A: number,
  actions: ArrayLike<number> | undefined, gLogp: ArrayLike<number> | undefined,
  gEnt: ArrayLike<number> | undefined,
): Float64Array {
  const d = new Float64Array(rows * A);
  for (let r = 0; r < rows; r++) {
    let h = 0;
    for (let j = 0; j < A; j++) {
      const v = logp[r * A + j];
      if (v > -Infinity) h -= Math.exp(v) * v;
    }
    for (let j = 0; j < A; j++) {
      const v = logp[r * A + j];
      if (v === -Infinity) continue;
      const p = Math.exp(v);
      let g = 0;
      if (actions && gLogp) g += gLogp[r] * ((actions[r] === j ? 1 : 0) - p);
      if (gEnt) g -= gEnt[r] * p * (v + h);
      d[r * A + j] = g;
    }
  }
  return d;
}

/** KL(P_r || Q_r) per row from log-probabilities. */
export function categoricalKlTwin(logpP: ArrayLike<number>, logpQ: ArrayLike<number>, rows: number, A: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < A; j++) {
      const v = logpP[r * A + j];
      if (v > -Infinity) s += Math.exp(v) * (v - logpQ[r * A + j]);
    }
    out[r] = s;
  }
  return out;
}
