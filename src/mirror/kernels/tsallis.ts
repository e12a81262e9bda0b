/**
 * The Tsallis mirror map for AMPO / policy mirror descent (Alfano, Yuan &
 * Rebeschini 2023, "A Novel Framework for Policy Mirror Descent with General
 * Parameterization and Linear Convergence"; Tsallis 1988, "Possible
 * generalization of Boltzmann-Gibbs statistics"):
 *
 *   h_q(p) = (sum_a p_a^q - 1) / (q - 1),   q > 0, q != 1,
 *   grad h_q(p)_a = q p_a^(q-1) / (q - 1),
 *   D_q(p, r) = h(p) - h(r) - <grad h(r), p - r>
 *             = sum_a [p_a^q - r_a^q - q r_a^(q-1) (p_a - r_a)] / (q - 1)   (Bregman divergence),
 *
 * (q -> 1 gives the negative entropy and KL; q = 2 gives sum p^2 - 1 and
 * D = |p - r|^2). The Bregman projection of grad h*(y) onto the simplex, i.e.
 *
 *   p = argmin_{p in simplex} D_q(p, grad h*(y)) = argmax_{p in simplex} <y, p> - h_q(p),
 *
 * has, by the KKT conditions, p_a = (grad h)^{-1}(y_a - lambda) clipped at 0:
 *   q < 1: p_a = [q / ((1-q)(lambda - y_a))]^(1/(1-q)),   lambda > max y (interior; y_a = -inf gives 0),
 *   q > 1: p_a = [(q-1)(y_a - lambda) / q]_+^(1/(q-1)),   lambda < max y (may set actions to 0),
 * with the normaliser lambda the root of sum_a p_a(lambda) = 1, found by
 * bisection per state after shifting y by its maximum (so huge y lose no
 * precision). Bracket (m = max y, both ends give sums on either side of 1):
 *   q < 1: lambda - m in [q/(1-q), q/(1-q) A^(1-q)];  q > 1: m - lambda in [q/(q-1) A^(1-q), q/(q-1)].
 * Bisection runs to adjacent doubles; the row is then divided by its sum
 * (a correction of a few ulps). It runs in the WebAssembly kernel pair
 * mirrorTsallisProjectSimd / Scalar (assembly/mirror/tsallis.ts: two states per
 * f64x2, so every S x A solve is one kernel call); tsallis.twin.ts is its
 * plain-TypeScript twin (the powers by **, so the kernel agrees with it to a few ulps).
 */
import { ValidationError } from "../../core/errors.js";
import { checkArray } from "../../core/validate.js";
import { customDrift, type Drift } from "../drifts.js";
import { f64Block, scratch } from "../../core/arena.js";
import { kernels } from "../../core/wasm.js";

/** The Tsallis mirror map with index q. */
export interface TsallisMap {
  readonly kind: "tsallis";
  readonly q: number;
}

/** The Tsallis mirror map h_q (q > 0, q != 1; see the module comment). */
export function tsallis(q: number): TsallisMap {
  if (typeof q !== "number" || !(q > 0 && q < Infinity) || q === 1) {
    throw new ValidationError("q", 'tsallis: must be a finite number > 0 other than 1 (q = 1 is the KL map: use mirrorMap "kl")', q);
  }
  return Object.freeze({ kind: "tsallis", q });
}

/** grad h_q(p)_a = q p_a^(q-1) / (q-1) for each entry (-Infinity at p = 0 when q < 1). */
export function tsallisGradient(q: number, p: ArrayLike<number>, out = new Float64Array(p.length)): Float64Array {
  const c = q / (q - 1);
  for (let i = 0; i < p.length; i++) out[i] = p[i] === 0 ? (q < 1 ? -Infinity : 0) : c * p[i] ** (q - 1);
  return out;
}

