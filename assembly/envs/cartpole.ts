// CartPole-v1 stepped for n copies at once, with auto-reset. TypeScript
// wrapper and single environment (the twin of one copy): src/envs/cartpole.ts.
//
// Dynamics (Barto, Sutton & Anderson 1983; Gymnasium's cartpole.py, explicit
// Euler, tau = 0.02):
//   temp   = (F + m_p l thetaDot^2 sin theta) / (m_c + m_p)
//   thAcc  = (g sin theta - cos theta temp) / (l (4/3 - m_p cos^2 theta / (m_c + m_p)))
//   xAcc   = temp - m_p l thAcc cos theta / (m_c + m_p)
//   x += tau xDot, xDot += tau xAcc, theta += tau thetaDot, thetaDot += tau thAcc
// with F = +force for action 1 and -force for action 0. Terminated when
// |x| > 2.4 or |theta| > 12 degrees; reward 1 per step (or Sutton-Barto's
// 0 / -1). Operation order follows Gymnasium's expressions.
//
// The vectorised-environment ABI (all four environments):
//   n        copies, i in [0, n)
//   actions  i32[n] action of copy i
//   state    f64 struct of arrays: dim d of copy i at state[d*n + i] (here d < 4: x, xDot, theta, thetaDot)
//   steps    i32[n] elapsed steps of the current episode
//   rng      u32[4n] xoshiro128** state of copy i at rng[4i .. 4i+4)
//   params   f64[] constants, layout CP_* below
//   maxSteps time limit: truncated when the elapsed count reaches it
//   obs      f32[n*4] out, row i = observation of copy i after any reset
//   rewards  f64[n] out; terminated, truncated u8[n] out
//   finalObs f32[n*4] out, row i written only for a copy that ended (its last observation)
// Returns the number of copies that ended (and were reset) in this step.

import { sinCos1, sinCos2, cosOut, cosOut2 } from "./trig";
import { endStep, param } from "./common";
import { rngUniform } from "./xoshiro";

// params layout (src/envs/cartpole.ts writes it in this order)
// @ts-ignore: decorator
@inline const CP_GRAVITY = 0;
// @ts-ignore: decorator
@inline const CP_MASSCART = 1;
// @ts-ignore: decorator
@inline const CP_MASSPOLE = 2;
// @ts-ignore: decorator
@inline const CP_LENGTH = 3;
// @ts-ignore: decorator
@inline const CP_FORCE = 4;
// @ts-ignore: decorator
@inline const CP_TAU = 5;
// @ts-ignore: decorator
@inline const CP_THETA_THRESHOLD = 6;
// @ts-ignore: decorator
@inline const CP_X_THRESHOLD = 7;
// @ts-ignore: decorator
@inline const CP_RESET_LOW = 8;
// @ts-ignore: decorator
@inline const CP_RESET_HIGH = 9;
// @ts-ignore: decorator
@inline const CP_SUTTON_BARTO = 10;

// @ts-ignore: decorator
@inline function writeObs(obs: usize, i: i32, x: f64, xDot: f64, theta: f64, thetaDot: f64): void {
  const o = obs + (<usize>i << 4);
  store<f32>(o, <f32>x);
  store<f32>(o, <f32>xDot, 4);
  store<f32>(o, <f32>theta, 8);
  store<f32>(o, <f32>thetaDot, 12);
}

/** Draws copy i's state uniformly in [low, high)^4 (x, xDot, theta, thetaDot in that order); its elapsed count restarts at 0. */
// @ts-ignore: decorator
@inline function resetCopy(i: i32, n: i32, state: usize, steps: usize, rng: usize, obs: usize, low: f64, high: f64): void {
  store<i32>(steps + (<usize>i << 2), 0);
  const g = rng + (<usize>i << 4);
  const x = rngUniform(g, low, high);
  const xDot = rngUniform(g, low, high);
  const theta = rngUniform(g, low, high);
  const thetaDot = rngUniform(g, low, high);
  const o = state + (<usize>i << 3);
  const stride = <usize>n << 3;
  store<f64>(o, x);
  store<f64>(o + stride, xDot);
  store<f64>(o + 2 * stride, theta);
  store<f64>(o + 3 * stride, thetaDot);
  writeObs(obs, i, x, xDot, theta, thetaDot);
}

