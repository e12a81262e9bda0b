// Acrobot-v1 stepped for n copies at once, with auto-reset. TypeScript wrapper
// and single environment (the twin of one copy): src/envs/acrobot.ts.
//
// Dynamics: Sutton & Barto's book version as in Gymnasium's acrobot.py
// (book_or_nips = "book", torque noise 0), state s = (theta1, theta2, dtheta1,
// dtheta2), torque a in {-1, 0, +1}:
//   d1 = m1 lc1^2 + m2 (l1^2 + lc2^2 + 2 l1 lc2 cos theta2) + I1 + I2
//   d2 = m2 (lc2^2 + l1 lc2 cos theta2) + I2
//   phi2 = m2 lc2 g cos(theta1 + theta2 - pi/2)
//   phi1 = -m2 l1 lc2 dtheta2^2 sin theta2 - 2 m2 l1 lc2 dtheta2 dtheta1 sin theta2
//          + (m1 lc1 + m2 l1) g cos(theta1 - pi/2) + phi2
//   ddtheta2 = (a + d2/d1 phi1 - m2 l1 lc2 dtheta1^2 sin theta2 - phi2) / (m2 lc2^2 + I2 - d2^2/d1)
//   ddtheta1 = -(d2 ddtheta2 + phi1) / d1
// integrated by one classical RK4 step of dt = 0.2 (Gymnasium's rk4 over
// t = [0, dt], keeping the last state), then theta wrapped into [-pi, pi],
// dtheta1 clipped to +-4 pi, dtheta2 to +-9 pi. Terminated when
// -cos theta1 - cos(theta2 + theta1) > 1; reward -1, 0 on termination.
// Observation (cos theta1, sin theta1, cos theta2, sin theta2, dtheta1, dtheta2).
// Initial state uniform in [-0.1, 0.1)^4 rounded to float32 (Gymnasium casts it).
//
// ABI: as assembly/envs/cartpole.ts, with 4 state dims (theta1, theta2,
// dtheta1, dtheta2), i32 actions in {0, 1, 2} and 6 observation columns.

import { sinCos1, sinCos2, cosOut, cosOut2 } from "./trig";
import { endStep, param } from "./common";
import { rngUniform } from "./xoshiro";

// params layout (src/envs/acrobot.ts writes it in this order)
// @ts-ignore: decorator
@inline const AC_DT = 0;
// @ts-ignore: decorator
@inline const AC_M1 = 1;
// @ts-ignore: decorator
@inline const AC_M2 = 2;
// @ts-ignore: decorator
@inline const AC_L1 = 3;
// @ts-ignore: decorator
@inline const AC_LC1 = 4;
// @ts-ignore: decorator
@inline const AC_LC2 = 5;
// @ts-ignore: decorator
@inline const AC_MOI = 6;
// @ts-ignore: decorator
@inline const AC_GRAVITY = 7;
// @ts-ignore: decorator
@inline const AC_MAX_VEL1 = 8;
// @ts-ignore: decorator
@inline const AC_MAX_VEL2 = 9;
// @ts-ignore: decorator
@inline const AC_RESET_LOW = 10;
// @ts-ignore: decorator
@inline const AC_RESET_HIGH = 11;

// @ts-ignore: decorator
@inline const HALF_PI: f64 = Math.PI / 2.0;

// Constant sub-expressions of the dynamics, computed once per call in the
// order Gymnasium's expressions evaluate them (src/envs/acrobot.ts does the same).
let kA: f64 = 0; // m1 lc1^2
let kB: f64 = 0; // l1^2 + lc2^2
let kC: f64 = 0; // 2 l1 lc2
let kM2: f64 = 0;
let kI: f64 = 0;
let kLc2Sq: f64 = 0; // lc2^2
let kL1Lc2: f64 = 0; // l1 lc2
let kPhi2: f64 = 0; // m2 lc2 g
let kE: f64 = 0; // -m2 l1 lc2
let kF: f64 = 0; // 2 m2 l1 lc2
let kG: f64 = 0; // (m1 lc1 + m2 l1) g
let kH: f64 = 0; // m2 l1 lc2
let kJ: f64 = 0; // m2 lc2^2 + I2

