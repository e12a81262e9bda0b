// Categorical policy head over f32 logits (rows x A, row-major), with an
// optional action mask (u8, rows x A, 0 = action not allowed):
//   log pi(j) = z_j - log S,  z_j = l_j - max_allowed l,  S = sum_allowed exp(z_j)
//   H = -sum_j pi_j log pi_j = log S - (sum_j exp(z_j) z_j) / S
//   KL(P || Q) = sum_j p_j (log p_j - log q_j)
// Masked actions get log-probability -inf and contribute nothing. Shifting by
// the row maximum makes every exp argument <= 0, so huge logits cannot overflow.
//
// Action masking (Huang & Ontañón 2022; SB3-contrib's MaskablePPO): only the
// forward kernel takes the mask. It is not a pre-pass writing -inf into the
// logits, because the forward's check that legal logits are finite is how
// divergence is caught, and a masked logit may hold anything (NaN included):
// it is skipped, never read into the maximum or the sums. The forward writes
// log pi = -inf for illegal actions, and every later kernel (backward, KL,
// KL backward; sampling and the mode in TypeScript) reads the mask from those
// entries: exp(-inf) = 0, and the products that would be 0 * (-inf) = NaN
// (p log p, p (log p - log q), p (log p + H)) are replaced by 0 with a select
// on log p > -inf, never by a multiplication. So a masked row is exactly the
// distribution renormalised over its legal actions (entropy and KL over them,
// gradient 0 for illegal logits; SB3-contrib's -1e8 gives the same in f32),
// and a null mask is the same code path as before masks existed; an all-legal
// mask gives the same bits as none.
// Action spaces in RL are small (2 to 18 actions), so the SIMD kernels run
// across four rows at once (one lane per row, strided loads) instead of along a
// row. Lanes repeat the scalar twin's operations in the same order: SIMD and
// scalar results agree to the last bit.

import { expF32, expF32x4, K_NEG_INF, K_NEG_MAX, K_ONE, logF32, logF32x4, vk } from "./mathf32";
import { gather4, scatter4, upstream } from "./lanes";

const NEG_INF: f32 = -Infinity;
/**
 * Lower clamp of z = l - max: with |l| near f32's limit the difference can
 * overflow to -inf, and exp(z) z would then be 0 * -inf = NaN.
 */
const Z_MIN: f32 = -3.4028234663852886e38;

/** All-ones lanes where the mask byte is non-zero (or everywhere without a mask). */
// @ts-ignore: decorator
@inline function gatherAllowed(mask: usize, j: i32, stride: usize): v128 {
  if (mask == 0) return i32x4.splat(-1);
  const p = mask + <usize>j;
  let v = i32x4.splat(<i32>load<u8>(p));
  v = i32x4.replace_lane(v, 1, <i32>load<u8>(p + stride));
  v = i32x4.replace_lane(v, 2, <i32>load<u8>(p + 2 * stride));
  v = i32x4.replace_lane(v, 3, <i32>load<u8>(p + 3 * stride));
  return i32x4.ne(v, i32x4.splat(0));
}

// @ts-ignore: decorator
@inline function rowAllowed(mask: usize, j: i32): bool {
  return mask == 0 || load<u8>(mask + <usize>j) != 0;
}

/** True when the chosen action of row `row` is out of range or masked. */
// @ts-ignore: decorator
@inline function badAction(actions: usize, mask: usize, row: i32, A: i32): bool {
  if (actions == 0) return false;
  const a = load<i32>(actions + (<usize>row << 2));
  return a < 0 || a >= A || (mask != 0 && load<u8>(mask + <usize>row * <usize>A + <usize>a) == 0);
}

