/**
 * Acrobot-v1 (Sutton 1996; Sutton & Barto's book dynamics), exactly as
 * Gymnasium's classic_control/acrobot.py with book_or_nips = "book" and no
 * torque noise. State (theta1, theta2, dtheta1, dtheta2), torque {-1, 0, +1}
 * for actions {0, 1, 2}:
 *
 *   d1 = m1 lc1^2 + m2 (l1^2 + lc2^2 + 2 l1 lc2 cos theta2) + I1 + I2
 *   d2 = m2 (lc2^2 + l1 lc2 cos theta2) + I2
 *   phi2 = m2 lc2 g cos(theta1 + theta2 - pi/2)
 *   phi1 = -m2 l1 lc2 dtheta2^2 sin theta2 - 2 m2 l1 lc2 dtheta2 dtheta1 sin theta2
 *          + (m1 lc1 + m2 l1) g cos(theta1 - pi/2) + phi2
 *   ddtheta2 = (a + d2/d1 phi1 - m2 l1 lc2 dtheta1^2 sin theta2 - phi2) / (m2 lc2^2 + I2 - d2^2/d1)
 *   ddtheta1 = -(d2 ddtheta2 + phi1) / d1
 *
 * One classical RK4 step over dt = 0.2 (Gymnasium's `rk4` on t = [0, dt],
 * last state only), then both angles wrapped into [-pi, pi] and the
 * velocities clipped to +-4 pi and +-9 pi. Terminated when
 * -cos theta1 - cos(theta2 + theta1) > 1; reward -1 per step, 0 on the
 * terminating step; time limit 500. Initial state uniform in [-0.1, 0.1)^4
 * (reset options `{ low, high }`), rounded to float32 as Gymnasium does.
 * Observation (cos theta1, sin theta1, cos theta2, sin theta2, dtheta1,
 * dtheta2) as float32 in Box([-1, -1, -1, -1, -4 pi, -9 pi], [1, 1, 1, 1, 4 pi, 9 pi]).
 *
 * The vectorised kernel is assembly/envs/acrobot.ts (same operation order).
 */
import type { Rng } from "../core/rng.js";
import { ValidationError } from "../core/errors.js";
import {
  ClassicControlEnv,
  type ClassicEnvOptions,
  type ClassicSpec,
  NON_NEGATIVE,
  POSITIVE,
  type ParamDomain,
  REAL,
  discreteAction,
  resetBounds,
} from "./classic.js";
import { Box, Discrete } from "./spaces.js";
import { cos, sin } from "./trig.js";

/** Acrobot's constants (Gymnasium's values; both links share the moment of inertia). */
export interface AcrobotParams {
  dt: number;
  linkMass1: number;
  linkMass2: number;
  linkLength1: number;
  linkComPos1: number;
  linkComPos2: number;
  linkMoi: number;
  gravity: number;
  maxVel1: number;
  maxVel2: number;
}

export const ACROBOT_PARAMS: Readonly<AcrobotParams> = Object.freeze({
  dt: 0.2,
  linkMass1: 1.0,
  linkMass2: 1.0,
  linkLength1: 1.0,
  linkComPos1: 0.5,
  linkComPos2: 0.5,
  linkMoi: 1.0,
  gravity: 9.8,
  maxVel1: 4 * Math.PI,
  maxVel2: 9 * Math.PI,
});

/**
 * Where each constant may lie (see `ParamDomain`): the time step, the first
 * link's length, the moment of inertia and the velocity limits are positive,
 * the masses non-negative, the centres of mass and gravity any moderate reals.
 * With a positive moment of inertia the mass matrix is positive definite in
 * exact arithmetic; `checkMassMatrix` also asks that it stay well conditioned
 * in f64.
 */
