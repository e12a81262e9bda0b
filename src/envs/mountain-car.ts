/**
 * MountainCar-v0 (Moore 1990), exactly as Gymnasium's
 * classic_control/mountain_car.py. Actions {0: push left, 1: none, 2: push right}:
 *
 *   v <- clip(v + (a - 1) force + cos(3 p) (-gravity), -0.07, 0.07)
 *   p <- clip(p + v, -1.2, 0.6);   v <- 0 if p == -1.2 and v < 0 (inelastic left wall)
 *
 * force 0.001, gravity 0.0025. Terminated when p >= 0.5 and v >= goalVelocity
 * (0 by default, Gymnasium's goal_velocity); reward -1 on every step; time
 * limit 200. Initial p uniform in [-0.6, -0.4) (reset options `{ low, high }`),
 * v = 0. State [p, v] (f64); observation the same as float32 in
 * Box([-1.2, -0.07], [0.6, 0.07]); actions Discrete(3).
 *
 * The vectorised kernel is assembly/envs/mountain-car.ts (same operation order).
 */
import type { Rng } from "../core/rng.js";
import { ValidationError } from "../core/errors.js";
import {
  ClassicControlEnv,
  type ClassicEnvOptions,
  type ClassicSpec,
  POSITIVE,
  type ParamDomain,
  REAL,
  discreteAction,
  resetBounds,
} from "./classic.js";
import { Box, Discrete } from "./spaces.js";
import { cos } from "./trig.js";

/** MountainCar's constants (Gymnasium's values). */
export interface MountainCarParams {
  minPosition: number;
  maxPosition: number;
  maxSpeed: number;
  goalPosition: number;
  goalVelocity: number;
  force: number;
  gravity: number;
}

export const MOUNTAIN_CAR_PARAMS: Readonly<MountainCarParams> = Object.freeze({
  minPosition: -1.2,
  maxPosition: 0.6,
  maxSpeed: 0.07,
  goalPosition: 0.5,
  goalVelocity: 0,
  force: 0.001,
  gravity: 0.0025,
});

/**
 * Where each constant may lie (see `ParamDomain`): positions and forces are any
 * moderate reals, the speed limit is positive, and the track must have
 * positive length (minPosition < maxPosition).
 */
export const MOUNTAIN_CAR_DOMAINS: { readonly [K in keyof MountainCarParams]: ParamDomain } = Object.freeze({
  minPosition: REAL,
  maxPosition: REAL,
  maxSpeed: POSITIVE,
  goalPosition: REAL,
  goalVelocity: REAL,
  force: REAL,
  gravity: REAL,
});

function checkTrack(p: Readonly<MountainCarParams>): void {
  if (!(p.minPosition < p.maxPosition)) {
    throw new ValidationError("params.minPosition", `must be below maxPosition (${p.maxPosition})`, p.minPosition, { env: "MountainCar-v0" });
  }
}

const RESET_LOW = -0.6;
const RESET_HIGH = -0.4;

export class MountainCarEnv extends ClassicControlEnv<MountainCarParams> {
  readonly id = "MountainCar-v0";
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(3);

  constructor(options: ClassicEnvOptions<MountainCarParams> = {}) {
    super("MountainCar-v0", MOUNTAIN_CAR_PARAMS, 2, 200, options, MOUNTAIN_CAR_DOMAINS, checkTrack);
    const p = this.params;
    this.observationSpace = new Box([p.minPosition, -p.maxSpeed], [p.maxPosition, p.maxSpeed], { dtype: "float32" });
  }

  protected drawState(rng: Rng, options: Readonly<Record<string, number>> | undefined): void {
    const [lo, hi] = resetBounds(options, RESET_LOW, RESET_HIGH, this.id);
    this.state[0] = rng.uniform(lo, hi);
    this.state[1] = 0;
  }

  protected parseAction(action: unknown): number {
    return discreteAction(action, 3, this.id);
  }

  protected advance(action: number): number {
    const p = this.params;
    const s = this.state;
    let position = s[0];
    let velocity = s[1];
    velocity = velocity + ((action - 1) * p.force + cos(3.0 * position) * -p.gravity);
    velocity = Math.min(Math.max(velocity, -p.maxSpeed), p.maxSpeed);
    position = Math.min(Math.max(position + velocity, p.minPosition), p.maxPosition);
    if (position === p.minPosition && velocity < 0) velocity = 0;
    s[0] = position;
    s[1] = velocity;
    this.terminal = position >= p.goalPosition && velocity >= p.goalVelocity;
    return -1.0;
  }

  observe(): Float32Array {
    return Float32Array.from(this.state);
  }

  kernelParams(options?: Readonly<Record<string, number>>): Float64Array {
    const p = this.params;
    const [lo, hi] = resetBounds(options, RESET_LOW, RESET_HIGH, this.id);
    // Layout MC_* of assembly/envs/mountain-car.ts.
    return Float64Array.of(p.minPosition, p.maxPosition, p.maxSpeed, p.goalPosition, p.goalVelocity, p.force, p.gravity, lo, hi);
  }
}

export const MOUNTAIN_CAR_SPEC: ClassicSpec<MountainCarParams> = {
  id: "MountainCar-v0",
  stateSize: 2,
  obsSize: 2,
  defaultMaxEpisodeSteps: 200,
  continuousActions: false,
  kernels: {
    stepSimd: "mountainCarStepSimd",
    stepScalar: "mountainCarStepScalar",
    reset: "mountainCarReset",
    observe: "mountainCarObserve",
  },
  create: (options) => new MountainCarEnv(options),
};
