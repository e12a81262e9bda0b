// MountainCar-v0 stepped for n copies at once, with auto-reset. TypeScript
// wrapper and single environment (the twin of one copy): src/envs/mountain-car.ts.
//
// Dynamics (Moore 1990; Gymnasium's mountain_car.py), actions {0, 1, 2}:
//   v <- clip(v + (a - 1) force - cos(3 p) gravity, -maxSpeed, maxSpeed)
//   p <- clip(p + v, minPosition, maxPosition);  v <- 0 if p == minPosition and v < 0
// force 0.001, gravity 0.0025, p in [-1.2, 0.6], |v| <= 0.07. Terminated when
// p >= 0.5 and v >= goalVelocity (0); reward -1 every step. Initial
// p uniform in [-0.6, -0.4), v = 0.
//
// ABI: as assembly/envs/cartpole.ts, with 2 state dims (position, velocity),
// i32 actions in {0, 1, 2} and 2 observation columns.

import { sinCos1, sinCos2, cosOut, cosOut2 } from "./trig";
import { endStep, param } from "./common";
import { rngUniform } from "./xoshiro";

// params layout (src/envs/mountain-car.ts writes it in this order)
// @ts-ignore: decorator
@inline const MC_MIN_POSITION = 0;
// @ts-ignore: decorator
@inline const MC_MAX_POSITION = 1;
// @ts-ignore: decorator
@inline const MC_MAX_SPEED = 2;
// @ts-ignore: decorator
@inline const MC_GOAL_POSITION = 3;
// @ts-ignore: decorator
@inline const MC_GOAL_VELOCITY = 4;
// @ts-ignore: decorator
@inline const MC_FORCE = 5;
// @ts-ignore: decorator
@inline const MC_GRAVITY = 6;
// @ts-ignore: decorator
@inline const MC_RESET_LOW = 7;
// @ts-ignore: decorator
@inline const MC_RESET_HIGH = 8;

// @ts-ignore: decorator
@inline function writeObs(obs: usize, i: i32, p: f64, v: f64): void {
  const o = obs + (<usize>i << 3);
  store<f32>(o, <f32>p);
  store<f32>(o, <f32>v, 4);
}

// @ts-ignore: decorator
@inline function resetCopy(i: i32, n: i32, state: usize, steps: usize, rng: usize, obs: usize, low: f64, high: f64): void {
  store<i32>(steps + (<usize>i << 2), 0);
  const p = rngUniform(rng + (<usize>i << 4), low, high);
  const o = state + (<usize>i << 3);
  store<f64>(o, p);
  store<f64>(o + (<usize>n << 3), 0.0);
  writeObs(obs, i, p, 0.0);
}

/** Position update, wall, flags, reward, time limit and auto-reset of copy i given its new velocity. */
// @ts-ignore: decorator
@inline function finish(
  i: i32, n: i32, p: f64, v: f64,
  state: usize, steps: usize, rng: usize, params: usize, maxSteps: i32,
  obs: usize, rewards: usize, terminated: usize, truncated: usize, finalObs: usize,
): i32 {
  const maxSpeed = param(params, MC_MAX_SPEED);
  const minPos = param(params, MC_MIN_POSITION);
  v = min(max(v, -maxSpeed), maxSpeed);
  p = min(max(p + v, minPos), param(params, MC_MAX_POSITION));
  if (p == minPos && v < 0) v = 0.0;
  const o = state + (<usize>i << 3);
  store<f64>(o, p);
  store<f64>(o + (<usize>n << 3), v);
  const term = p >= param(params, MC_GOAL_POSITION) && v >= param(params, MC_GOAL_VELOCITY);
  if (endStep(i, -1.0, term, steps, maxSteps, rewards, terminated, truncated)) {
    writeObs(finalObs, i, p, v);
    resetCopy(i, n, state, steps, rng, obs, param(params, MC_RESET_LOW), param(params, MC_RESET_HIGH));
    return 1;
  }
  writeObs(obs, i, p, v);
  return 0;
}

// @ts-ignore: decorator
@inline function stepCopy(
  i: i32, n: i32, actions: usize, state: usize, steps: usize, rng: usize, params: usize, maxSteps: i32,
  obs: usize, rewards: usize, terminated: usize, truncated: usize, finalObs: usize,
): i32 {
  const o = state + (<usize>i << 3);
  const p = load<f64>(o);
  let v = load<f64>(o + (<usize>n << 3));
  const a = load<i32>(actions + (<usize>i << 2));
  sinCos1(3.0 * p);
  v = v + (<f64>(a - 1) * param(params, MC_FORCE) + cosOut * -param(params, MC_GRAVITY));
  return finish(i, n, p, v, state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs);
}

/** Steps all n copies (ABI above), the velocity update of two copies per f64x2; returns the number that ended. */
export function mountainCarStepSimd(
  n: i32, actions: usize, state: usize, steps: usize, rng: usize, params: usize, maxSteps: i32,
  obs: usize, rewards: usize, terminated: usize, truncated: usize, finalObs: usize,
): i32 {
  const force = f64x2.splat(param(params, MC_FORCE));
  const negGravity = f64x2.splat(-param(params, MC_GRAVITY));
  const three = f64x2.splat(3.0);
  const stride = <usize>n << 3;
  let done = 0;
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = state + (<usize>i << 3);
    const p = v128.load(o);
    const v = v128.load(o + stride);
    const a = f64x2.convert_low_i32x4_s(i32x4.sub(v128.load64_zero(actions + (<usize>i << 2)), i32x4.splat(1)));
    sinCos2(f64x2.mul(three, p));
    const v1 = f64x2.add(v, f64x2.add(f64x2.mul(a, force), f64x2.mul(cosOut2, negGravity)));
    done += finish(
      i, n, f64x2.extract_lane(p, 0), f64x2.extract_lane(v1, 0),
      state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs,
    );
    done += finish(
      i + 1, n, f64x2.extract_lane(p, 1), f64x2.extract_lane(v1, 1),
      state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs,
    );
  }
  for (; i < n; i++) {
    done += stepCopy(i, n, actions, state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs);
  }
  return done;
}

/** Steps all n copies (ABI above) one at a time: the scalar twin of `mountainCarStepSimd`. */
export function mountainCarStepScalar(
  n: i32, actions: usize, state: usize, steps: usize, rng: usize, params: usize, maxSteps: i32,
  obs: usize, rewards: usize, terminated: usize, truncated: usize, finalObs: usize,
): i32 {
  let done = 0;
  for (let i = 0; i < n; i++) {
    done += stepCopy(i, n, actions, state, steps, rng, params, maxSteps, obs, rewards, terminated, truncated, finalObs);
  }
  return done;
}

/** Resets all n copies (p uniform, v = 0, elapsed 0) from their generators and writes obs. */
export function mountainCarReset(n: i32, state: usize, steps: usize, rng: usize, params: usize, obs: usize): void {
  const low = param(params, MC_RESET_LOW);
  const high = param(params, MC_RESET_HIGH);
  for (let i = 0; i < n; i++) {
    resetCopy(i, n, state, steps, rng, obs, low, high);
  }
}

/** Writes the observation rows of all n copies from the state. */
export function mountainCarObserve(n: i32, state: usize, obs: usize): void {
  for (let i = 0; i < n; i++) {
    const o = state + (<usize>i << 3);
    writeObs(obs, i, load<f64>(o), load<f64>(o + (<usize>n << 3)));
  }
}