export const ACROBOT_DOMAINS: { readonly [K in keyof AcrobotParams]: ParamDomain } = Object.freeze({
  dt: POSITIVE,
  linkMass1: NON_NEGATIVE,
  linkMass2: NON_NEGATIVE,
  linkLength1: POSITIVE,
  linkComPos1: REAL,
  linkComPos2: REAL,
  linkMoi: POSITIVE,
  gravity: REAL,
  maxVel1: POSITIVE,
  maxVel2: POSITIVE,
});

/** Smallest det(M) / (d1 j) accepted: below it, the f64 step's j - d2^2 / d1 loses all its digits. */
const MIN_MASS_MATRIX_RATIO = 1e-9;

/**
 * The dynamics divide by d1 and by j - d2^2/d1 = det(M) / d1, M the 2x2 mass
 * matrix [[d1, d2], [d2, j]]. With a = m1 lc1^2, b = m2 l1^2, c = m2 lc2^2 and
 * I the moment of inertia, det(M) = (a + b + I)(c + I) - b c cos^2 theta2,
 * smallest at cos^2 = 1: (a + I)(c + I) + b I > 0. It is computed as a
 * difference of terms of size d1 j, so it must not be negligible beside them.
 */
function checkMassMatrix(p: Readonly<AcrobotParams>): void {
  const a = p.linkMass1 * p.linkComPos1 * p.linkComPos1;
  const b = p.linkMass2 * p.linkLength1 * p.linkLength1;
  const c = p.linkMass2 * p.linkComPos2 * p.linkComPos2;
  const I = p.linkMoi;
  const det = (a + I) * (c + I) + b * I;
  const d1 = a + b + c + 2 * Math.sqrt(b * c) + 2 * I;
  const j = c + I;
  if (!(det >= MIN_MASS_MATRIX_RATIO * d1 * j)) {
    throw new ValidationError(
      "params.linkMoi",
      `is too small beside the links' masses and lengths: the mass matrix is numerically singular (det(M) / (d1 j) = ${(det / (d1 * j)).toExponential(2)} < ${MIN_MASS_MATRIX_RATIO})`,
      I,
      { env: "Acrobot-v1" },
    );
  }
}

/** Constants already checked by `checkFiniteSteps` (the defaults from the start). */
const FINITE_STEP_CONSTANTS = new Set<string>([Object.values(ACROBOT_PARAMS).join(",")]);

const RESET_LOW = -0.1;
const RESET_HIGH = 0.1;
const HALF_PI = Math.PI / 2.0;
const TORQUE = [-1.0, 0.0, 1.0] as const;

/** Gymnasium's wrap(x, -pi, pi): repeated +-2 pi (fmod first for absurd angles, so it always ends). */
export function wrapPi(x: number): number {
  const diff = Math.PI - -Math.PI;
  if (Math.abs(x) > 1.0e6) x = x % diff;
  while (x > Math.PI) x = x - diff;
  while (x < -Math.PI) x = x + diff;
  return x;
}

/** The constant products of the dynamics, in the order Gymnasium's expressions evaluate them. */
class AcrobotConstants {
  readonly a: number; // m1 lc1^2
  readonly b: number; // l1^2 + lc2^2
  readonly c: number; // 2 l1 lc2
  readonly m2: number;
  readonly moi: number;
  readonly lc2Sq: number;
  readonly l1Lc2: number;
  readonly phi2: number; // m2 lc2 g
  readonly e: number; // -m2 l1 lc2
  readonly f: number; // 2 m2 l1 lc2
  readonly g: number; // (m1 lc1 + m2 l1) g
  readonly h: number; // m2 l1 lc2
  readonly j: number; // m2 lc2^2 + I2

  constructor(p: AcrobotParams) {
    const m1 = p.linkMass1;
    const m2 = p.linkMass2;
    const l1 = p.linkLength1;
    const lc1 = p.linkComPos1;
    const lc2 = p.linkComPos2;
    this.a = m1 * (lc1 * lc1);
    this.b = l1 * l1 + lc2 * lc2;
    this.c = 2.0 * l1 * lc2;
    this.m2 = m2;
    this.moi = p.linkMoi;
    this.lc2Sq = lc2 * lc2;
    this.l1Lc2 = l1 * lc2;
    this.phi2 = m2 * lc2 * p.gravity;
    this.e = -m2 * l1 * lc2;
    this.f = 2.0 * m2 * l1 * lc2;
    this.g = (m1 * lc1 + m2 * l1) * p.gravity;
    this.h = m2 * l1 * lc2;
    this.j = m2 * (lc2 * lc2) + p.linkMoi;
  }
}