/** One row of the forward pass (scalar); returns false when the row is invalid. */
// @ts-ignore: decorator
@inline function forwardRow(
  l: usize, m: usize, actions: usize, logp: usize, logpAct: usize, entropy: usize, row: i32, A: i32,
): bool {
  let mx = NEG_INF;
  let any = false;
  for (let j = 0; j < A; j++) {
    if (!rowAllowed(m, j)) continue;
    const v = load<f32>(l + (<usize>j << 2));
    if (v - v != 0) return false; // NaN or +-inf among the allowed logits
    any = true;
    mx = max(mx, v);
  }
  if (!any) return false;
  let s: f32 = 0;
  let t: f32 = 0;
  for (let j = 0; j < A; j++) {
    if (!rowAllowed(m, j)) continue;
    const z = max(load<f32>(l + (<usize>j << 2)) - mx, Z_MIN);
    const e = expF32(z);
    s += e;
    t += e * z;
  }
  const logS = logF32(s);
  if (entropy != 0) store<f32>(entropy + (<usize>row << 2), logS - t / s);
  if (actions != 0 && logpAct != 0) {
    const a = load<i32>(actions + (<usize>row << 2));
    store<f32>(logpAct + (<usize>row << 2), max(load<f32>(l + (<usize>a << 2)) - mx, Z_MIN) - logS);
  }
  for (let j = 0; j < A; j++) {
    const o = <usize>j << 2;
    store<f32>(logp + o, rowAllowed(m, j) ? max(load<f32>(l + o) - mx, Z_MIN) - logS : NEG_INF);
  }
  return true;
}

/**
 * Log-softmax with mask, log-probabilities of chosen actions and entropy.
 * logits, logp: rows x A (logp may equal logits: in place); mask: rows x A u8
 * or 0 (all allowed); actions: rows i32 in [0, A) or 0; logpAct, entropy: rows
 * or 0 (not written). Returns -1, or the first row that has no allowed action,
 * a NaN or infinite allowed logit, or a chosen action out of range or masked
 * (then the outputs are unspecified).
 */
export function nnCategoricalForwardSimd(
  logits: usize, mask: usize, actions: usize, logp: usize, logpAct: usize, entropy: usize, rows: i32, A: i32,
): i32 {
  const stride = <usize>A << 2;
  const zero = f32x4.splat(0);
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const l = logits + <usize>r * stride;
    const m: usize = mask == 0 ? 0 : mask + <usize>r * <usize>A;
    let mx = vk(K_NEG_INF);
    let any = i32x4.splat(0);
    let bad = i32x4.splat(0);
    for (let j = 0; j < A; j++) {
      const v = gather4(l + (<usize>j << 2), stride);
      const ok = gatherAllowed(m, j, <usize>A);
      any = v128.or(any, ok);
      bad = v128.or(bad, v128.and(ok, f32x4.ne(f32x4.sub(v, v), zero)));
      mx = f32x4.max(mx, v128.bitselect(v, vk(K_NEG_INF), ok));
    }
    const invalid = v128.or(bad, v128.not(any));
    if (v128.any_true(invalid) || actions != 0) {
      for (let lane = 0; lane < 4; lane++) {
        const laneBad = (lane == 0 ? i32x4.extract_lane(invalid, 0)
          : lane == 1 ? i32x4.extract_lane(invalid, 1)
          : lane == 2 ? i32x4.extract_lane(invalid, 2) : i32x4.extract_lane(invalid, 3)) != 0;
        if (laneBad || badAction(actions, mask, r + lane, A)) return r + lane;
      }
    }
    let s = zero;
    let t = zero;
    for (let j = 0; j < A; j++) {
      const ok = gatherAllowed(m, j, <usize>A);
      const z = f32x4.max(f32x4.sub(gather4(l + (<usize>j << 2), stride), mx), vk(K_NEG_MAX));
      const e = v128.and(expF32x4(z), ok);
      s = f32x4.add(s, e);
      t = f32x4.add(t, v128.and(f32x4.mul(e, z), ok));
    }
    const logS = logF32x4(s);
    if (entropy != 0) v128.store(entropy + (<usize>r << 2), f32x4.sub(logS, f32x4.div(t, s)));
    if (actions != 0 && logpAct != 0) {
      // Before the log-probabilities overwrite the logits (in-place use).
      const ar = actions + (<usize>r << 2);
      let la = f32x4.splat(load<f32>(l + (<usize>load<i32>(ar) << 2)));
      la = f32x4.replace_lane(la, 1, load<f32>(l + stride + (<usize>load<i32>(ar, 4) << 2)));
      la = f32x4.replace_lane(la, 2, load<f32>(l + 2 * stride + (<usize>load<i32>(ar, 8) << 2)));
      la = f32x4.replace_lane(la, 3, load<f32>(l + 3 * stride + (<usize>load<i32>(ar, 12) << 2)));
      v128.store(logpAct + (<usize>r << 2), f32x4.sub(f32x4.max(f32x4.sub(la, mx), vk(K_NEG_MAX)), logS));
    }
    const out = logp + <usize>r * stride;
    for (let j = 0; j < A; j++) {
      const ok = gatherAllowed(m, j, <usize>A);
      const z = f32x4.max(f32x4.sub(gather4(l + (<usize>j << 2), stride), mx), vk(K_NEG_MAX));
      scatter4(out + (<usize>j << 2), stride, v128.bitselect(f32x4.sub(z, logS), vk(K_NEG_INF), ok));
    }
  }
  for (; r < rows; r++) {
    const m: usize = mask == 0 ? 0 : mask + <usize>r * <usize>A;
    if (badAction(actions, mask, r, A)) return r;
    if (!forwardRow(logits + <usize>r * stride, m, actions, logp + <usize>r * stride, logpAct, entropy, r, A)) return r;
  }
  return -1;
}

