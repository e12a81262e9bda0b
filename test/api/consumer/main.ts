// A user's file, type-checked by test/api/dts.test.ts against the BUILT
// declarations (dist/*.d.ts) under strict settings. Every line is a type
// assertion: assignments fix the types the API must give, and every line
// marked as an expected error must stay an error.
import {
  A2C, Box, clipDrift, Discrete, evaluatePolicy, garnet, makeEnv, makeVecEnv, meanKlBall, mirrorStep, optimise, PPO, ppo,
  TrainingDivergedError, uniformPolicy, ValidationError,
  type Env, type EnvId, type MirrorStepOptions, type PPOConfig, type ResetResult, type StepResult,
} from "mirror-rl";
import { Adam, expUpdate, Mlp } from "mirror-rl/kernels";

// Agents: the config's keys and values, predict per input and per action space.
const config: PPOConfig<"CartPole-v1"> = {
  env: "CartPole-v1", numEnvs: 8, nSteps: 32, batchSize: 256, nEpochs: 20, gamma: 0.98, gaeLambda: 0.8,
  learningRate: "lin_1e-3", clipRange: (p) => 0.2 * p, targetKl: null, netArch: { pi: [64], vf: [64] }, normalize: { obs: true },
};
const agent = new PPO(config);
const one: number = agent.predict(new Float32Array(4), { deterministic: true });
const rows: Int32Array = agent.predict([[0, 0, 0, 0], [1, 1, 1, 1]]);
const flat: Int32Array = agent.predict(new Float32Array(8), { batch: true });
const legal: number = agent.predict(new Float32Array(4), { actionMask: [true, false] });
const legalRows: Int32Array = agent.predict([[0, 0, 0, 0], [1, 1, 1, 1]], { actionMask: [Uint8Array.of(1, 0), [0, 1]] });
// @ts-expect-error one observation gives one action, not a batch
const wrong: Int32Array = agent.predict(new Float32Array(4));
const pendulum = new PPO({ env: "Pendulum-v1", normalize: true });
const torque: Float32Array = pendulum.predict([0, 1, 0]);
const a2c = new A2C({ env: "Acrobot-v1", numEnvs: 4, useRmsProp: false });
const action: number = a2c.predict([0, 0, 0, 0, 0, 0]);
// @ts-expect-error SB3's snake_case names are not config keys
new PPO({ env: "CartPole-v1", learning_rate: 1e-3 });
const loaded: PPO = PPO.load(agent.save(), { env: "CartPole-v1", overrides: { learningRate: 1e-4 } });
const stats = evaluatePolicy(loaded, "CartPole-v1", { episodes: 2 });
const mean: number = stats.mean;
void (async () => {
  try {
    await agent.learn(1000, { callback: (info) => info.recentReturn < 400 });
  } catch (error) {
    if (error instanceof TrainingDivergedError) console.log(error.update, error.quantity);
    else if (error instanceof ValidationError) console.log(error.field);
  }
})();

// Environments: the built-in ids autocomplete and give their classes; other strings are allowed.
const ids: EnvId[] = ["CartPole-v1", "Acrobot-v1", "MountainCar-v0", "Pendulum-v1"];
const cartPole = makeEnv("CartPole-v1", { maxEpisodeSteps: 200, params: { gravity: 9.8 } });
const n: number = cartPole.actionSpace.n;
const fromString = makeEnv(ids[0] as string);
const vec = makeVecEnv("MountainCar-v0", { numEnvs: 4, seed: 1 });
class Coin implements Env<Float32Array, number> {
  readonly observationSpace = new Box(0, 1, { shape: [1] });
  readonly actionSpace = new Discrete(2);
  readonly maxEpisodeSteps = 10;
  reset(): ResetResult<Float32Array> {
    return { obs: new Float32Array(1), info: {} };
  }
  step(a: number): StepResult<Float32Array> {
    return { obs: new Float32Array(1), reward: a, terminated: false, truncated: false, info: {} };
  }
}
const coinAgent = new A2C({ env: () => new Coin(), numEnvs: 2 });
const coin: number = coinAgent.predict(new Float32Array(1));

// Tabular Mirror Learning: mirrorStep's options and results, an instance with optimise.
const mdp = garnet({ S: 10, A: 3, branching: 2, seed: 1 });
const options: MirrorStepOptions = { drift: clipDrift(0.2), neighbourhood: meanKlBall(0.1), beta: "visitation" };
const step = mirrorStep(mdp, uniformPolicy(mdp), options);
const next: Float64Array = step.policy;
const run = optimise(mdp, ppo({ epsilon: 0.2 }), { iterations: 10, tolerance: 1e-8 });
const eta: readonly number[] | Float64Array = run.history.eta;

// The lower-level subpath.
const mlp = new Mlp({ inputSize: 4, outputSize: 2, netArch: [8], activation: "relu", seed: 1 });
const adam = new Adam(mlp.store, { learningRate: 1e-3, eps: 1e-5 });

void [one, rows, flat, legal, legalRows, wrong, torque, action, mean, n, fromString, vec, coin, next, eta, adam, expUpdate];
