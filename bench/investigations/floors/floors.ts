// Lower bounds for the per-state kernels that miss 6x their TypeScript twins
// (bench/investigations/floors/run.js compiles this file on its own; it is not part of the
// library). Each loop does strictly less work than the kernel it bounds, so
// its time is a floor for any kernel of that kind under this engine:
//   floorPoly / floorEstrin: a deliberately inaccurate "log" (exponent split
//     and a degree-8 polynomial in m - 1, no table, no error compensation);
//   floorPolyTable: the same plus the two per-lane table reads a table log needs;
//   floorTrl: the TRL dual's three Halley evaluations at A = 4 on transposed
//     input, without setup, bracket, convergence test or output rows;
//   floorCopy: load and store only (the memory floor).
// Splatted constants: 1, ln 2, then Taylor-like coefficients (accuracy is not the point).
const C = memory.data<f64>([
  1.0, 1.0, 0.6931471805599453, 0.6931471805599453, -0.5, -0.5, 0.3333333, 0.3333333,
  -0.25, -0.25, 0.2, 0.2, -0.1666, -0.1666, 0.142857, 0.142857, -0.125, -0.125,
], 16);
// The bits of 1.0 and the mantissa mask.
const I = memory.data<u64>([0x3ff0000000000000, 0x3ff0000000000000, 0x000fffffffffffff, 0x000fffffffffffff], 16);
// @ts-ignore: decorator
@inline function c(i: i32): v128 { return v128.load(C + (<usize>i << 4)); }
// @ts-ignore: decorator
@inline function ci(i: i32): v128 { return v128.load(I + (<usize>i << 4)); }

/** The biased exponent of each lane as a double (no bias removed: a floor, not a log). */
// @ts-ignore: decorator
@inline function exponentOf(v: v128): v128 {
  const k = i32x4.shr_s(v, 20);
  return f64x2.convert_low_i32x4_s(v128.shuffle<i32>(k, k, 1, 3, 1, 3));
}

/** The mantissa of each lane as a double in [1, 2). */
// @ts-ignore: decorator
@inline function mantissaOf(v: v128): v128 {
  return v128.or(v128.and(v, ci(1)), ci(0));
}

/** Exponent split + a degree-8 polynomial in f = m - 1 (m in [1, 2)) by Horner: ~25 vector ops per pair, NOT an accurate log. */
export function floorPoly(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i += 2) {
    const off = <usize>i << 3;
    const v = v128.load(x + off);
    const kd = exponentOf(v);
    const m = mantissaOf(v);
    const f = f64x2.sub(m, c(0));
    let p = c(8);
    p = f64x2.add(f64x2.mul(p, f), c(7));
    p = f64x2.add(f64x2.mul(p, f), c(6));
    p = f64x2.add(f64x2.mul(p, f), c(5));
    p = f64x2.add(f64x2.mul(p, f), c(4));
    p = f64x2.add(f64x2.mul(p, f), c(3));
    p = f64x2.add(f64x2.mul(p, f), c(2));
    p = f64x2.add(f64x2.mul(p, f), c(0));
    v128.store(out + off, f64x2.add(f64x2.mul(kd, c(1)), f64x2.mul(p, f)));
  }
}

/** The same plus the two per-lane table reads a table log needs (no gather): extract, shift, load x2. */
export function floorPolyTable(x: usize, out: usize, n: i32, table: usize): void {
  for (let i = 0; i < n; i += 2) {
    const off = <usize>i << 3;
    const v = v128.load(x + off);
    const r0 = v128.load(table + (<usize>((i32x4.extract_lane(v, 1) >>> 13) & 127) << 4));
    const r1 = v128.load(table + (<usize>((i32x4.extract_lane(v, 3) >>> 13) & 127) << 4));
    const invc = v128.shuffle<u64>(r0, r1, 0, 2);
    const logc = v128.shuffle<u64>(r0, r1, 1, 3);
    const kd = exponentOf(v);
    const m = mantissaOf(v);
    const f = f64x2.sub(f64x2.mul(m, invc), c(0));
    let p = c(6);
    p = f64x2.add(f64x2.mul(p, f), c(5));
    p = f64x2.add(f64x2.mul(p, f), c(4));
    p = f64x2.add(f64x2.mul(p, f), c(3));
    p = f64x2.add(f64x2.mul(p, f), c(2));
    p = f64x2.add(f64x2.mul(p, f), c(0));
    v128.store(out + off, f64x2.add(f64x2.add(f64x2.mul(kd, c(1)), logc), f64x2.mul(p, f)));
  }
}

