// The public environment API: Gymnasium-style single and vectorised
// environments, spaces, the environment checker and tabular MDPs as sampled
// environments.
export { makeEnv, makeVecEnv, ENV_IDS, type EnvId, type EnvParamsById, type MakeVecEnvOptions } from "./registry.js";
export { checkEnv, type CheckEnvOptions, type CheckEnvReport } from "./check-env.js";
export { Box, Discrete, flatSize, type BoxDtype, type Space } from "./spaces.js";
export type {
  Env,
  VecEnv,
  Action,
  Observation,
  Info,
  ResetOptions,
  ResetResult,
  StepResult,
  VecStepResult,
  VecResetResult,
  VecInfo,
} from "./env.js";
export { ClassicControlEnv, type ClassicEnvOptions } from "./classic.js";
export { CartPoleEnv, CARTPOLE_PARAMS, type CartPoleParams } from "./cartpole.js";
export { AcrobotEnv, ACROBOT_PARAMS, type AcrobotParams } from "./acrobot.js";
export { MountainCarEnv, MOUNTAIN_CAR_PARAMS, type MountainCarParams } from "./mountain-car.js";
export { PendulumEnv, PENDULUM_PARAMS, type PendulumParams } from "./pendulum.js";
export { ClassicVecEnv, type ClassicVecEnvOptions } from "./vec-env.js";
export { SyncVecEnv, type SyncVecEnvOptions } from "./sync-vec-env.js";
export { TabularEnv, tabularEnv, type TabularEnvOptions } from "./tabular-env.js";
