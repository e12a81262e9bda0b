// Deterministic sine and cosine for the environment kernels, scalar and f64x2.
//
// Why our own: the single environments run in TypeScript and the vectorised
// ones in WebAssembly, and a trajectory must be bit-identical in both. The
// platform sines (V8's Math.sin, AssemblyScript's musl port) may differ in the
// last bit, so both sides evaluate the same operation sequence instead; its
// TypeScript twin is src/envs/trig.ts. IEEE f64 with round-to-nearest and no
// fused multiply-add gives the same bits in both.
//
// Method (the classic fdlibm scheme): k = round(x 2/pi) by the 1.5*2^52 trick
// (ties to even, the same in JS), r = x - k pi/2 in three parts (Cody-Waite:
// 33 + 33 + 53 bits of pi/2, exact products for |k| < 2^20), then the
// minimax polynomials of fdlibm's __kernel_sin / __kernel_cos on
// |r| <= pi/4 and the quadrant k mod 4. Accuracy about 1 ulp for
// |x| <= REDUCE_LIMIT; beyond it we call Math.sin / Math.cos (such angles
// never occur in the classic-control environments' episodes).
//
// This file is imported by the environment kernels and not re-exported by
// assembly/index.ts (its f64x2 helpers have v128 signatures).

// @ts-ignore: decorator
@inline export const REDUCE_LIMIT: f64 = 1.0e6;
// @ts-ignore: decorator
@inline const ROUND_MAGIC: f64 = 6755399441055744.0; // 1.5 * 2^52
// @ts-ignore: decorator
@inline const INV_PIO2: f64 = 6.36619772367581382433e-1;
// @ts-ignore: decorator
@inline const PIO2_1: f64 = 1.57079632673412561417e0;
// @ts-ignore: decorator
@inline const PIO2_2: f64 = 6.0771005063039659766e-11;
// @ts-ignore: decorator
@inline const PIO2_2T: f64 = 2.02226624879595063154e-21;

// @ts-ignore: decorator
@inline const S1: f64 = -1.66666666666666324348e-1;
// @ts-ignore: decorator
@inline const S2: f64 = 8.33333333332248946124e-3;
// @ts-ignore: decorator
@inline const S3: f64 = -1.98412698298579493134e-4;
// @ts-ignore: decorator
@inline const S4: f64 = 2.75573137070700676789e-6;
// @ts-ignore: decorator
@inline const S5: f64 = -2.50507602534068634195e-8;
// @ts-ignore: decorator
@inline const S6: f64 = 1.58969099521155010221e-10;
// @ts-ignore: decorator
@inline const C1: f64 = 4.16666666666666019037e-2;
// @ts-ignore: decorator
@inline const C2: f64 = -1.38888888888741095749e-3;
// @ts-ignore: decorator
@inline const C3: f64 = 2.48015872894767294178e-5;
// @ts-ignore: decorator
@inline const C4: f64 = -2.75573143513906633035e-7;
// @ts-ignore: decorator
@inline const C5: f64 = 2.08757232129817482790e-9;
// @ts-ignore: decorator
@inline const C6: f64 = -1.13596475577881948265e-11;

/** Cosine result of the last `sinCos1` / `sinCos2` call (a second return value without allocation). */
export let cosOut: f64 = 0;
export let cosOut2: v128 = f64x2.splat(0);

/** sin(x), and cos(x) into `cosOut`; x any f64. */
// @ts-ignore: decorator
@inline export function sinCos1(x: f64): f64 {
  if (!(abs(x) <= REDUCE_LIMIT)) {
    cosOut = Math.cos(x);
    return Math.sin(x);
  }
  const k = (x * INV_PIO2 + ROUND_MAGIC) - ROUND_MAGIC;
  const r = ((x - k * PIO2_1) - k * PIO2_2) - k * PIO2_2T;
  const z = r * r;
  const w = z * z;
  const ps = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
  const s = r + z * r * (S1 + z * ps);
  const pc = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const hz = 0.5 * z;
  const v = 1.0 - hz;
  const c = v + (((1.0 - v) - hz) + z * pc);
  const q = <i32>k;
  const swap = (q & 1) != 0;
  let sn = swap ? c : s;
  let cs = swap ? s : c;
  if ((q & 2) != 0) sn = -sn;
  if (((q + 1) & 2) != 0) cs = -cs;
  cosOut = cs;
  return sn;
}

