/**
 * Reference exp, log and phi(r) = r - 1 - log r computed exactly enough
 * (BigInt, 256 bits after the point), and the error of a double against such a
 * value in units of its last place: the yardstick of the mirror math tests
 * (Math.exp and Math.log are themselves only within an ulp).
 */

/** m 2^e, exactly. */
export interface Exact {
  m: bigint;
  e: number;
}

const P = 256;
const ONE = 1n << BigInt(P);

/** The exact value of a finite double. */
export function exactOf(d: number): Exact {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const b = view.getBigUint64(0);
  const field = Number((b >> 52n) & 0x7ffn);
  const frac = b & 0xfffffffffffffn;
  const m = field === 0 ? frac : frac | (1n << 52n);
  return { m: b >> 63n ? -m : m, e: Math.max(field, 1) - 1075 };
}

/** x as a fixed-point number (P bits after the point), truncated. */
function fixed(x: Exact): bigint {
  const s = BigInt(x.e + P);
  return s >= 0n ? x.m << s : x.m / (1n << -s);
}

/** log of a fixed-point x in [1/2, 2] by 2 atanh((x - 1) / (x + 1)). */
function logNear1(x: bigint): bigint {
  const neg = x < ONE;
  const v = ((neg ? ONE - x : x - ONE) << BigInt(P)) / (x + ONE);
  const v2 = (v * v) >> BigInt(P);
  let term = v;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k;
    term = (term * v2) >> BigInt(P);
  }
  return neg ? -2n * sum : 2n * sum;
}

const LN2 = logNear1(2n * ONE);

/** log x for a positive finite double x. */
export function logExact(x: number): Exact {
  const { m, e } = exactOf(x);
  // x = m 2^e; write m = f 2^j with f in [3/4, 3/2) as a fixed-point number.
  let j = m.toString(2).length - 1;
  let f = (m << BigInt(P)) >> BigInt(j);
  if (f >= (ONE * 3n) / 2n) {
    f >>= 1n;
    j++;
  }
  return { m: BigInt(e + j) * LN2 + logNear1(f), e: -P };
}

/** e^x for a finite double x. */
export function expExact(x: number): Exact {
  const X = fixed(exactOf(x));
  let k = X / LN2;
  let r = X - k * LN2;
  if (r < -LN2 / 2n) {
    k -= 1n;
    r += LN2;
  } else if (r > LN2 / 2n) {
    k += 1n;
    r -= LN2;
  }
  let term = ONE;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n++) {
    sum += term;
    term = (term * r) / (ONE * n);
  }
  return { m: sum, e: Number(k) - P };
}

/** phi(r) = r - 1 - log r for a positive finite double r. */
export function phiExact(r: number): Exact {
  return { m: fixed(exactOf(r)) - ONE - logExact(r).m, e: -P };
}

/**
 * |y - exact| in units of the last place of exact's binade (2^(k-52) for
 * 2^k <= |exact| < 2^(k+1); 2^-1074 below 2^-1022).
 */
export function ulpError(y: number, exact: Exact): number {
  const Y = exactOf(y);
  const e = Math.min(Y.e, exact.e);
  const diff = (Y.m << BigInt(Y.e - e)) - (exact.m << BigInt(exact.e - e));
  const a = exact.m < 0n ? -exact.m : exact.m;
  const k = a === 0n ? -1074 : Math.max(a.toString(2).length - 1 + exact.e, -1022);
  const shift = k - 52 - e; // ulp = 2^(k - 52) = 2^shift units of 2^e
  const abs = diff < 0n ? -diff : diff;
  if (shift <= 0) return Number(abs << BigInt(-shift));
  return Number((abs * 1000000n) >> BigInt(shift)) / 1e6;
}
