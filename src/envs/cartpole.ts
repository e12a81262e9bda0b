/**
 * CartPole-v1 (Barto, Sutton & Anderson 1983), exactly as Gymnasium's
 * classic_control/cartpole.py with kinematics_integrator "euler":
 *
 *   temp   = (F + m_p l thetaDot^2 sin theta) / (m_c + m_p)
 *   thAcc  = (g sin theta - cos theta temp) / (l (4/3 - m_p cos^2 theta / (m_c + m_p)))
 *   xAcc   = temp - m_p l thAcc cos theta / (m_c + m_p)
 *   x += tau xDot;  xDot += tau xAcc;  theta += tau thetaDot;  thetaDot += tau thAcc
 *
 * F = +10 for action 1, -10 for action 0; g 9.8, m_c 1, m_p 0.1, l 0.5 (half
 * the pole), tau 0.02. Terminated when x < -2.4 or x > 2.4 or |theta| > 12
 * degrees (12 * 2 pi / 360); reward 1 on every step including the terminating
 * one (0 for steps after termination, as Gymnasium), or with
 * `suttonBartoReward` 0 per step and -1 on termination. Time limit 500.
 * Initial state uniform in [-0.05, 0.05)^4 (reset options `{ low, high }`).
 * State [x, xDot, theta, thetaDot] (f64); observation the same as float32,
 * space Box([-4.8, -inf, -24 deg, -inf], [4.8, inf, 24 deg, inf]); actions Discrete(2).
 *
 * The vectorised kernel is assembly/envs/cartpole.ts (same operation order).
 */
import type { Rng } from "../core/rng.js";
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

/** CartPole's constants (Gymnasium's values). */
export interface CartPoleParams {
  gravity: number;
  massCart: number;
  massPole: number;
  /** Half the pole's length. */
  length: number;
  forceMag: number;
  tau: number;
  thetaThresholdRadians: number;
  xThreshold: number;
  suttonBartoReward: boolean;
}

export const CARTPOLE_PARAMS: Readonly<CartPoleParams> = Object.freeze({
  gravity: 9.8,
  massCart: 1.0,
  massPole: 0.1,
  length: 0.5,
  forceMag: 10.0,
  tau: 0.02,
  thetaThresholdRadians: (12 * 2 * Math.PI) / 360,
  xThreshold: 2.4,
  suttonBartoReward: false,
});

/**
 * Where each constant may lie (see `ParamDomain`): the cart's mass, the pole's
 * length and the time step must be positive (the accelerations divide by
 * m_c + m_p and by l (4/3 - m_p cos^2 / (m_c + m_p)) >= l / 3), the pole may be
 * massless, the thresholds are positive.
 */
export const CARTPOLE_DOMAINS: { readonly [K in keyof CartPoleParams]: ParamDomain } = Object.freeze({
  gravity: REAL,
  massCart: POSITIVE,
  massPole: NON_NEGATIVE,
  length: POSITIVE,
  forceMag: NON_NEGATIVE,
  tau: POSITIVE,
  thetaThresholdRadians: POSITIVE,
  xThreshold: POSITIVE,
  suttonBartoReward: "boolean",
});

const RESET_LOW = -0.05;
const RESET_HIGH = 0.05;

export class CartPoleEnv extends ClassicControlEnv<CartPoleParams> {
  readonly id = "CartPole-v1";
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(2);
  /** Gymnasium's steps_beyond_terminated: null until the pole falls. */
  private stepsBeyondTerminated: number | null = null;

  constructor(options: ClassicEnvOptions<CartPoleParams> = {}) {
    super("CartPole-v1", CARTPOLE_PARAMS, 4, 500, options, CARTPOLE_DOMAINS);
    const p = this.params;
    const high = [p.xThreshold * 2, Infinity, p.thetaThresholdRadians * 2, Infinity];
    this.observationSpace = new Box(high.map((v) => -v), high, { dtype: "float32" });
  }

  protected drawState(rng: Rng, options: Readonly<Record<string, number>> | undefined): void {
    const [lo, hi] = resetBounds(options, RESET_LOW, RESET_HIGH, this.id);
    for (let i = 0; i < 4; i++) this.state[i] = rng.uniform(lo, hi);
  }

  protected override onNewState(): void {
    this.stepsBeyondTerminated = null;
  }

  protected parseAction(action: unknown): number {
    return discreteAction(action, 2, this.id);
  }

  protected advance(action: number): number {
    const p = this.params;
    const s = this.state;
    const totalMass = p.massPole + p.massCart;
    const poleMassLength = p.massPole * p.length;
    let x = s[0];
    let xDot = s[1];
    let theta = s[2];
    let thetaDot = s[3];
    const force = action === 1 ? p.forceMag : -p.forceMag;
    const sinT = sin(theta);
    const cosT = cos(theta);
    const temp = (force + poleMassLength * (thetaDot * thetaDot) * sinT) / totalMass;
    const thAcc = (p.gravity * sinT - cosT * temp) / (p.length * (4.0 / 3.0 - (p.massPole * (cosT * cosT)) / totalMass));
    const xAcc = temp - (poleMassLength * thAcc * cosT) / totalMass;
    x = x + p.tau * xDot;
    xDot = xDot + p.tau * xAcc;
    theta = theta + p.tau * thetaDot;
    thetaDot = thetaDot + p.tau * thAcc;
    s[0] = x;
    s[1] = xDot;
    s[2] = theta;
    s[3] = thetaDot;
    const terminated =
      x < -p.xThreshold || x > p.xThreshold || theta < -p.thetaThresholdRadians || theta > p.thetaThresholdRadians;
    this.terminal = terminated;
    if (!terminated) return p.suttonBartoReward ? 0.0 : 1.0;
    if (this.stepsBeyondTerminated === null) {
      this.stepsBeyondTerminated = 0;
      return p.suttonBartoReward ? -1.0 : 1.0;
    }
    // Stepping a terminated episode is undefined behaviour in Gymnasium; it pays 0 (or -1).
    this.stepsBeyondTerminated++;
    return p.suttonBartoReward ? -1.0 : 0.0;
  }

  observe(): Float32Array {
    return Float32Array.from(this.state);
  }

  kernelParams(options?: Readonly<Record<string, number>>): Float64Array {
    const p = this.params;
    const [lo, hi] = resetBounds(options, RESET_LOW, RESET_HIGH, this.id);
    // Layout CP_* of assembly/envs/cartpole.ts.
    return Float64Array.of(
      p.gravity, p.massCart, p.massPole, p.length, p.forceMag, p.tau,
      p.thetaThresholdRadians, p.xThreshold, lo, hi, p.suttonBartoReward ? 1 : 0,
    );
  }
}

export const CARTPOLE_SPEC: ClassicSpec<CartPoleParams> = {
  id: "CartPole-v1",
  stateSize: 4,
  obsSize: 4,
  defaultMaxEpisodeSteps: 500,
  continuousActions: false,
  kernels: { stepSimd: "cartpoleStepSimd", stepScalar: "cartpoleStepScalar", reset: "cartpoleReset", observe: "cartpoleObserve" },
  create: (options) => new CartPoleEnv(options),
};
