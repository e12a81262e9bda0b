/**
 * Deterministic sine and cosine shared by the TypeScript environments and the
 * WebAssembly environment kernels (assembly/envs/trig.ts, the same operation
 * sequence), so that one environment stepped here and its copy stepped in a
 * vectorised kernel stay bit-identical. `Math.sin` is not used because engines
 * and WebAssembly's libm may differ in the last bit.
 *
 * Method: fdlibm's scheme. k = round(x 2/pi) (ties to even, via 1.5 * 2^52),
 * r = x - k pi/2 with pi/2 in three parts (Cody-Waite), then fdlibm's minimax
 * polynomials for sin and cos on |r| <= pi/4 and the quadrant k mod 4. About
 * 1 ulp for |x| <= 1e6; larger angles fall back to `Math.sin` / `Math.cos`
 * (and may then differ from the kernels in the last bit).
 */

const REDUCE_LIMIT = 1.0e6;
const ROUND_MAGIC = 6755399441055744.0; // 1.5 * 2^52
const INV_PIO2 = 6.36619772367581382433e-1;
const PIO2_1 = 1.57079632673412561417e0; // first 33 bits of pi/2
const PIO2_2 = 6.0771005063039659766e-11; // next 33 bits
const PIO2_2T = 2.02226624879595063154e-21; // pi/2 - PIO2_1 - PIO2_2

const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;
const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.0875723212981748279e-9;
const C6 = -1.13596475577881948265e-11;

/** sin(r) for |r| <= pi/4 (fdlibm's kernel polynomial). */
function kernelSin(r: number, z: number, w: number): number {
  const ps = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
  return r + z * r * (S1 + z * ps);
}

/** cos(r) for |r| <= pi/4, z = r^2 (fdlibm's kernel polynomial, 1 - z/2 split for accuracy). */
function kernelCos(z: number, w: number): number {
  const pc = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const hz = 0.5 * z;
  const v = 1.0 - hz;
  return v + (((1.0 - v) - hz) + z * pc);
}

/** sin(x), bit-identical with the environment kernels. */
export function sin(x: number): number {
  if (!(Math.abs(x) <= REDUCE_LIMIT)) return Math.sin(x);
  const k = x * INV_PIO2 + ROUND_MAGIC - ROUND_MAGIC;
  const r = x - k * PIO2_1 - k * PIO2_2 - k * PIO2_2T;
  const z = r * r;
  const w = z * z;
  const q = k | 0;
  const v = (q & 1) !== 0 ? kernelCos(z, w) : kernelSin(r, z, w);
  return (q & 2) !== 0 ? -v : v;
}

/** cos(x), bit-identical with the environment kernels. */
export function cos(x: number): number {
  if (!(Math.abs(x) <= REDUCE_LIMIT)) return Math.cos(x);
  const k = x * INV_PIO2 + ROUND_MAGIC - ROUND_MAGIC;
  const r = x - k * PIO2_1 - k * PIO2_2 - k * PIO2_2T;
  const z = r * r;
  const w = z * z;
  const q = k | 0;
  const v = (q & 1) !== 0 ? kernelSin(r, z, w) : kernelCos(z, w);
  return ((q + 1) & 2) !== 0 ? -v : v;
}