/** Log-softmax, chosen log-probabilities and entropy, scalar twin (same contract). */
export function nnCategoricalForwardScalar(
  logits: usize, mask: usize, actions: usize, logp: usize, logpAct: usize, entropy: usize, rows: i32, A: i32,
): i32 {
  const stride = <usize>A << 2;
  for (let r = 0; r < rows; r++) {
    const m: usize = mask == 0 ? 0 : mask + <usize>r * <usize>A;
    if (badAction(actions, mask, r, A)) return r;
    if (!forwardRow(logits + <usize>r * stride, m, actions, logp + <usize>r * stride, logpAct, entropy, r, A)) return r;
  }
  return -1;
}

// @ts-ignore: decorator
@inline function upstream4(p: usize, scale: f32, row: i32): v128 {
  return p != 0 ? v128.load(p + (<usize>row << 2)) : f32x4.splat(scale);
}

// @ts-ignore: decorator
@inline function backwardRow(
  lp: usize, actions: usize, gl: f32, ge: f32, h: f32, d: usize, row: i32, A: i32, accumulate: i32,
): void {
  const a = actions != 0 ? load<i32>(actions + (<usize>row << 2)) : -1;
  for (let j = 0; j < A; j++) {
    const o = <usize>j << 2;
    const v = load<f32>(lp + o);
    const p = expF32(v);
    const ind: f32 = j == a ? 1 : 0;
    let g = gl * (ind - p) - ge * (p * (v + h));
    g = v > NEG_INF ? g : <f32>0;
    store<f32>(d + o, accumulate ? load<f32>(d + o) + g : g);
  }
}

/**
 * Gradient of sum_r [gLogp_r log pi(a_r | r) + gEnt_r H_r] with respect to the logits:
 *   d l_j = gLogp (1[j = a] - pi_j) - gEnt pi_j (log pi_j + H),  0 for masked j.
 * logp: rows x A from the forward pass; actions: rows or 0 (no log-prob term);
 * gLogp: rows or 0 (then gLogpScale for every row); entropy: rows from the
 * forward pass or 0 (no entropy term); gEnt: rows or 0 (then gEntScale);
 * dLogits: rows x A, overwritten, or added to when accumulate != 0.
 */
