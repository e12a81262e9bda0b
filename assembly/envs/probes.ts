// Array forms of the environment kernels' helpers, exported so that tests can
// compare them bit for bit with their TypeScript twins (src/envs/trig.ts and
// src/core/rng.ts). Not used on any hot path.

import { sinCos1, sinCos2, cosOut, cosOut2 } from "./trig";
import { rngUniform } from "./xoshiro";

/** s[i] = sin(x[i]), c[i] = cos(x[i]) for i in [0, n), two lanes at a time. */
export function trigSinCosSimd(x: usize, s: usize, c: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(s + o, sinCos2(v128.load(x + o)));
    v128.store(c + o, cosOut2);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(s + o, sinCos1(load<f64>(x + o)));
    store<f64>(c + o, cosOut);
  }
}

/** s[i] = sin(x[i]), c[i] = cos(x[i]) for i in [0, n), scalar twin. */
export function trigSinCosScalar(x: usize, s: usize, c: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(s + o, sinCos1(load<f64>(x + o)));
    store<f64>(c + o, cosOut);
  }
}

/** out[i] = uniform in [lo, hi) from the xoshiro128** state at rng (four u32, advanced), i in [0, n). */
export function envRngUniforms(rng: usize, out: usize, n: i32, lo: f64, hi: f64): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), rngUniform(rng, lo, hi));
}