function loadConstants(params: usize): void {
  const m1 = param(params, AC_M1);
  const m2 = param(params, AC_M2);
  const l1 = param(params, AC_L1);
  const lc1 = param(params, AC_LC1);
  const lc2 = param(params, AC_LC2);
  const moi = param(params, AC_MOI);
  const g = param(params, AC_GRAVITY);
  kA = m1 * (lc1 * lc1);
  kB = l1 * l1 + lc2 * lc2;
  kC = 2.0 * l1 * lc2;
  kM2 = m2;
  kI = moi;
  kLc2Sq = lc2 * lc2;
  kL1Lc2 = l1 * lc2;
  kPhi2 = m2 * lc2 * g;
  kE = -m2 * l1 * lc2;
  kF = 2.0 * m2 * l1 * lc2;
  kG = (m1 * lc1 + m2 * l1) * g;
  kH = m2 * l1 * lc2;
  kJ = m2 * (lc2 * lc2) + moi;
}

/** Second output of `accel1` / `accel2`: ddtheta2. */
let dd2Out: f64 = 0;
let dd2Out2: v128 = f64x2.splat(0);

/** ddtheta1 (returned) and ddtheta2 (into dd2Out) at one state. */
// @ts-ignore: decorator
@inline function accel1(t1: f64, t2: f64, w1: f64, w2: f64, a: f64): f64 {
  const s2 = sinCos1(t2);
  const c2 = cosOut;
  sinCos1(t1 + t2 - HALF_PI);
  const cA = cosOut;
  sinCos1(t1 - HALF_PI);
  const cB = cosOut;
  const d1 = kA + kM2 * (kB + kC * c2) + kI + kI;
  const d2 = kM2 * (kLc2Sq + kL1Lc2 * c2) + kI;
  const phi2 = kPhi2 * cA;
  const phi1 = kE * (w2 * w2) * s2 - kF * w2 * w1 * s2 + kG * cB + phi2;
  const dd2 = (a + d2 / d1 * phi1 - kH * (w1 * w1) * s2 - phi2) / (kJ - d2 * d2 / d1);
  dd2Out = dd2;
  return -(d2 * dd2 + phi1) / d1;
}

/** accel1 on two lanes; the same bits per lane. */
// @ts-ignore: decorator
@inline function accel2(t1: v128, t2: v128, w1: v128, w2: v128, a: v128): v128 {
  const s2 = sinCos2(t2);
  const c2 = cosOut2;
  const halfPi = f64x2.splat(HALF_PI);
  sinCos2(f64x2.sub(f64x2.add(t1, t2), halfPi));
  const cA = cosOut2;
  sinCos2(f64x2.sub(t1, halfPi));
  const cB = cosOut2;
  const m2 = f64x2.splat(kM2);
  const moi = f64x2.splat(kI);
  const d1 = f64x2.add(
    f64x2.add(f64x2.add(f64x2.splat(kA), f64x2.mul(m2, f64x2.add(f64x2.splat(kB), f64x2.mul(f64x2.splat(kC), c2)))), moi),
    moi,
  );
  const d2 = f64x2.add(f64x2.mul(m2, f64x2.add(f64x2.splat(kLc2Sq), f64x2.mul(f64x2.splat(kL1Lc2), c2))), moi);
  const phi2 = f64x2.mul(f64x2.splat(kPhi2), cA);
  const phi1 = f64x2.add(
    f64x2.add(
      f64x2.sub(
        f64x2.mul(f64x2.mul(f64x2.splat(kE), f64x2.mul(w2, w2)), s2),
        f64x2.mul(f64x2.mul(f64x2.mul(f64x2.splat(kF), w2), w1), s2),
      ),
      f64x2.mul(f64x2.splat(kG), cB),
    ),
    phi2,
  );
  const num = f64x2.sub(
    f64x2.sub(f64x2.add(a, f64x2.mul(f64x2.div(d2, d1), phi1)), f64x2.mul(f64x2.mul(f64x2.splat(kH), f64x2.mul(w1, w1)), s2)),
    phi2,
  );
  const dd2 = f64x2.div(num, f64x2.sub(f64x2.splat(kJ), f64x2.div(f64x2.mul(d2, d2), d1)));
  dd2Out2 = dd2;
  return f64x2.div(f64x2.neg(f64x2.add(f64x2.mul(d2, dd2), phi1)), d1);
}

