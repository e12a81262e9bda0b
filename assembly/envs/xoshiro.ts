// xoshiro128** (Blackman & Vigna, 2018) inside kernels: the same generator and
// the same uniform draw as src/core/rng.ts, so that an environment copy
// reset inside a kernel draws the bits a TypeScript environment would draw
// from `new Rng(seed)`. The state of one generator is four u32 at p
// (as `Rng.getState()`). Imported by the environment kernels only.

/** The next 32-bit output of the xoshiro128** state at p (four u32), as src/core/rng.ts. */
// @ts-ignore: decorator
@inline export function rngNext(p: usize): u32 {
  let s0 = load<u32>(p);
  let s1 = load<u32>(p, 4);
  let s2 = load<u32>(p, 8);
  let s3 = load<u32>(p, 12);
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  store<u32>(p, s0);
  store<u32>(p, s1, 4);
  store<u32>(p, s2, 8);
  store<u32>(p, s3, 12);
  return result;
}

/** Uniform in [lo, hi) from the generator at p: the same bits as `Rng.uniform(lo, hi)`. */
// @ts-ignore: decorator
@inline export function rngUniform(p: usize, lo: f64, hi: f64): f64 {
  const a = rngNext(p) >>> 5;
  const b = rngNext(p) >>> 6;
  return lo + (hi - lo) * ((<f64>a * 67108864.0 + <f64>b) / 9007199254740992.0);
}
