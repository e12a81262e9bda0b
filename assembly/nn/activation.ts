// Elementwise activations over f32 arrays of n values, forward and backward.
// Backward kernels take the forward output y (not the input): tanh' = 1 - y^2
// and relu' = [y > 0], so a layer keeps only its activations. Every kernel may
// run in place (output pointer equal to an input pointer).

import { K_ONE, tanhArrayF32, tanhF32, vk } from "./mathf32";

/** y = tanh(x) (within 3.3e-7 relative; see mathf32.ts). */
export function nnTanhForwardSimd(x: usize, y: usize, n: i32): void {
  tanhArrayF32(x, y, n);
}

/** y = tanh(x), scalar twin. */
export function nnTanhForwardScalar(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, tanhF32(load<f32>(x + o)));
  }
}

/** dx = dy (1 - y^2), y = tanh(x). */
export function nnTanhBackwardSimd(y: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const t = v128.load(y + o);
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), f32x4.sub(vk(K_ONE), f32x4.mul(t, t))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const t = load<f32>(y + o);
    store<f32>(dx + o, load<f32>(dy + o) * (<f32>1 - t * t));
  }
}

/** dx = dy (1 - y^2), scalar twin. */
export function nnTanhBackwardScalar(y: usize, dy: usize, dx: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const t = load<f32>(y + o);
    store<f32>(dx + o, load<f32>(dy + o) * (<f32>1 - t * t));
  }
}

/** y = max(x, 0) (NaN propagates, -0 maps to 0). */
export function nnReluForwardSimd(x: usize, y: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    // 0 where x <= 0, else x: NaN propagates and -0 becomes 0, as in the scalar twin.
    v128.store(y + o, v128.bitselect(zero, v, f32x4.le(v, zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(y + o, v <= 0 ? <f32>0 : v);
  }
}

/** y = max(x, 0), scalar twin. */
export function nnReluForwardScalar(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(y + o, v <= 0 ? <f32>0 : v);
  }
}

/** dx = dy [y > 0], y = relu(x). */
export function nnReluBackwardSimd(y: usize, dy: usize, dx: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(y + o) > 0 ? load<f32>(dy + o) : <f32>0);
  }
}

/** dx = dy [y > 0], scalar twin. */
export function nnReluBackwardScalar(y: usize, dy: usize, dx: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(y + o) > 0 ? load<f32>(dy + o) : <f32>0);
  }
}