/** Lane-wise sin(x), and cos(x) into `cosOut2`; the same bits as `sinCos1` per lane. */
// @ts-ignore: decorator
@inline export function sinCos2(x: v128): v128 {
  const inRange = f64x2.le(f64x2.abs(x), f64x2.splat(REDUCE_LIMIT));
  if (!i64x2.all_true(inRange)) {
    // Rare: a huge (or non-finite) angle in a lane. Fall back lane by lane.
    const s0 = sinCos1(f64x2.extract_lane(x, 0));
    const c0 = cosOut;
    const s1 = sinCos1(f64x2.extract_lane(x, 1));
    cosOut2 = f64x2.replace_lane(f64x2.splat(c0), 1, cosOut);
    return f64x2.replace_lane(f64x2.splat(s0), 1, s1);
  }
  const magic = f64x2.splat(ROUND_MAGIC);
  const k = f64x2.sub(f64x2.add(f64x2.mul(x, f64x2.splat(INV_PIO2)), magic), magic);
  const r = f64x2.sub(
    f64x2.sub(f64x2.sub(x, f64x2.mul(k, f64x2.splat(PIO2_1))), f64x2.mul(k, f64x2.splat(PIO2_2))),
    f64x2.mul(k, f64x2.splat(PIO2_2T)),
  );
  const z = f64x2.mul(r, r);
  const w = f64x2.mul(z, z);
  const ps = f64x2.add(
    f64x2.add(f64x2.splat(S2), f64x2.mul(z, f64x2.add(f64x2.splat(S3), f64x2.mul(z, f64x2.splat(S4))))),
    f64x2.mul(f64x2.mul(z, w), f64x2.add(f64x2.splat(S5), f64x2.mul(z, f64x2.splat(S6)))),
  );
  const s = f64x2.add(r, f64x2.mul(f64x2.mul(z, r), f64x2.add(f64x2.splat(S1), f64x2.mul(z, ps))));
  const pc = f64x2.add(
    f64x2.mul(z, f64x2.add(f64x2.splat(C1), f64x2.mul(z, f64x2.add(f64x2.splat(C2), f64x2.mul(z, f64x2.splat(C3)))))),
    f64x2.mul(f64x2.mul(w, w), f64x2.add(f64x2.splat(C4), f64x2.mul(z, f64x2.add(f64x2.splat(C5), f64x2.mul(z, f64x2.splat(C6)))))),
  );
  const hz = f64x2.mul(f64x2.splat(0.5), z);
  const one = f64x2.splat(1.0);
  const v = f64x2.sub(one, hz);
  const c = f64x2.add(v, f64x2.add(f64x2.sub(f64x2.sub(one, v), hz), f64x2.mul(z, pc)));
  // Quadrant q = k mod 4 as i64 lanes: odd q swaps sin and cos; bit 1 of q
  // (of q + 1 for the cosine) becomes the sign bit.
  const q = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  const swap = i64x2.eq(v128.and(q, i64x2.splat(1)), i64x2.splat(1));
  const sinSign = i64x2.shl(v128.and(q, i64x2.splat(2)), 62);
  const cosSign = i64x2.shl(v128.and(i64x2.add(q, i64x2.splat(1)), i64x2.splat(2)), 62);
  cosOut2 = v128.xor(v128.bitselect(s, c, swap), cosSign);
  return v128.xor(v128.bitselect(c, s, swap), sinSign);
}
