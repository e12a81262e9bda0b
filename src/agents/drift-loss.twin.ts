/**
 * Plain-TypeScript twin of assembly/agents/drift-loss.ts in double
 * precision (Math.exp, Math.expm1): the reference the kernel's f32 results
 * are tested against. Codes as DRIFT_LOSS_KERNEL_KINDS: 0 zero, 1 forward
 * KL, 2 reverse KL, 3 squared L2.
 */
export interface DriftLossTwinResult {
  /** sum_i (r_i A_i - w_i D_i). */
  objective: number;
  /** sum_i w_i D_i. */
  drift: number;
  /** sum_i (r_i - 1 - log r_i). */
  kl: number;
  /** d(-mean objective)/d logpNew_i. */
  gLogp: Float64Array;
}

export function driftLossTwin(
  kind: number, C: number, logpOld: ArrayLike<number>, logpNew: ArrayLike<number>, adv: ArrayLike<number>, weights?: ArrayLike<number>,
): DriftLossTwinResult {
  const n = logpOld.length;
  const gLogp = new Float64Array(n);
  let objective = 0, drift = 0, kl = 0;
  for (let i = 0; i < n; i++) {
    const l = logpNew[i] - logpOld[i];
    const r = Math.exp(l);
    const rm1 = Math.expm1(l);
    const q = rm1 - l;
    const p = Math.exp(logpOld[i]);
    const w = weights ? weights[i] : 1;
    let d = 0, s = 0;
    if (kind === 1) { d = C * q; s = C * rm1; }
    else if (kind === 2) { d = C * (r * l - rm1); s = C * r * l; }
    else if (kind === 3) { d = C * p * rm1 * rm1; s = 2 * C * p * r * rm1; }
    objective += r * adv[i] - w * d;
    drift += w * d;
    kl += q;
    gLogp[i] = -(r * adv[i] - w * s) / n;
  }
  return { objective, drift, kl, gLogp };
}