/** Gymnasium's wrap(x, -pi, pi): repeated +-2 pi (fmod first for absurd angles, so it always ends). */
// @ts-ignore: decorator
@inline function wrapPi(x: f64): f64 {
  const diff = Math.PI - -Math.PI;
  if (abs(x) > 1.0e6) x = x % diff;
  while (x > Math.PI) x = x - diff;
  while (x < -Math.PI) x = x + diff;
  return x;
}

// @ts-ignore: decorator
@inline function clip(x: f64, lo: f64, hi: f64): f64 {
  return min(max(x, lo), hi);
}

// @ts-ignore: decorator
@inline function writeObs(obs: usize, i: i32, t1: f64, t2: f64, w1: f64, w2: f64): void {
  const o = obs + <usize>i * 24;
  const s1 = sinCos1(t1);
  store<f32>(o, <f32>cosOut);
  store<f32>(o, <f32>s1, 4);
  const s2 = sinCos1(t2);
  store<f32>(o, <f32>cosOut, 8);
  store<f32>(o, <f32>s2, 12);
  store<f32>(o, <f32>w1, 16);
  store<f32>(o, <f32>w2, 20);
}

// @ts-ignore: decorator
@inline function storeState(state: usize, i: i32, n: i32, t1: f64, t2: f64, w1: f64, w2: f64): void {
  const o = state + (<usize>i << 3);
  const stride = <usize>n << 3;
  store<f64>(o, t1);
  store<f64>(o + stride, t2);
  store<f64>(o + 2 * stride, w1);
  store<f64>(o + 3 * stride, w2);
}

/** Draws copy i's state uniformly in [low, high)^4, each rounded to float32 as Gymnasium does. */
// @ts-ignore: decorator
@inline function resetCopy(i: i32, n: i32, state: usize, steps: usize, rng: usize, obs: usize, low: f64, high: f64): void {
  store<i32>(steps + (<usize>i << 2), 0);
  const g = rng + (<usize>i << 4);
  const t1 = <f64><f32>rngUniform(g, low, high);
  const t2 = <f64><f32>rngUniform(g, low, high);
  const w1 = <f64><f32>rngUniform(g, low, high);
  const w2 = <f64><f32>rngUniform(g, low, high);
  storeState(state, i, n, t1, t2, w1, w2);
  writeObs(obs, i, t1, t2, w1, w2);
}

/**
 * Wraps and clips copy i's RK4 result, stores it, then flags, reward, time
 * limit and auto-reset. Returns 1 if the copy ended.
 */
// @ts-ignore: decorator
@inline function finish(
  i: i32, n: i32, t1: f64, t2: f64, w1: f64, w2: f64,
  state: usize, steps: usize, rng: usize, params: usize, maxSteps: i32,
  obs: usize, rewards: usize, terminated: usize, truncated: usize, finalObs: usize,
): i32 {
  t1 = wrapPi(t1);
  t2 = wrapPi(t2);
  const v1 = param(params, AC_MAX_VEL1);
  const v2 = param(params, AC_MAX_VEL2);
  w1 = clip(w1, -v1, v1);
  w2 = clip(w2, -v2, v2);
  storeState(state, i, n, t1, t2, w1, w2);
  sinCos1(t1);
  const c1 = cosOut;
  sinCos1(t2 + t1);
  const term = -c1 - cosOut > 1.0;
  if (endStep(i, term ? 0.0 : -1.0, term, steps, maxSteps, rewards, terminated, truncated)) {
    writeObs(finalObs, i, t1, t2, w1, w2);
    resetCopy(i, n, state, steps, rng, obs, param(params, AC_RESET_LOW), param(params, AC_RESET_HIGH));
    return 1;
  }
  writeObs(obs, i, t1, t2, w1, w2);
  return 0;
}