/** Copy: load + store only (the memory floor). */
export function floorCopy(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i += 2) {
    const off = <usize>i << 3;
    v128.store(out + off, v128.load(x + off));
  }
}

/** floorPoly with Estrin's scheme (shorter dependency chains, one more multiply). */
export function floorEstrin(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i += 2) {
    const off = <usize>i << 3;
    const v = v128.load(x + off);
    const kd = exponentOf(v);
    const m = mantissaOf(v);
    const f = f64x2.sub(m, c(0));
    const f2 = f64x2.mul(f, f);
    const f4 = f64x2.mul(f2, f2);
    const a = f64x2.add(c(0), f64x2.mul(f, c(2)));
    const b = f64x2.add(c(3), f64x2.mul(f, c(4)));
    const cc = f64x2.add(c(5), f64x2.mul(f, c(6)));
    const d = f64x2.add(c(7), f64x2.mul(f, c(8)));
    const p = f64x2.add(f64x2.add(a, f64x2.mul(f2, b)), f64x2.mul(f4, f64x2.add(cc, f64x2.mul(f2, d))));
    v128.store(out + off, f64x2.add(f64x2.mul(kd, c(1)), f64x2.mul(p, f)));
  }
}

/**
 * The TRL dual's bare arithmetic for pairs of states at A = 4 (input already
 * transposed: per pair 4 vectors d, 4 vectors c pi, one t0): three Halley
 * evaluations, no bracket, no convergence test, no setup, no output rows.
 */
export function floorTrl(rows: usize, t0: usize, out: usize, pairs: i32): void {
  const one = c(0);
  for (let i = 0; i < pairs; i++) {
    const r = rows + (<usize>i << 7);
    let t = v128.load(t0 + (<usize>i << 4));
    for (let step = 0; step < 3; step++) {
      const i0 = f64x2.div(one, f64x2.add(t, v128.load(r)));
      const i1 = f64x2.div(one, f64x2.add(t, v128.load(r, 16)));
      const i2 = f64x2.div(one, f64x2.add(t, v128.load(r, 32)));
      const i3 = f64x2.div(one, f64x2.add(t, v128.load(r, 48)));
      const e0 = f64x2.mul(v128.load(r, 64), i0);
      const e1 = f64x2.mul(v128.load(r, 80), i1);
      const e2 = f64x2.mul(v128.load(r, 96), i2);
      const e3 = f64x2.mul(v128.load(r, 112), i3);
      const u0 = f64x2.mul(e0, i0);
      const u1 = f64x2.mul(e1, i1);
      const u2 = f64x2.mul(e2, i2);
      const u3 = f64x2.mul(e3, i3);
      const g = f64x2.add(f64x2.add(e0, e1), f64x2.add(e2, e3));
      const s1 = f64x2.add(f64x2.add(u0, u1), f64x2.add(u2, u3));
      const s2 = f64x2.add(f64x2.add(f64x2.mul(u0, i0), f64x2.mul(u1, i1)), f64x2.add(f64x2.mul(u2, i2), f64x2.mul(u3, i3)));
      const f = f64x2.sub(g, one);
      t = f64x2.add(t, f64x2.div(f64x2.mul(f, s1), f64x2.sub(f64x2.mul(s1, s1), f64x2.mul(f, s2))));
    }
    v128.store(out + (<usize>i << 4), t);
  }
}