/**
 * Flags, reward, time limit and auto-reset of copy i whose new state
 * (already stored) is (x, xDot, theta, thetaDot). Returns 1 if it ended.
 */
// @ts-ignore: decorator
@inline function finish(
  i: i32, n: i32, x: f64, xDot: f64, theta: f64, thetaDot: f64,
  state: usize, steps: usize, rng: usize, params: usize, maxSteps: i32,
  obs: usize, rewards: usize, terminated: usize, truncated: usize, finalObs: usize,
): i32 {
  const xTh = param(params, CP_X_THRESHOLD);
  const thTh = param(params, CP_THETA_THRESHOLD);
  const term = x < -xTh || x > xTh || theta < -thTh || theta > thTh;
  const sutton = param(params, CP_SUTTON_BARTO) != 0;
  const reward = sutton ? (term ? -1.0 : 0.0) : 1.0;
  if (endStep(i, reward, term, steps, maxSteps, rewards, terminated, truncated)) {
    writeObs(finalObs, i, x, xDot, theta, thetaDot);
    resetCopy(i, n, state, steps, rng, obs, param(params, CP_RESET_LOW), param(params, CP_RESET_HIGH));
    return 1;
  }
  writeObs(obs, i, x, xDot, theta, thetaDot);
  return 0;
}

/** One Euler step of copy i, then `finish`. */
// @ts-ignore: decorator
@inline function stepCopy(
  i: i32, n: i32, actions: usize, state: usize, steps: usize, rng: usize, params: usize, maxSteps: i32,
  obs: usize, rewards: usize, terminated: usize, truncated: usize, finalObs: usize,
): i32 {
  const g = param(params, CP_GRAVITY);
  const mp = param(params, CP_MASSPOLE);
  const tm = mp + param(params, CP_MASSCART);
  const len = param(params, CP_LENGTH);
  const pml = mp * len;
  const fm = param(params, CP_FORCE);
  const tau = param(params, CP_TAU);
  const stride = <usize>n << 3;
  const o = state + (<usize>i << 3);
  let x = load<f64>(o);
  let xDot = load<f64>(o + stride);
  let theta = load<f64>(o + 2 * stride);
  let thetaDot = load<f64>(o + 3 * stride);
  const force = load<i32>(actions + (<usize>i << 2)) == 1 ? fm : -fm;
  const sin = sinCos1(theta);
  const cos = cosOut;
  const temp = (force + pml * (thetaDot * thetaDot) * sin) / tm;
  const thAcc = (g * sin - cos * temp) / (len * (4.0 / 3.0 - mp * (cos * cos) / tm));
  const xAcc = temp - pml * thAcc * cos / tm;
  x = x + tau * xDot;
  xDot = xDot + tau * xAcc;
  theta = theta + tau * thetaDot;
  thetaDot = thetaDot + tau * thAcc;
  store<f64>(o, x);
  store<f64>(o + stride, xDot);
  store<f64>(o + 2 * stride, theta);
  store<f64>(o + 3 * stride, thetaDot);
  return finish(i, n, x, xDot, theta, thetaDot, state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs);
}

