#!/usr/bin/env node
// Generates assembly/mirror/math-tables.ts: the lookup tables of the f64 exp,
// log and phi(r) = r - 1 - log r in assembly/mirror/math.ts. Exact arithmetic on
// BigInt fixed-point numbers (P fractional bits), each value rounded once to the
// nearest double, so the tables are reproducible on any machine:
//   node scripts/mirror-math-tables.mjs > assembly/mirror/math-tables.ts
// Scheme: Tang, "Table-driven implementation of the exponential function in
// IEEE floating-point arithmetic" (ACM TOMS 15, 1989) and "... of the logarithm
// function" (ACM TOMS 16, 1990); the log table's 1/c are short numbers chosen
// so that log c rounds almost exactly (the trick of Arm's optimized-routines).

const P = 320n; // fractional bits of the fixed-point numbers
const ONE = 1n << P;

/** floor(sqrt(n)) of a non-negative BigInt. */
function isqrt(n) {
  if (n < 2n) return n;
  let x = 1n << BigInt((n.toString(2).length + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** log(x) for a fixed-point x in [1/2, 2]: 2 atanh(v), v = (x - 1) / (x + 1). */
function logFixed(x) {
  const neg = x < ONE;
  const v = (((neg ? ONE - x : x - ONE) << P) / (x + ONE));
  const v2 = (v * v) >> P;
  let term = v;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k;
    term = (term * v2) >> P;
  }
  return neg ? -2n * sum : 2n * sum;
}

const bitsOf = (d) => {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, d);
  return b.getBigUint64(0);
};

/** The double nearest to the fixed-point value x (ties to even); normal range only. */
function toDouble(x) {
  if (x === 0n) return 0;
  const neg = x < 0n;
  let m = neg ? -x : x;
  const len = BigInt(m.toString(2).length);
  let shift = len - 53n; // keep 53 significant bits
  let q = m >> shift;
  const rem = m - (q << shift);
  const half = 1n << (shift - 1n);
  if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  const d = Number(q) * 2 ** Number(shift - P);
  return neg ? -d : d;
}

/** The exact fixed-point value of a double. */
function fromDouble(d) {
  const b = bitsOf(d);
  const e = Number((b >> 52n) & 0x7ffn) - 1075;
  const m = (b & 0xfffffffffffffn) | (1n << 52n);
  const v = e + Number(P) >= 0 ? m << BigInt(e + Number(P)) : m >> BigInt(-(e + Number(P)));
  return b >> 63n ? -v : v;
}

/** |x - double(x)| in units of the double's last place. */
function roundingUlps(x, d) {
  if (d === 0) return 0;
  const e = Math.floor(Math.log2(Math.abs(d)));
  const ulp = fromDouble(2 ** (e - 52));
  const err = x - fromDouble(d);
  return Number(((err < 0n ? -err : err) * 1000000n) / ulp) / 1e6;
}

const hex = (d) => `0x${bitsOf(d).toString(16).padStart(16, "0")}`;
const hexBits = (b) => `0x${BigInt.asUintN(64, b).toString(16).padStart(16, "0")}`;

// exp: 2^(j/128) = hi (1 + tail), stored as [tail, bits(hi) - (j << 45)] so that
// adding (round(x 128/ln2) << 45) to the second word gives 2^(k/128) directly.
const EXP_N = 128;
const root = (() => {
  let r = 2n * ONE; // 2^(1/128) by seven square roots
  for (let i = 0; i < 7; i++) r = isqrt(r << P);
  return r;
})();
const exp = [];
let pow = ONE;
for (let j = 0; j < EXP_N; j++) {
  const hi = toDouble(pow);
  const tail = toDouble(((pow - fromDouble(hi)) << P) / fromDouble(hi));
  exp.push(hex(tail), hexBits(bitsOf(hi) - (BigInt(j) << 45n)));
  pow = (pow * root) >> P;
}

// log: x = 2^k z with z in [OFF, 2 OFF), OFF = bits 0x3fe5f00000000000 (0.68359375),
// split into 128 intervals of equal width in the bit pattern; interval 80 is
// centred on 1. z c^-1 = 1 + t with invc = c^-1 a multiple of 2^-20 (so z_hi invc
// is exact for z_hi of 32 bits), log z = -log(invc) + log1p(t).
const LOG_N = 128;
const OFF = 0x3fe5f00000000000n;
const dbl = (b) => new Float64Array(new BigUint64Array([b]).buffer)[0];

/** Entries for one table: near = indices where invc = 1 (t = z - 1 exactly). */
function logEntries(near, withPhi) {
  const rows = [];
  let worst = 0;
  for (let i = 0; i < LOG_N; i++) {
    if (near.includes(i)) {
      rows.push(withPhi ? [1, 0, 0, 0] : [1, 0]);
      continue;
    }
    const c = dbl(OFF + BigInt(i) * (1n << 45n) + (1n << 44n));
    const centre = Math.round(2 ** 20 / c);
    let best;
    for (let m = -64; m <= 64; m++) {
      const invcFixed = BigInt(centre + m) << (P - 20n);
      const invc = (centre + m) / 2 ** 20;
      const logc = -logFixed(invcFixed);
      const C = (ONE << P) / invcFixed; // 1 / invc
      const cm1 = C - ONE;
      const phic = cm1 - logc; // C - 1 - log C
      const vals = [invc, toDouble(logc)];
      let score = roundingUlps(logc, vals[1]);
      if (withPhi) {
        vals.push(toDouble(cm1), toDouble(phic));
        score = Math.max(score, roundingUlps(cm1, vals[2]), roundingUlps(phic, vals[3]));
      }
      if (!best || score < best.score) best = { score, vals };
    }
    worst = Math.max(worst, best.score);
    rows.push(best.vals);
  }
  return { rows, worst };
}

const log = logEntries([80], false);
const phi = logEntries([79, 80, 81], true);

const chunk = (words, per) => {
  const lines = [];
  for (let i = 0; i < words.length; i += per) lines.push(`  ${words.slice(i, i + per).join(", ")},`);
  return lines.join("\n");
};
process.stdout.write(`// GENERATED by scripts/mirror-math-tables.mjs: do not edit by hand.
// Lookup tables of the f64 exp, log and phi in assembly/mirror/math.ts (static
// data, 16-byte aligned; rows are read with v128 loads).

/**
 * exp: row j (16 bytes) = [tail_j, bits(2^(j/128)) - (j << 45)] with
 * 2^(j/128) = hi_j (1 + tail_j), hi_j the nearest double.
 */
export const EXP_TABLE = memory.data<u64>([
${chunk(exp, 4)}
], 16);

/**
 * log: row i (16 bytes) = [invc_i, logc_i] for the i-th of 128 intervals of
 * z in [0.68359375, 1.3671875) (equal widths in the bit pattern; interval 80 is
 * centred on 1 and has invc = 1). invc is a multiple of 2^-20 near the inverse
 * of the interval's centre, logc = -log(invc) rounded (worst rounding
 * ${log.worst.toFixed(4)} ulp).
 */
export const LOG_TABLE = memory.data<u64>([
${chunk(log.rows.map((r) => r.map(hex).join(", ")), 2)}
], 16);

/**
 * phi: row i (32 bytes) = [invc_i, logc_i, C_i - 1, C_i - 1 - log C_i], C_i = 1 / invc_i,
 * same intervals; 79, 80 and 81 (z in [1 - 3 2^-9, 1 + 3 2^-8)) have C = 1.
 * Worst rounding of the three derived values: ${phi.worst.toFixed(4)} ulp.
 */
export const PHI_TABLE = memory.data<u64>([
${chunk(phi.rows.map((r) => r.map(hex).join(", ")), 1)}
], 16);
`);
