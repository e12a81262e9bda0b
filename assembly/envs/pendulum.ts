// Pendulum-v1 stepped for n copies at once, with auto-reset. TypeScript
// wrapper and single environment (the twin of one copy): src/envs/pendulum.ts.
//
// Dynamics (Gymnasium's pendulum.py, in its update order), torque
// u = clip(action, -2, 2):
//   cost      = angle_normalize(theta)^2 + 0.1 thetaDot^2 + 0.001 u^2      (reward = -cost)
//   thetaDot' = clip(thetaDot + (3 g / (2 l) sin theta + 3 / (m l^2) u) dt, -8, 8)
//   theta'    = theta + thetaDot' dt
// with angle_normalize(x) = ((x + pi) mod 2 pi) - pi (Python's floored mod),
// g 10, m 1, l 1, dt 0.05. Never terminates (time limit only). Initial
// theta uniform in [-pi, pi), thetaDot in [-1, 1) (reset options x_init, y_init).
// Observation (cos theta, sin theta, thetaDot).
//
// ABI: as assembly/envs/cartpole.ts, with 2 state dims (theta, thetaDot),
// f64 actions (one torque per copy) and 3 observation columns.

import { sinCos1, sinCos2, cosOut, cosOut2 } from "./trig";
import { endStep, param } from "./common";
import { rngUniform } from "./xoshiro";

// params layout (src/envs/pendulum.ts writes it in this order)
// @ts-ignore: decorator
@inline const PD_MAX_SPEED = 0;
// @ts-ignore: decorator
@inline const PD_MAX_TORQUE = 1;
// @ts-ignore: decorator
@inline const PD_DT = 2;
// @ts-ignore: decorator
@inline const PD_G = 3;
// @ts-ignore: decorator
@inline const PD_M = 4;
// @ts-ignore: decorator
@inline const PD_L = 5;
// @ts-ignore: decorator
@inline const PD_RESET_X = 6;
// @ts-ignore: decorator
@inline const PD_RESET_Y = 7;

/** ((x + pi) mod 2 pi) - pi with Python's float mod (result sign of the divisor). */
// @ts-ignore: decorator
@inline function angleNormalize(x: f64): f64 {
  const twoPi = 2.0 * Math.PI;
  let r = (x + Math.PI) % twoPi;
  if (r < 0) r += twoPi;
  else if (r == 0) r = 0.0;
  return r - Math.PI;
}

// @ts-ignore: decorator
@inline function writeObs(obs: usize, i: i32, theta: f64, thetaDot: f64): void {
  const o = obs + <usize>i * 12;
  const s = sinCos1(theta);
  store<f32>(o, <f32>cosOut);
  store<f32>(o, <f32>s, 4);
  store<f32>(o, <f32>thetaDot, 8);
}

// @ts-ignore: decorator
@inline function resetCopy(i: i32, n: i32, state: usize, steps: usize, rng: usize, obs: usize, hx: f64, hy: f64): void {
  store<i32>(steps + (<usize>i << 2), 0);
  const g = rng + (<usize>i << 4);
  const theta = rngUniform(g, -hx, hx);
  const thetaDot = rngUniform(g, -hy, hy);
  const o = state + (<usize>i << 3);
  store<f64>(o, theta);
  store<f64>(o + (<usize>n << 3), thetaDot);
  writeObs(obs, i, theta, thetaDot);
}

/**
 * Cost of (theta, thetaDot, u), store of the new state, reward, time limit
 * and auto-reset of copy i. Returns 1 if the copy ended.
 */
// @ts-ignore: decorator
@inline function finish(
  i: i32, n: i32, theta: f64, thetaDot: f64, u: f64, newTheta: f64, newThetaDot: f64,
  state: usize, steps: usize, rng: usize, params: usize, maxSteps: i32,
  obs: usize, rewards: usize, terminated: usize, truncated: usize, finalObs: usize,
): i32 {
  const an = angleNormalize(theta);
  const cost = an * an + 0.1 * (thetaDot * thetaDot) + 0.001 * (u * u);
  const o = state + (<usize>i << 3);
  store<f64>(o, newTheta);
  store<f64>(o + (<usize>n << 3), newThetaDot);
  if (endStep(i, -cost, false, steps, maxSteps, rewards, terminated, truncated)) {
    writeObs(finalObs, i, newTheta, newThetaDot);
    resetCopy(i, n, state, steps, rng, obs, param(params, PD_RESET_X), param(params, PD_RESET_Y));
    return 1;
  }
  writeObs(obs, i, newTheta, newThetaDot);
  return 0;
}