// @ts-ignore: decorator
@inline function torqueOf(action: i32): f64 {
  return action == 0 ? -1.0 : action == 1 ? 0.0 : 1.0;
}

/** One RK4 step of copy i, then `finish`. */
// @ts-ignore: decorator
@inline function stepCopy(
  i: i32, n: i32, actions: usize, state: usize, steps: usize, rng: usize, params: usize, maxSteps: i32,
  obs: usize, rewards: usize, terminated: usize, truncated: usize, finalObs: usize,
): i32 {
  const dt = param(params, AC_DT);
  const dt2 = dt / 2.0;
  const dt6 = dt / 6.0;
  const stride = <usize>n << 3;
  const o = state + (<usize>i << 3);
  const t1 = load<f64>(o);
  const t2 = load<f64>(o + stride);
  const w1 = load<f64>(o + 2 * stride);
  const w2 = load<f64>(o + 3 * stride);
  const a = torqueOf(load<i32>(actions + (<usize>i << 2)));
  // k = (dtheta1, dtheta2, ddtheta1, ddtheta2) at each stage.
  const k1c = accel1(t1, t2, w1, w2, a);
  const k1d = dd2Out;
  const y2a = t1 + dt2 * w1, y2b = t2 + dt2 * w2, y2c = w1 + dt2 * k1c, y2d = w2 + dt2 * k1d;
  const k2c = accel1(y2a, y2b, y2c, y2d, a);
  const k2d = dd2Out;
  const y3a = t1 + dt2 * y2c, y3b = t2 + dt2 * y2d, y3c = w1 + dt2 * k2c, y3d = w2 + dt2 * k2d;
  const k3c = accel1(y3a, y3b, y3c, y3d, a);
  const k3d = dd2Out;
  const y4a = t1 + dt * y3c, y4b = t2 + dt * y3d, y4c = w1 + dt * k3c, y4d = w2 + dt * k3d;
  const k4c = accel1(y4a, y4b, y4c, y4d, a);
  const k4d = dd2Out;
  const n1 = t1 + dt6 * (w1 + 2.0 * y2c + 2.0 * y3c + y4c);
  const n2 = t2 + dt6 * (w2 + 2.0 * y2d + 2.0 * y3d + y4d);
  const n3 = w1 + dt6 * (k1c + 2.0 * k2c + 2.0 * k3c + k4c);
  const n4 = w2 + dt6 * (k1d + 2.0 * k2d + 2.0 * k3d + k4d);
  return finish(i, n, n1, n2, n3, n4, state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs);
}