export class AcrobotEnv extends ClassicControlEnv<AcrobotParams> {
  readonly id = "Acrobot-v1";
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(3);
  private readonly k: AcrobotConstants;
  /** ddtheta2 of the last `accel` call. */
  private dd2 = 0;

  constructor(options: ClassicEnvOptions<AcrobotParams> = {}) {
    super("Acrobot-v1", ACROBOT_PARAMS, 4, 500, options, ACROBOT_DOMAINS, checkMassMatrix);
    const p = this.params;
    const high = [1, 1, 1, 1, p.maxVel1, p.maxVel2];
    this.observationSpace = new Box(high.map((v) => -v), high, { dtype: "float32" });
    this.k = new AcrobotConstants(p);
    this.checkFiniteSteps();
  }

  /**
   * Every step starts inside a box: angles wrapped into [-pi, pi], velocities
   * clipped to +-maxVel. One RK4 step from that box can still overflow when dt
   * is large beside the dynamics' time scale (the velocities of the inner RK4
   * stages are not clipped and enter squared), so the constants are checked by
   * stepping once from a grid over the box (its corners and midpoints, every
   * torque), which takes every term that grows to its extreme (velocities at
   * their limits, cos theta2 = +-1 where the mass matrix is least well
   * conditioned), and asking for a finite state.
   */
  private checkFiniteSteps(): void {
    const p = this.params;
    // Once per distinct set of constants in a process (Gymnasium's own need no check).
    const key = Object.values(p).join(",");
    if (FINITE_STEP_CONSTANTS.has(key)) return;
    const angles = [-Math.PI, -HALF_PI, 0, HALF_PI, Math.PI];
    const v1 = [-p.maxVel1, 0, p.maxVel1];
    const v2 = [-p.maxVel2, 0, p.maxVel2];
    const s = this.state;
    for (const t1 of angles) for (const t2 of angles) for (const w1 of v1) for (const w2 of v2) for (let a = 0; a < 3; a++) {
      s[0] = t1;
      s[1] = t2;
      s[2] = w1;
      s[3] = w2;
      this.advance(a);
      if (!(Number.isFinite(s[0]) && Number.isFinite(s[1]) && Number.isFinite(s[2]) && Number.isFinite(s[3]))) {
        s.fill(0);
        this.terminal = false;
        throw new ValidationError(
          "params",
          "make one RK4 step overflow (dt too large for the links' masses, lengths and velocity limits): reduce dt or the velocity limits",
          { dt: p.dt, maxVel1: p.maxVel1, maxVel2: p.maxVel2 },
          { env: this.id, theta1: t1, theta2: t2, dtheta1: w1, dtheta2: w2, action: a },
        );
      }
    }
    s.fill(0);
    this.terminal = false;
    if (FINITE_STEP_CONSTANTS.size > 1024) FINITE_STEP_CONSTANTS.clear(); // a cache, not a record
    FINITE_STEP_CONSTANTS.add(key);
  }

  protected drawState(rng: Rng, options: Readonly<Record<string, number>> | undefined): void {
    const [lo, hi] = resetBounds(options, RESET_LOW, RESET_HIGH, this.id);
    for (let i = 0; i < 4; i++) this.state[i] = Math.fround(rng.uniform(lo, hi));
  }

  protected parseAction(action: unknown): number {
    return discreteAction(action, 3, this.id);
  }