// @ts-ignore: decorator
@inline function stepCopy(
  i: i32, n: i32, actions: usize, state: usize, steps: usize, rng: usize, params: usize, maxSteps: i32,
  obs: usize, rewards: usize, terminated: usize, truncated: usize, finalObs: usize,
): i32 {
  const maxSpeed = param(params, PD_MAX_SPEED);
  const maxTorque = param(params, PD_MAX_TORQUE);
  const dt = param(params, PD_DT);
  const g = param(params, PD_G);
  const m = param(params, PD_M);
  const l = param(params, PD_L);
  const o = state + (<usize>i << 3);
  const theta = load<f64>(o);
  const thetaDot = load<f64>(o + (<usize>n << 3));
  const u = min(max(load<f64>(actions + (<usize>i << 3)), -maxTorque), maxTorque);
  const s = sinCos1(theta);
  let newThetaDot = thetaDot + (3.0 * g / (2.0 * l) * s + 3.0 / (m * (l * l)) * u) * dt;
  newThetaDot = min(max(newThetaDot, -maxSpeed), maxSpeed);
  const newTheta = theta + newThetaDot * dt;
  return finish(
    i, n, theta, thetaDot, u, newTheta, newThetaDot,
    state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs,
  );
}

/** Steps all n copies (ABI above), the dynamics of two copies per f64x2; returns the number that ended. */
export function pendulumStepSimd(
  n: i32, actions: usize, state: usize, steps: usize, rng: usize, params: usize, maxSteps: i32,
  obs: usize, rewards: usize, terminated: usize, truncated: usize, finalObs: usize,
): i32 {
  const maxSpeedS = param(params, PD_MAX_SPEED);
  const maxTorqueS = param(params, PD_MAX_TORQUE);
  const dtS = param(params, PD_DT);
  const gS = param(params, PD_G);
  const mS = param(params, PD_M);
  const lS = param(params, PD_L);
  const maxSpeed = f64x2.splat(maxSpeedS);
  const negMaxSpeed = f64x2.splat(-maxSpeedS);
  const maxTorque = f64x2.splat(maxTorqueS);
  const negMaxTorque = f64x2.splat(-maxTorqueS);
  const dt = f64x2.splat(dtS);
  const kSin = f64x2.splat(3.0 * gS / (2.0 * lS));
  const kU = f64x2.splat(3.0 / (mS * (lS * lS)));
  const stride = <usize>n << 3;
  let done = 0;
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = state + (<usize>i << 3);
    const theta = v128.load(o);
    const thetaDot = v128.load(o + stride);
    const u = f64x2.min(f64x2.max(v128.load(actions + (<usize>i << 3)), negMaxTorque), maxTorque);
    const s = sinCos2(theta);
    let nd = f64x2.add(thetaDot, f64x2.mul(f64x2.add(f64x2.mul(kSin, s), f64x2.mul(kU, u)), dt));
    nd = f64x2.min(f64x2.max(nd, negMaxSpeed), maxSpeed);
    const nt = f64x2.add(theta, f64x2.mul(nd, dt));
    done += finish(
      i, n, f64x2.extract_lane(theta, 0), f64x2.extract_lane(thetaDot, 0), f64x2.extract_lane(u, 0),
      f64x2.extract_lane(nt, 0), f64x2.extract_lane(nd, 0),
      state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs,
    );
    done += finish(
      i + 1, n, f64x2.extract_lane(theta, 1), f64x2.extract_lane(thetaDot, 1), f64x2.extract_lane(u, 1),
      f64x2.extract_lane(nt, 1), f64x2.extract_lane(nd, 1),
      state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs,
    );
  }
  for (; i < n; i++) {
    done += stepCopy(i, n, actions, state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs);
  }
  return done;
}

/** Steps all n copies (ABI above) one at a time: the scalar twin of `pendulumStepSimd`. */
export function pendulumStepScalar(
  n: i32, actions: usize, state: usize, steps: usize, rng: usize, params: usize, maxSteps: i32,
  obs: usize, rewards: usize, terminated: usize, truncated: usize, finalObs: usize,
): i32 {
  let done = 0;
  for (let i = 0; i < n; i++) {
    done += stepCopy(i, n, actions, state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs);
  }
  return done;
}

/** Resets all n copies (theta, thetaDot uniform, elapsed 0) from their generators and writes obs. */
export function pendulumReset(n: i32, state: usize, steps: usize, rng: usize, params: usize, obs: usize): void {
  const hx = param(params, PD_RESET_X);
  const hy = param(params, PD_RESET_Y);
  for (let i = 0; i < n; i++) {
    resetCopy(i, n, state, steps, rng, obs, hx, hy);
  }
}

/** Writes the observation rows of all n copies from the state. */
export function pendulumObserve(n: i32, state: usize, obs: usize): void {
  for (let i = 0; i < n; i++) {
    const o = state + (<usize>i << 3);
    writeObs(obs, i, load<f64>(o), load<f64>(o + (<usize>n << 3)));
  }
}