export function nnCategoricalBackwardSimd(
  logp: usize, actions: usize, gLogp: usize, gLogpScale: f32, entropy: usize, gEnt: usize, gEntScale: f32,
  dLogits: usize, rows: i32, A: i32, accumulate: i32,
): void {
  const stride = <usize>A << 2;
  const zero = f32x4.splat(0);
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const gl = actions != 0 ? upstream4(gLogp, gLogpScale, r) : zero;
    const ge = entropy != 0 ? upstream4(gEnt, gEntScale, r) : zero;
    const h = entropy != 0 ? v128.load(entropy + (<usize>r << 2)) : zero;
    const act = actions != 0 ? v128.load(actions + (<usize>r << 2)) : i32x4.splat(-1);
    const lp = logp + <usize>r * stride;
    const d = dLogits + <usize>r * stride;
    for (let j = 0; j < A; j++) {
      const o = <usize>j << 2;
      const v = gather4(lp + o, stride);
      const p = expF32x4(v);
      const ind = v128.and(i32x4.eq(act, i32x4.splat(j)), vk(K_ONE));
      let g = f32x4.sub(f32x4.mul(gl, f32x4.sub(ind, p)), f32x4.mul(ge, f32x4.mul(p, f32x4.add(v, h))));
      g = v128.and(g, f32x4.gt(v, vk(K_NEG_INF)));
      if (accumulate) g = f32x4.add(gather4(d + o, stride), g);
      scatter4(d + o, stride, g);
    }
  }
  for (; r < rows; r++) {
    const gl: f32 = actions != 0 ? upstream(gLogp, gLogpScale, r) : 0;
    const ge: f32 = entropy != 0 ? upstream(gEnt, gEntScale, r) : 0;
    const h: f32 = entropy != 0 ? load<f32>(entropy + (<usize>r << 2)) : 0;
    backwardRow(logp + <usize>r * stride, actions, gl, ge, h, dLogits + <usize>r * stride, r, A, accumulate);
  }
}

/** Gradient of the log-prob and entropy terms with respect to the logits, scalar twin. */
export function nnCategoricalBackwardScalar(
  logp: usize, actions: usize, gLogp: usize, gLogpScale: f32, entropy: usize, gEnt: usize, gEntScale: f32,
  dLogits: usize, rows: i32, A: i32, accumulate: i32,
): void {
  const stride = <usize>A << 2;
  for (let r = 0; r < rows; r++) {
    const gl: f32 = actions != 0 ? upstream(gLogp, gLogpScale, r) : 0;
    const ge: f32 = entropy != 0 ? upstream(gEnt, gEntScale, r) : 0;
    const h: f32 = entropy != 0 ? load<f32>(entropy + (<usize>r << 2)) : 0;
    backwardRow(logp + <usize>r * stride, actions, gl, ge, h, dLogits + <usize>r * stride, r, A, accumulate);
  }
}

// @ts-ignore: decorator
@inline function klRow(lp: usize, lq: usize, A: i32): f32 {
  let s: f32 = 0;
  for (let j = 0; j < A; j++) {
    const o = <usize>j << 2;
    const v = load<f32>(lp + o);
    const term = expF32(v) * (v - load<f32>(lq + o));
    s += v > NEG_INF ? term : <f32>0;
  }
  return s;
}

/**
 * KL(P || Q) = sum_j p_j (log p_j - log q_j) per row, from log-probabilities
 * (rows x A each; terms with p_j = 0 are 0; +inf where q_j = 0 < p_j).
 * Rounding can leave a result a few ulps below 0.
 */
export function nnCategoricalKlSimd(logpP: usize, logpQ: usize, out: usize, rows: i32, A: i32): void {
  const stride = <usize>A << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const lp = logpP + <usize>r * stride;
    const lq = logpQ + <usize>r * stride;
    let s = f32x4.splat(0);
    for (let j = 0; j < A; j++) {
      const o = <usize>j << 2;
      const v = gather4(lp + o, stride);
      const term = f32x4.mul(expF32x4(v), f32x4.sub(v, gather4(lq + o, stride)));
      s = f32x4.add(s, v128.and(term, f32x4.gt(v, vk(K_NEG_INF))));
    }
    v128.store(out + (<usize>r << 2), s);
  }
  for (; r < rows; r++) {
    store<f32>(out + (<usize>r << 2), klRow(logpP + <usize>r * stride, logpQ + <usize>r * stride, A));
  }
}