/** Steps all n copies (ABI above), two copies per f64x2; returns the number that ended. */
export function cartpoleStepSimd(
  n: i32, actions: usize, state: usize, steps: usize, rng: usize, params: usize, maxSteps: i32,
  obs: usize, rewards: usize, terminated: usize, truncated: usize, finalObs: usize,
): i32 {
  const g = f64x2.splat(param(params, CP_GRAVITY));
  const mpS = param(params, CP_MASSPOLE);
  const mp = f64x2.splat(mpS);
  const tm = f64x2.splat(mpS + param(params, CP_MASSCART));
  const lenS = param(params, CP_LENGTH);
  const len = f64x2.splat(lenS);
  const pml = f64x2.splat(mpS * lenS);
  const fmS = param(params, CP_FORCE);
  const fm = f64x2.splat(fmS);
  const negFm = f64x2.splat(-fmS);
  const tau = f64x2.splat(param(params, CP_TAU));
  const fourThirds = f64x2.splat(4.0 / 3.0);
  const one = i64x2.splat(1);
  const stride = <usize>n << 3;
  let done = 0;
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = state + (<usize>i << 3);
    const x = v128.load(o);
    const xDot = v128.load(o + stride);
    const theta = v128.load(o + 2 * stride);
    const thetaDot = v128.load(o + 3 * stride);
    const a = i64x2.extend_low_i32x4_s(v128.load64_zero(actions + (<usize>i << 2)));
    const force = v128.bitselect(fm, negFm, i64x2.eq(a, one));
    const sin = sinCos2(theta);
    const cos = cosOut2;
    const temp = f64x2.div(f64x2.add(force, f64x2.mul(f64x2.mul(pml, f64x2.mul(thetaDot, thetaDot)), sin)), tm);
    const thAcc = f64x2.div(
      f64x2.sub(f64x2.mul(g, sin), f64x2.mul(cos, temp)),
      f64x2.mul(len, f64x2.sub(fourThirds, f64x2.div(f64x2.mul(mp, f64x2.mul(cos, cos)), tm))),
    );
    const xAcc = f64x2.sub(temp, f64x2.div(f64x2.mul(f64x2.mul(pml, thAcc), cos), tm));
    const x1 = f64x2.add(x, f64x2.mul(tau, xDot));
    const xDot1 = f64x2.add(xDot, f64x2.mul(tau, xAcc));
    const theta1 = f64x2.add(theta, f64x2.mul(tau, thetaDot));
    const thetaDot1 = f64x2.add(thetaDot, f64x2.mul(tau, thAcc));
    v128.store(o, x1);
    v128.store(o + stride, xDot1);
    v128.store(o + 2 * stride, theta1);
    v128.store(o + 3 * stride, thetaDot1);
    done += finish(
      i, n,
      f64x2.extract_lane(x1, 0), f64x2.extract_lane(xDot1, 0),
      f64x2.extract_lane(theta1, 0), f64x2.extract_lane(thetaDot1, 0),
      state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs,
    );
    done += finish(
      i + 1, n,
      f64x2.extract_lane(x1, 1), f64x2.extract_lane(xDot1, 1),
      f64x2.extract_lane(theta1, 1), f64x2.extract_lane(thetaDot1, 1),
      state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs,
    );
  }
  for (; i < n; i++) {
    done += stepCopy(i, n, actions, state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs);
  }
  return done;
}

/** Steps all n copies (ABI above) one at a time: the scalar twin of `cartpoleStepSimd`. */
export function cartpoleStepScalar(
  n: i32, actions: usize, state: usize, steps: usize, rng: usize, params: usize, maxSteps: i32,
  obs: usize, rewards: usize, terminated: usize, truncated: usize, finalObs: usize,
): i32 {
  let done = 0;
  for (let i = 0; i < n; i++) {
    done += stepCopy(i, n, actions, state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs);
  }
  return done;
}

/** Resets all n copies (uniform state, elapsed 0) from their generators and writes obs. */
export function cartpoleReset(n: i32, state: usize, steps: usize, rng: usize, params: usize, obs: usize): void {
  const low = param(params, CP_RESET_LOW);
  const high = param(params, CP_RESET_HIGH);
  for (let i = 0; i < n; i++) {
    resetCopy(i, n, state, steps, rng, obs, low, high);
  }
}

/** Writes the observation rows of all n copies from the state (after a state is set from outside). */
export function cartpoleObserve(n: i32, state: usize, obs: usize): void {
  const stride = <usize>n << 3;
  for (let i = 0; i < n; i++) {
    const o = state + (<usize>i << 3);
    writeObs(obs, i, load<f64>(o), load<f64>(o + stride), load<f64>(o + 2 * stride), load<f64>(o + 3 * stride));
  }
}