/** Steps all n copies (ABI above), the RK4 of two copies per f64x2; returns the number that ended. */
export function acrobotStepSimd(
  n: i32, actions: usize, state: usize, steps: usize, rng: usize, params: usize, maxSteps: i32,
  obs: usize, rewards: usize, terminated: usize, truncated: usize, finalObs: usize,
): i32 {
  loadConstants(params);
  const dtS = param(params, AC_DT);
  const dt = f64x2.splat(dtS);
  const dt2 = f64x2.splat(dtS / 2.0);
  const dt6 = f64x2.splat(dtS / 6.0);
  const two = f64x2.splat(2.0);
  const stride = <usize>n << 3;
  let done = 0;
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = state + (<usize>i << 3);
    const t1 = v128.load(o);
    const t2 = v128.load(o + stride);
    const w1 = v128.load(o + 2 * stride);
    const w2 = v128.load(o + 3 * stride);
    const a = f64x2.replace_lane(
      f64x2.splat(torqueOf(load<i32>(actions + (<usize>i << 2)))),
      1,
      torqueOf(load<i32>(actions + (<usize>i << 2), 4)),
    );
    const k1c = accel2(t1, t2, w1, w2, a);
    const k1d = dd2Out2;
    const y2a = f64x2.add(t1, f64x2.mul(dt2, w1));
    const y2b = f64x2.add(t2, f64x2.mul(dt2, w2));
    const y2c = f64x2.add(w1, f64x2.mul(dt2, k1c));
    const y2d = f64x2.add(w2, f64x2.mul(dt2, k1d));
    const k2c = accel2(y2a, y2b, y2c, y2d, a);
    const k2d = dd2Out2;
    const y3a = f64x2.add(t1, f64x2.mul(dt2, y2c));
    const y3b = f64x2.add(t2, f64x2.mul(dt2, y2d));
    const y3c = f64x2.add(w1, f64x2.mul(dt2, k2c));
    const y3d = f64x2.add(w2, f64x2.mul(dt2, k2d));
    const k3c = accel2(y3a, y3b, y3c, y3d, a);
    const k3d = dd2Out2;
    const y4a = f64x2.add(t1, f64x2.mul(dt, y3c));
    const y4b = f64x2.add(t2, f64x2.mul(dt, y3d));
    const y4c = f64x2.add(w1, f64x2.mul(dt, k3c));
    const y4d = f64x2.add(w2, f64x2.mul(dt, k3d));
    const k4c = accel2(y4a, y4b, y4c, y4d, a);
    const k4d = dd2Out2;
    const n1 = f64x2.add(t1, f64x2.mul(dt6, f64x2.add(f64x2.add(f64x2.add(w1, f64x2.mul(two, y2c)), f64x2.mul(two, y3c)), y4c)));
    const n2 = f64x2.add(t2, f64x2.mul(dt6, f64x2.add(f64x2.add(f64x2.add(w2, f64x2.mul(two, y2d)), f64x2.mul(two, y3d)), y4d)));
    const n3 = f64x2.add(w1, f64x2.mul(dt6, f64x2.add(f64x2.add(f64x2.add(k1c, f64x2.mul(two, k2c)), f64x2.mul(two, k3c)), k4c)));
    const n4 = f64x2.add(w2, f64x2.mul(dt6, f64x2.add(f64x2.add(f64x2.add(k1d, f64x2.mul(two, k2d)), f64x2.mul(two, k3d)), k4d)));
    done += finish(
      i, n, f64x2.extract_lane(n1, 0), f64x2.extract_lane(n2, 0), f64x2.extract_lane(n3, 0), f64x2.extract_lane(n4, 0),
      state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs,
    );
    done += finish(
      i + 1, n, f64x2.extract_lane(n1, 1), f64x2.extract_lane(n2, 1), f64x2.extract_lane(n3, 1), f64x2.extract_lane(n4, 1),
      state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs,
    );
  }
  for (; i < n; i++) {
    done += stepCopy(i, n, actions, state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs);
  }
  return done;
}

/** Steps all n copies (ABI above) one at a time: the scalar twin of `acrobotStepSimd`. */
export function acrobotStepScalar(
  n: i32, actions: usize, state: usize, steps: usize, rng: usize, params: usize, maxSteps: i32,
  obs: usize, rewards: usize, terminated: usize, truncated: usize, finalObs: usize,
): i32 {
  loadConstants(params);
  let done = 0;
  for (let i = 0; i < n; i++) {
    done += stepCopy(i, n, actions, state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs);
  }
  return done;
}

/** Resets all n copies (uniform float32-rounded state, elapsed 0) from their generators and writes obs. */
export function acrobotReset(n: i32, state: usize, steps: usize, rng: usize, params: usize, obs: usize): void {
  const low = param(params, AC_RESET_LOW);
  const high = param(params, AC_RESET_HIGH);
  for (let i = 0; i < n; i++) {
    resetCopy(i, n, state, steps, rng, obs, low, high);
  }
}

/** Writes the observation rows of all n copies from the state. */
export function acrobotObserve(n: i32, state: usize, obs: usize): void {
  const stride = <usize>n << 3;
  for (let i = 0; i < n; i++) {
    const o = state + (<usize>i << 3);
    writeObs(obs, i, load<f64>(o), load<f64>(o + stride), load<f64>(o + 2 * stride), load<f64>(o + 3 * stride));
  }
}