/** KL(P || Q) per row, scalar twin. */
export function nnCategoricalKlScalar(logpP: usize, logpQ: usize, out: usize, rows: i32, A: i32): void {
  const stride = <usize>A << 2;
  for (let r = 0; r < rows; r++) {
    store<f32>(out + (<usize>r << 2), klRow(logpP + <usize>r * stride, logpQ + <usize>r * stride, A));
  }
}

// @ts-ignore: decorator
@inline function klBackwardRow(
  lp: usize, lq: usize, kl: f32, g: f32, dP: usize, dQ: usize, A: i32, accumulate: i32,
): void {
  for (let j = 0; j < A; j++) {
    const o = <usize>j << 2;
    const v = load<f32>(lp + o);
    const w = load<f32>(lq + o);
    const p = expF32(v);
    if (dQ != 0) {
      const gq = g * (expF32(w) - p);
      store<f32>(dQ + o, accumulate ? load<f32>(dQ + o) + gq : gq);
    }
    if (dP != 0) {
      let gp = g * (p * (v - w - kl));
      gp = v > NEG_INF ? gp : <f32>0;
      store<f32>(dP + o, accumulate ? load<f32>(dP + o) + gp : gp);
    }
  }
}

/**
 * Gradients of sum_r g_r KL(P_r || Q_r) with respect to both sets of logits:
 *   d lq_j = g (q_j - p_j),   d lp_j = g p_j (log p_j - log q_j - KL).
 * kl: rows from nnCategoricalKl (needed only for dP); g: rows or 0 (then gScale);
 * dP, dQ: rows x A or 0 (not computed); overwritten, or added to when accumulate != 0.
 */
export function nnCategoricalKlBackwardSimd(
  logpP: usize, logpQ: usize, kl: usize, g: usize, gScale: f32, dP: usize, dQ: usize, rows: i32, A: i32,
  accumulate: i32,
): void {
  const stride = <usize>A << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const gv = upstream4(g, gScale, r);
    const klv = dP != 0 ? v128.load(kl + (<usize>r << 2)) : f32x4.splat(0);
    const base = <usize>r * stride;
    for (let j = 0; j < A; j++) {
      const o = base + (<usize>j << 2);
      const v = gather4(logpP + o, stride);
      const w = gather4(logpQ + o, stride);
      const p = expF32x4(v);
      if (dQ != 0) {
        let gq = f32x4.mul(gv, f32x4.sub(expF32x4(w), p));
        if (accumulate) gq = f32x4.add(gather4(dQ + o, stride), gq);
        scatter4(dQ + o, stride, gq);
      }
      if (dP != 0) {
        let gp = f32x4.mul(gv, f32x4.mul(p, f32x4.sub(f32x4.sub(v, w), klv)));
        gp = v128.and(gp, f32x4.gt(v, vk(K_NEG_INF)));
        if (accumulate) gp = f32x4.add(gather4(dP + o, stride), gp);
        scatter4(dP + o, stride, gp);
      }
    }
  }
  for (; r < rows; r++) {
    const base = <usize>r * stride;
    const klr: f32 = dP != 0 ? load<f32>(kl + (<usize>r << 2)) : 0;
    klBackwardRow(logpP + base, logpQ + base, klr, upstream(g, gScale, r),
      dP != 0 ? dP + base : 0, dQ != 0 ? dQ + base : 0, A, accumulate);
  }
}

/** Gradients of the KL with respect to both sets of logits, scalar twin. */
export function nnCategoricalKlBackwardScalar(
  logpP: usize, logpQ: usize, kl: usize, g: usize, gScale: f32, dP: usize, dQ: usize, rows: i32, A: i32,
  accumulate: i32,
): void {
  const stride = <usize>A << 2;
  for (let r = 0; r < rows; r++) {
    const base = <usize>r * stride;
    const klr: f32 = dP != 0 ? load<f32>(kl + (<usize>r << 2)) : 0;
    klBackwardRow(logpP + base, logpQ + base, klr, upstream(g, gScale, r),
      dP != 0 ? dP + base : 0, dQ != 0 ? dQ + base : 0, A, accumulate);
  }
}