  /** ddtheta1 (returned) and ddtheta2 (into this.dd2) at one state. */
  private accel(t1: number, t2: number, w1: number, w2: number, a: number): number {
    const k = this.k;
    const s2 = sin(t2);
    const c2 = cos(t2);
    const cA = cos(t1 + t2 - HALF_PI);
    const cB = cos(t1 - HALF_PI);
    const d1 = k.a + k.m2 * (k.b + k.c * c2) + k.moi + k.moi;
    const d2 = k.m2 * (k.lc2Sq + k.l1Lc2 * c2) + k.moi;
    const phi2 = k.phi2 * cA;
    const phi1 = k.e * (w2 * w2) * s2 - k.f * w2 * w1 * s2 + k.g * cB + phi2;
    const dd2 = (a + (d2 / d1) * phi1 - k.h * (w1 * w1) * s2 - phi2) / (k.j - (d2 * d2) / d1);
    this.dd2 = dd2;
    return -(d2 * dd2 + phi1) / d1;
  }

  protected advance(action: number): number {
    const p = this.params;
    const s = this.state;
    const a = TORQUE[action];
    const dt = p.dt;
    const dt2 = dt / 2.0;
    const dt6 = dt / 6.0;
    const [t1, t2, w1, w2] = s;
    const k1c = this.accel(t1, t2, w1, w2, a);
    const k1d = this.dd2;
    const y2c = w1 + dt2 * k1c;
    const y2d = w2 + dt2 * k1d;
    const k2c = this.accel(t1 + dt2 * w1, t2 + dt2 * w2, y2c, y2d, a);
    const k2d = this.dd2;
    const y3c = w1 + dt2 * k2c;
    const y3d = w2 + dt2 * k2d;
    const k3c = this.accel(t1 + dt2 * y2c, t2 + dt2 * y2d, y3c, y3d, a);
    const k3d = this.dd2;
    const y4c = w1 + dt * k3c;
    const y4d = w2 + dt * k3d;
    const k4c = this.accel(t1 + dt * y3c, t2 + dt * y3d, y4c, y4d, a);
    const k4d = this.dd2;
    const n1 = t1 + dt6 * (w1 + 2.0 * y2c + 2.0 * y3c + y4c);
    const n2 = t2 + dt6 * (w2 + 2.0 * y2d + 2.0 * y3d + y4d);
    const n3 = w1 + dt6 * (k1c + 2.0 * k2c + 2.0 * k3c + k4c);
    const n4 = w2 + dt6 * (k1d + 2.0 * k2d + 2.0 * k3d + k4d);
    s[0] = wrapPi(n1);
    s[1] = wrapPi(n2);
    s[2] = Math.min(Math.max(n3, -p.maxVel1), p.maxVel1);
    s[3] = Math.min(Math.max(n4, -p.maxVel2), p.maxVel2);
    this.terminal = -cos(s[0]) - cos(s[1] + s[0]) > 1.0;
    return this.terminal ? 0.0 : -1.0;
  }

  observe(): Float32Array {
    const s = this.state;
    return Float32Array.of(cos(s[0]), sin(s[0]), cos(s[1]), sin(s[1]), s[2], s[3]);
  }

  kernelParams(options?: Readonly<Record<string, number>>): Float64Array {
    const p = this.params;
    const [lo, hi] = resetBounds(options, RESET_LOW, RESET_HIGH, this.id);
    // Layout AC_* of assembly/envs/acrobot.ts.
    return Float64Array.of(
      p.dt, p.linkMass1, p.linkMass2, p.linkLength1, p.linkComPos1, p.linkComPos2,
      p.linkMoi, p.gravity, p.maxVel1, p.maxVel2, lo, hi,
    );
  }
}

export const ACROBOT_SPEC: ClassicSpec<AcrobotParams> = {
  id: "Acrobot-v1",
  stateSize: 4,
  obsSize: 6,
  defaultMaxEpisodeSteps: 500,
  continuousActions: false,
  kernels: { stepSimd: "acrobotStepSimd", stepScalar: "acrobotStepScalar", reset: "acrobotReset", observe: "acrobotObserve" },
  create: (options) => new AcrobotEnv(options),
};
