#!/usr/bin/env node
// Quality and speed of PPO, A2C and TRPO with rl-baselines3-zoo's tuned
// hyperparameters (and NPG with ours), over seeds: wall and process CPU time (process.cpuUsage) of
// new Agent() + learn(), SPS, and the mean
// deterministic evaluation return over 10 episodes (SB3's evaluate_policy).
//
//   node bench/agents/quality.js [--case ppo-cartpole|ppo-acrobot|a2c-cartpole|ppo-pendulum-sde|trpo-cartpole|trpo-acrobot|npg-cartpole|all]
//     [--seeds 0-9] [--dist <dir>] [--out <file.json>]
//
// Runs from the compiled package (dist/, `npm run build`). One thread; every
// run is deterministic for its seed. Targets (issue 4): PPO CartPole 1e5 -> 500
// in <= 3.4 s; PPO Acrobot 1e6 -> >= -75 in <= 40 s; A2C CartPole 5e5 -> 500;
// PPO Pendulum with gSDE 1e5 -> >= -175 (zoo -172.2). A case's evalEpisodes (default 10)
// sets the evaluation's episodes; the first 10 are the usual ones (evalMean10).
// TRPO (sample-based Mirror Learning I): CartPole 1e5 -> 500 (zoo 500);
// Acrobot 1e5 -> >= -83; NPG CartPole -> 500 within 2e5 steps.
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { writeFileSync } from "node:fs";
import os from "node:os";

const { values } = parseArgs({
  options: {
    case: { type: "string", default: "all" },
    seeds: { type: "string", default: "0-9" },
    dist: { type: "string", default: new URL("../../dist/", import.meta.url).pathname },
    out: { type: "string" },
  },
});
const dist = pathToFileURL(resolve(values.dist) + "/").href;
const { PPO, A2C, TRPO, NPG, evaluatePolicy } = await import(new URL("agents/index.js", dist).href);

/** The zoo's hyperparameters (rl-baselines3-zoo hyperparams/ppo.yml and a2c.yml) in our names. */
export const CASES = {
  "ppo-cartpole": {
    algo: PPO, env: "CartPole-v1", steps: 1e5, target: 500,
    config: { numEnvs: 8, nSteps: 32, batchSize: 256, nEpochs: 20, gamma: 0.98, gaeLambda: 0.8, learningRate: "lin_1e-3", clipRange: "lin_0.2", entCoef: 0 },
  },
  "ppo-acrobot": {
    algo: PPO, env: "Acrobot-v1", steps: 1e6, target: -75,
    config: { numEnvs: 16, nSteps: 256, gaeLambda: 0.94, gamma: 0.99, nEpochs: 4, entCoef: 0, normalize: true },
  },
  "a2c-cartpole": {
    algo: A2C, env: "CartPole-v1", steps: 5e5, target: 500,
    config: { numEnvs: 8, entCoef: 0 },
  },
  // rl-baselines3-zoo hyperparams/trpo.yml (normalize false for CartPole).
  "trpo-cartpole": {
    algo: TRPO, env: "CartPole-v1", steps: 1e5, target: 500,
    config: { numEnvs: 2, nSteps: 512, batchSize: 512, cgDamping: 1e-3, gaeLambda: 0.98, gamma: 0.99, learningRate: 1e-3, nCriticUpdates: 20 },
  },
  "trpo-acrobot": {
    algo: TRPO, env: "Acrobot-v1", steps: 1e5, target: -83,
    config: { numEnvs: 2, nSteps: 1024, normalize: true },
  },
  // Ours (no zoo entry): TRPO's CartPole critic and rollout, a constant natural step instead of the line search.
  "npg-cartpole": {
    algo: NPG, env: "CartPole-v1", steps: 2e5, target: 500,
    config: { numEnvs: 2, nSteps: 512, batchSize: 512, cgDamping: 1e-3, gaeLambda: 0.98, gamma: 0.99, learningRate: 1e-3, nCriticUpdates: 20, stepSize: 0.3 },
  },
  // Pendulum's returns depend on the start state (about +-130 for a good policy): 10 episodes
  // leave +-40 of sampling error, 100 about +-13.
  "ppo-pendulum-sde": {
    algo: PPO, env: "Pendulum-v1", steps: 1e5, target: -175, evalEpisodes: 100,
    config: {
      numEnvs: 4, nSteps: 1024, gaeLambda: 0.95, gamma: 0.9, nEpochs: 10, entCoef: 0, learningRate: 1e-3, clipRange: 0.2,
      useSde: true, sdeSampleFreq: 4,
    },
  },
};

function parseSeeds(s) {
  const m = /^(\d+)-(\d+)$/.exec(s);
  if (m) return Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i);
  return s.split(",").map(Number);
}

const names = values.case === "all" ? Object.keys(CASES) : values.case.split(",");
const seeds = parseSeeds(values.seeds);
const results = [];
for (const name of names) {
  const c = CASES[name];
  if (!c) throw new Error(`unknown case ${name}: ${Object.keys(CASES).join(", ")}`);
  for (const seed of seeds) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const agent = new c.algo({ env: c.env, ...c.config, seed });
    await agent.learn(c.steps);
    const wall = (performance.now() - t0) / 1000;
    const cu = process.cpuUsage(cpu0);
    const cpu = (cu.user + cu.system) / 1e6;
    const episodes = c.evalEpisodes ?? 10;
    const ev = evaluatePolicy(agent, c.env, { episodes, deterministic: true, seed: 10_000 + seed });
    const evalMean10 = ev.returns.slice(0, 10).reduce((a, b) => a + b, 0) / Math.min(10, episodes);
    const row = {
      case: name, seed, steps: agent.numTimesteps, wall, cpu, sps: agent.numTimesteps / wall, evalMean: ev.mean, evalStd: ev.std, evalEpisodes: episodes, evalMean10,
      target: c.target,
    };
    results.push(row);
    agent.dispose();
    console.log(`${name} seed ${seed}: ${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU, ${Math.round(row.sps)} steps/s, eval ${ev.mean.toFixed(1)} ± ${ev.std.toFixed(1)}` +
      (episodes > 10 ? ` over ${episodes} episodes (first 10: ${evalMean10.toFixed(1)})` : ""));
  }
  const rows = results.filter((r) => r.case === name);
  const mean = (k) => rows.reduce((s, r) => s + r[k], 0) / rows.length;
  const min = (k) => Math.min(...rows.map((r) => r[k]));
  console.log(`${name}: ${rows.length} seeds, wall min ${min("wall").toFixed(2)} mean ${mean("wall").toFixed(2)} s, ` +
    `CPU min ${min("cpu").toFixed(2)} mean ${mean("cpu").toFixed(2)} s, mean eval ${mean("evalMean").toFixed(1)}` +
    `${(c.evalEpisodes ?? 10) > 10 ? ` (${c.evalEpisodes} episodes; first 10: ${mean("evalMean10").toFixed(1)})` : ""}, ` +
    `${rows.filter((r) => r.evalMean >= c.target).length}/${rows.length} reach the target ${c.target}`);
}
const machine = `${os.cpus()[0]?.model ?? "?"}, ${os.cpus().length} cores, Node ${process.version}, ${os.platform()} ${os.release()}`;
if (values.out) writeFileSync(values.out, JSON.stringify({ machine, date: new Date().toISOString(), results }, null, 2));
console.log(machine);
