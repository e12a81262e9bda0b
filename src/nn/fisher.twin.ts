/**
 * Plain-TypeScript twins of assembly/nn/fisher.ts in double precision, and a
 * whole Fisher-vector product and mean-KL gradient of an MLP policy built
 * from them (the references of the tests and benchmarks).
 */
import type { Activation } from "./activation.js";
import { mlpBackwardTwin, mlpForwardTwin, type MlpTwinPass } from "./mlp.twin.js";

/** out = act'(hn) (h V + vb + t W); act "none" for a linear layer, t undefined for the first layer. */
export function fisherJvpTwin(
  h: ArrayLike<number>, t: ArrayLike<number> | undefined, w: ArrayLike<number> | undefined, v: ArrayLike<number>,
  vb: ArrayLike<number>, hn: ArrayLike<number> | undefined, act: Activation | "none", batch: number, nIn: number, nOut: number,
): Float64Array {
  const out = new Float64Array(batch * nOut);
  for (let r = 0; r < batch; r++) {
    for (let o = 0; o < nOut; o++) {
      let s = vb[o];
      for (let i = 0; i < nIn; i++) s += h[r * nIn + i] * v[i * nOut + o];
      if (t) for (let i = 0; i < nIn; i++) s += t[r * nIn + i] * w![i * nOut + o];
      const y = hn ? hn[r * nOut + o] : 0;
      out[r * nOut + o] = act === "tanh" ? s * (1 - y * y) : act === "relu" ? (y > 0 ? s : 0) : s;
    }
  }
  return out;
}

/** out[r, j] = scale p_j (u_j - p . u), p = exp(logp[r, :]). */
export function fisherCategoricalMetricTwin(
  logp: ArrayLike<number>, u: ArrayLike<number>, rows: number, A: number, scale = 1,
): Float64Array {
  const out = new Float64Array(rows * A);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < A; j++) s += Math.exp(logp[r * A + j]) * u[r * A + j];
    for (let j = 0; j < A; j++) out[r * A + j] = scale * Math.exp(logp[r * A + j]) * (u[r * A + j] - s);
  }
  return out;
}

/** out[r, d] = scale u[r, d] / sigma_d^2, sigma = exp(logStd). */
export function fisherGaussianMetricTwin(
  u: ArrayLike<number>, logStd: ArrayLike<number>, rows: number, scale = 1,
): Float64Array {
  const D = logStd.length;
  const out = new Float64Array(rows * D);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < D; d++) out[r * D + d] = (scale * u[r * D + d]) / Math.exp(2 * logStd[d]);
  }
  return out;
}

/** An MLP policy in f64: parameters in `Mlp`'s layout, layer widths [input, ...hidden, output]. */
export interface PolicyTwin {
  params: ArrayLike<number>;
  sizes: readonly number[];
  activation: Activation;
  head: "categorical" | "gaussian";
  /** Gaussian: the D log-stds. */
  logStd?: ArrayLike<number>;
}

function logSoftmaxRows(z: ArrayLike<number>, rows: number, A: number): Float64Array {
  const out = new Float64Array(rows * A);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < A; j++) m = Math.max(m, z[r * A + j]);
    let s = 0;
    for (let j = 0; j < A; j++) s += Math.exp(z[r * A + j] - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < A; j++) out[r * A + j] = z[r * A + j] - lse;
  }
  return out;
}

/** The head's inputs (logits or means) of `policy` on rows of x, and for a categorical head their log-softmax. */
export function policyOutputTwin(policy: PolicyTwin, x: ArrayLike<number>, rows: number): { out: Float64Array; logp?: Float64Array } {
  const pass = mlpForwardTwin(policy.params, policy.sizes, policy.activation, x, rows);
  const out = pass.outputs[pass.outputs.length - 1];
  const A = policy.sizes[policy.sizes.length - 1];
  return policy.head === "categorical" ? { out, logp: logSoftmaxRows(out, rows, A) } : { out };
}

