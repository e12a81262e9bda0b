/**
 * Pendulum-v1, exactly as Gymnasium's classic_control/pendulum.py, in its
 * update order. Torque u = clip(action, -2, 2):
 *
 *   cost      = angle_normalize(theta)^2 + 0.1 thetaDot^2 + 0.001 u^2     (reward = -cost, old state)
 *   thetaDot' = clip(thetaDot + (3 g / (2 l) sin theta + 3 / (m l^2) u) dt, -8, 8)
 *   theta'    = theta + thetaDot' dt                                     (theta is not wrapped)
 *
 * angle_normalize(x) = ((x + pi) mod 2 pi) - pi with Python's floored mod;
 * g 10, m 1, l 1, dt 0.05, max speed 8, max torque 2. Never terminates; time
 * limit 200. Initial theta uniform in [-pi, pi), thetaDot in [-1, 1) (reset
 * options `{ x_init, y_init }` give the half-widths, as Gymnasium). State
 * [theta, thetaDot] (f64); observation (cos theta, sin theta, thetaDot) as
 * float32 in Box([-1, -1, -8], [1, 1, 8]); actions Box(-2, 2, [1], float32),
 * given as a number or a length-1 array (out-of-range torques are clipped, as
 * Gymnasium; non-finite ones are an error).
 *
 * Gymnasium (numpy 2) evaluates 3/(m l^2) u and 0.001 u^2 in float32 when u is
 * a float32 array; we evaluate in f64 (differences ~1e-8 relative).
 *
 * The vectorised kernel is assembly/envs/pendulum.ts (same operation order).
 */
import { ValidationError } from "../core/errors.js";
import { checkOptions } from "../core/validate.js";
import type { Rng } from "../core/rng.js";
import {
  ClassicControlEnv,
  type ClassicEnvOptions,
  type ClassicSpec,
  NON_NEGATIVE,
  POSITIVE,
  type ParamDomain,
  REAL,
  checkResetValue,
  scalarBoxAction,
} from "./classic.js";
import { Box } from "./spaces.js";
import { cos, sin } from "./trig.js";

/** Pendulum's constants (Gymnasium's values). */
export interface PendulumParams {
  maxSpeed: number;
  maxTorque: number;
  dt: number;
  g: number;
  m: number;
  l: number;
}

export const PENDULUM_PARAMS: Readonly<PendulumParams> = Object.freeze({
  maxSpeed: 8,
  maxTorque: 2.0,
  dt: 0.05,
  g: 10.0,
  m: 1.0,
  l: 1.0,
});

/**
 * Where each constant may lie (see `ParamDomain`): the mass, the length, the
 * time step and the speed limit are positive (the dynamics divide by m l^2 and
 * by l), the torque bound may be 0, gravity is any moderate real.
 */
export const PENDULUM_DOMAINS: { readonly [K in keyof PendulumParams]: ParamDomain } = Object.freeze({
  maxSpeed: POSITIVE,
  maxTorque: NON_NEGATIVE,
  dt: POSITIVE,
  g: REAL,
  m: POSITIVE,
  l: POSITIVE,
});

const DEFAULT_X = Math.PI;
const DEFAULT_Y = 1.0;

/** ((x + pi) mod 2 pi) - pi with Python's float mod (the result takes the divisor's sign). */
export function angleNormalize(x: number): number {
  const twoPi = 2.0 * Math.PI;
  let r = (x + Math.PI) % twoPi;
  if (r < 0) r += twoPi;
  else if (r === 0) r = 0;
  return r - Math.PI;
}

export class PendulumEnv extends ClassicControlEnv<PendulumParams> {
  readonly id = "Pendulum-v1";
  readonly observationSpace: Box;
  readonly actionSpace: Box;

  constructor(options: ClassicEnvOptions<PendulumParams> = {}) {
    super("Pendulum-v1", PENDULUM_PARAMS, 2, 200, options, PENDULUM_DOMAINS);
    const p = this.params;
    this.observationSpace = new Box([-1, -1, -p.maxSpeed], [1, 1, p.maxSpeed], { dtype: "float32" });
    this.actionSpace = new Box(-p.maxTorque, p.maxTorque, { shape: [1], dtype: "float32" });
  }

  private halfWidths(options: Readonly<Record<string, number>> | undefined): [number, number] {
    if (!options) return [DEFAULT_X, DEFAULT_Y];
    checkOptions("options", options, ["x_init", "y_init"], this.id, "reset option");
    const x = checkResetValue("options.x_init", options.x_init ?? DEFAULT_X, this.id);
    const y = checkResetValue("options.y_init", options.y_init ?? DEFAULT_Y, this.id);
    return [x, y];
  }

  protected drawState(rng: Rng, options: Readonly<Record<string, number>> | undefined): void {
    const [x, y] = this.halfWidths(options);
    this.state[0] = rng.uniform(-x, x);
    this.state[1] = rng.uniform(-y, y);
  }

  protected parseAction(action: unknown): number {
    return scalarBoxAction(action, this.id);
  }

  protected advance(action: number): number {
    const p = this.params;
    const s = this.state;
    const theta = s[0];
    const thetaDot = s[1];
    const u = Math.min(Math.max(action, -p.maxTorque), p.maxTorque);
    const an = angleNormalize(theta);
    const cost = an * an + 0.1 * (thetaDot * thetaDot) + 0.001 * (u * u);
    let newThetaDot = thetaDot + (((3.0 * p.g) / (2.0 * p.l)) * sin(theta) + (3.0 / (p.m * (p.l * p.l))) * u) * p.dt;
    newThetaDot = Math.min(Math.max(newThetaDot, -p.maxSpeed), p.maxSpeed);
    s[0] = theta + newThetaDot * p.dt;
    s[1] = newThetaDot;
    this.terminal = false;
    return -cost;
  }

  observe(): Float32Array {
    return Float32Array.of(cos(this.state[0]), sin(this.state[0]), this.state[1]);
  }

  kernelParams(options?: Readonly<Record<string, number>>): Float64Array {
    const p = this.params;
    const [x, y] = this.halfWidths(options);
    // Layout PD_* of assembly/envs/pendulum.ts.
    return Float64Array.of(p.maxSpeed, p.maxTorque, p.dt, p.g, p.m, p.l, x, y);
  }
}

export const PENDULUM_SPEC: ClassicSpec<PendulumParams> = {
  id: "Pendulum-v1",
  stateSize: 2,
  obsSize: 3,
  defaultMaxEpisodeSteps: 200,
  continuousActions: true,
  kernels: { stepSimd: "pendulumStepSimd", stepScalar: "pendulumStepScalar", reset: "pendulumReset", observe: "pendulumObserve" },
  create: (options) => new PendulumEnv(options),
};