/** One action's term of D_q(p, r): [p^q - r^q - q r^(q-1) (p - r)] / (q - 1) >= 0. */
export function tsallisTerm(q: number, p: number, r: number): number {
  if (r === 0) {
    if (p === 0) return 0;
    return q < 1 ? Infinity : p ** q / (q - 1);
  }
  const t = (p ** q - r ** q - q * r ** (q - 1) * (p - r)) / (q - 1);
  // Rounding can leave a tiny negative value near p = r; the divergence is >= 0.
  return t > 0 ? t : 0;
}

/** D_q(p_s, r_s) for the state at offset s*A. */
export function tsallisDivergence(q: number, p: ArrayLike<number>, r: ArrayLike<number>, s: number, A: number): number {
  let sum = 0;
  for (let a = s * A; a < s * A + A; a++) sum += tsallisTerm(q, p[a], r[a]);
  return sum;
}

/**
 * The Tsallis Bregman drift (1/eta) D_q(pi(.|s), pi_old(.|s)) as a Mirror
 * Learning drift (a Bregman divergence of a differentiable strictly convex
 * map: >= 0, 0 at pi_old with zero gradient there). For mirrorStep's generic
 * solver; AMPO's Tsallis step solves the same per-state problem exactly.
 */
export function tsallisDrift(q: number, eta: number): Drift {
  tsallis(q);
  if (typeof eta !== "number" || !(eta > 0 && eta < Infinity)) throw new ValidationError("eta", "tsallisDrift: must be a finite number > 0", eta);
  const c = q / (q - 1);
  return customDrift({
    name: `tsallis(q=${q}, eta=${eta})`,
    value: (piOld, pi, s, A) => tsallisDivergence(q, pi, piOld, s, A) / eta,
    gradient(piOld, pi, s, A, out) {
      for (let a = s * A; a < s * A + A; a++) {
        const gp = pi[a] === 0 ? (q < 1 ? -Infinity : 0) : c * pi[a] ** (q - 1);
        const go = piOld[a] === 0 ? (q < 1 ? -Infinity : 0) : c * piOld[a] ** (q - 1);
        out[a] = (gp - go) / eta;
      }
    },
  });
}

/**
 * Bregman projection onto the simplex, per state: out_s = argmax_{p} <y_s, p> - h_q(p)
 * (see the module comment; kernel mirrorTsallisProjectSimd in
 * assembly/mirror/tsallis.ts, plain-TypeScript twin in tsallis.twin.ts). y: S*A,
 * finite or -Infinity (each row needs a finite entry; -Infinity only for q < 1,
 * where it yields 0). Returns out.
 */
export function tsallisProjection(q: number, y: ArrayLike<number>, S: number, A: number, out = new Float64Array(S * A)): Float64Array {
  tsallis(q);
  // The kernel takes S and A as 32-bit integers and writes all of out: check what the loops over y took on trust.
  if (!Number.isInteger(S) || S < 0 || S >= 2 ** 31) throw new ValidationError("S", "must be an integer >= 0 (below 2^31)", S);
  if (!Number.isInteger(A) || A < 0 || A >= 2 ** 31) throw new ValidationError("A", "must be an integer >= 0 (below 2^31)", A);
  if (y.length !== S * A) throw new ValidationError("y", `wrong length: expected S*A = ${S * A}`, y.length);
  checkArray("out", out, S * A, "S*A");
  for (let s = 0; s < S; s++) {
    const base = s * A;
    let m = -Infinity;
    for (let a = 0; a < A; a++) {
      const v = y[base + a];
      if (Number.isNaN(v) || v === Infinity || (v === -Infinity && q > 1)) {
        throw new ValidationError("y", q > 1 ? "must be finite (q > 1)" : "must be finite or -Infinity", v, { state: s, action: a });
      }
      m = Math.max(m, v);
    }
    if (m === -Infinity) throw new ValidationError("y", "each state needs a finite entry", m, { state: s });
  }
  const n = S * A;
  if (n === 0) return out;
  scratch((take) => {
    const yb = take(f64Block(n, y));
    const o = take(f64Block(n));
    kernels().mirrorTsallisProjectSimd(yb.ptr, q, S, A, o.ptr);
    out.set(o.view);
  });
  return out;
}