/** J v in f64: the tangent of the head's inputs (rows x A) along the parameter part of v, and the forward pass. */
export function policyTangentTwin(
  policy: PolicyTwin, x: ArrayLike<number>, rows: number, v: ArrayLike<number>,
): { tangent: Float64Array; pass: MlpTwinPass } {
  const { params, sizes, activation } = policy;
  const pass = mlpForwardTwin(params, sizes, activation, x, rows);
  const L = sizes.length - 1;
  const slice = (a: ArrayLike<number>, from: number, to: number): number[] => Array.prototype.slice.call(a, from, to) as number[];
  let t: Float64Array | undefined;
  let offset = 0;
  for (let l = 0; l < L; l++) {
    const nIn = sizes[l];
    const nOut = sizes[l + 1];
    const end = offset + nIn * nOut;
    const h = l === 0 ? x : pass.outputs[l - 1];
    const hidden = l < L - 1;
    t = fisherJvpTwin(h, t, slice(params, offset, end), slice(v, offset, end), slice(v, end, end + nOut),
      hidden ? pass.outputs[l] : undefined, hidden ? activation : "none", rows, nIn, nOut);
    offset = end + nOut;
  }
  return { tangent: t!, pass };
}

/**
 * F v + damping v in f64 for the rows of x (the same layout as the kernels:
 * parameters, then the log-stds of a Gaussian head): forward-mode tangents,
 * the head metric divided by the rows, then backpropagation. `logp` replaces
 * the logits' log-softmax (e.g. masked actions at -inf).
 */
export function fisherVectorProductTwin(
  policy: PolicyTwin, x: ArrayLike<number>, rows: number, v: ArrayLike<number>, damping = 0, logp?: ArrayLike<number>,
): Float64Array {
  const { params, sizes, activation } = policy;
  const { tangent, pass } = policyTangentTwin(policy, x, rows, v);
  const L = sizes.length - 1;
  const A = sizes[L];
  const g = policy.head === "categorical"
    ? fisherCategoricalMetricTwin(logp ?? logSoftmaxRows(pass.outputs[L - 1], rows, A), tangent, rows, A, 1 / rows)
    : fisherGaussianMetricTwin(tangent, policy.logStd!, rows, 1 / rows);
  const { grads } = mlpBackwardTwin(params, sizes, activation, x, rows, pass, g);
  const n = v.length;
  const out = new Float64Array(n);
  out.set(grads);
  for (let i = grads.length; i < n; i++) out[i] = 2 * v[i];
  for (let i = 0; i < n; i++) out[i] += damping * v[i];
  return out;
}

/**
 * Gradient with respect to (parameters, log-stds) of the mean over the rows
 * of KL(pi_old(.|s_r) || pi(.|s_r)), where pi_old has head inputs `oldOut`
 * (logits or means, rows x A) and log-stds `oldLogStd`: the quantity whose
 * Hessian at pi = pi_old is the Fisher matrix.
 */
export function meanKlGradientTwin(
  policy: PolicyTwin, x: ArrayLike<number>, rows: number, oldOut: ArrayLike<number>, oldLogStd?: ArrayLike<number>,
): Float64Array {
  const { params, sizes, activation } = policy;
  const pass = mlpForwardTwin(params, sizes, activation, x, rows);
  const L = sizes.length - 1;
  const A = sizes[L];
  const out = pass.outputs[L - 1];
  const dOut = new Float64Array(rows * A);
  let extra: Float64Array = new Float64Array(0);
  if (policy.head === "categorical") {
    // d/dz_q KL(p || softmax(z_q)) = q - p.
    const lq = logSoftmaxRows(out, rows, A);
    const lp = logSoftmaxRows(oldOut, rows, A);
    for (let i = 0; i < rows * A; i++) dOut[i] = (Math.exp(lq[i]) - Math.exp(lp[i])) / rows;
  } else {
    // KL(P || Q) = sum_d log sQ - log sP + (sP^2 + (muP - muQ)^2) / (2 sQ^2) - 1/2.
    const ls = policy.logStd!;
    extra = new Float64Array(A);
    for (let r = 0; r < rows; r++) {
      for (let d = 0; d < A; d++) {
        const vq = Math.exp(2 * ls[d]);
        const vp = Math.exp(2 * oldLogStd![d]);
        const diff = out[r * A + d] - oldOut[r * A + d];
        dOut[r * A + d] = diff / vq / rows;
        extra[d] += (1 - (vp + diff * diff) / vq) / rows;
      }
    }
  }
  const { grads } = mlpBackwardTwin(params, sizes, activation, x, rows, pass, dOut);
  const g = new Float64Array(grads.length + extra.length);
  g.set(grads);
  g.set(extra, grads.length);
  return g;
}
