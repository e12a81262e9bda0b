/** The lengths at which every SIMD kernel is compared with its scalar and TypeScript twins. */
export const PARITY_LENGTHS: readonly number[] = [
  0, 1, 2, 3, 4, 5, 15, 16, 17,
  ...Array.from({ length: 113 }, (_, i) => 18 + i), // the walk 18..130
];

/** A small deterministic generator for test data (mulberry32). */
export function testRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n values uniform in [lo, hi). */
export function randomArray(rng: () => number, n: number, lo = -1, hi = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rng();
  return out;
}
