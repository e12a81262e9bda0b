// `mirror-rl train <algo> <env>`: trains an agent from the package's tuned
// config for that pair (ZOO, rl-baselines3-zoo's hyperparameters), changed
// by --config and --set, with a progress bar, optional logs that SB3's tools
// read (progress.csv, monitor.csv, TensorBoard) and periodic evaluations;
// prints the final evaluation and saves the agent.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { usageError } from "../lib/errors.js";
import { bold, dim } from "../lib/format.js";
import { applySettings, list, number, readConfigFile } from "../lib/parse.js";
import { progressReporter } from "../lib/progress.js";
import { findAgent, findEnv, zooEntry } from "../lib/registry.js";

export const summary = "train an agent (PPO, A2C, ...) on an environment from tuned defaults";

export const args = [
  ["<algo>", "algorithm: an agent class the package exports (ppo, a2c, ...)"],
  ["<env>", "environment id (CartPole-v1, Acrobot-v1, MountainCar-v0, Pendulum-v1)"],
];

export const options = {
  steps: { type: "string", value: "n", description: "environment steps (default: the tuned config's, else 100000)" },
  seed: { type: "string", value: "n", description: "random seed (default 0, or the config's)" },
  config: { type: "string", value: "file", description: "a JSON or YAML file of settings (the agent's config keys, e.g. learningRate)" },
  set: { type: "string", value: "key=value", repeat: true, description: "a setting key=value (repeatable; values read as JSON: 1e-3, true, [64,64], else text)" },
  "no-zoo": { type: "boolean", description: "start from the agent's own (SB3) defaults instead of the tuned config" },
  "log-dir": { type: "string", value: "dir", description: "write logs here: progress.csv, monitor.csv, TensorBoard events (and config.json)" },
  formats: { type: "string", value: "list", default: "csv,monitor,tensorboard", description: "log files in --log-dir: csv, monitor, tensorboard, jsonl" },
  save: { type: "string", value: "file", description: "save the trained agent to this file (e.g. model.mrl)" },
  "eval-every": { type: "string", value: "n", description: "evaluate every N steps (deterministic), logged as eval/mean_reward" },
  "eval-episodes": { type: "string", value: "n", default: "10", description: "episodes per evaluation" },
  json: { type: "boolean", description: "print the result as JSON (progress goes to stderr)" },
};

export const help = `Examples:
  mirror-rl train ppo CartPole-v1 --steps 100000 --log-dir runs/ppo-cartpole --save ppo.mrl
  mirror-rl train a2c CartPole-v1 --set learningRate=1e-3 --set netArch=[32,32]
  mirror-rl train ppo Pendulum-v1 --config ppo-pendulum.yaml --eval-every 20000`;

export async function run(lib, o, [algoName, envName]) {
  const { name, Agent } = findAgent(lib, algoName);
  const env = findEnv(lib, envName);
  const zoo = o.zoo === false ? undefined : zooEntry(lib, name, env);
  const config = structuredClone(zoo?.config ?? {});
  if (o.config) Object.assign(config, await readConfigFile(o.config));
  applySettings(config, o.set);
  if ("env" in config) throw usageError(`give the environment as the command's argument, not as the setting "env"`);
  const seed = o.seed !== undefined ? number("seed", o.seed, { integer: true, min: 0, max: 2 ** 32 - 1 }) : (config.seed ?? 0);
  delete config.seed;
  const steps = o.steps !== undefined ? number("steps", o.steps, { integer: true, min: 1, max: 2 ** 53 - 1 }) : (zoo?.steps ?? 100_000);
  const evalEvery = o.evalEvery !== undefined ? number("eval-every", o.evalEvery, { integer: true, min: 1 }) : undefined;
  const evalEpisodes = number("eval-episodes", o.evalEpisodes, { integer: true, min: 1, max: 1e6 });
  const formats = list(o.formats);
  const out = o.json ? process.stderr : process.stdout;
  const say = (line) => out.write(`${line}\n`);

  // The agent's constructor checks every key (unknown ones with a did-you-mean) and value.
  const agent = new Agent({ env, ...config, seed });
  const logger = o.logDir ? new lib.Logger({ dir: o.logDir, formats }) : undefined;
  if (o.logDir) {
    writeFileSync(join(o.logDir, "config.json"), JSON.stringify({ algorithm: name, env, steps, seed, config, zoo: zoo ? zoo.source : null }, null, 2) + "\n");
  }
  say(
    `${bold(`${name} on ${env}`)}: ${steps} steps, seed ${seed}` +
      dim(` (${zoo ? `tuned config: ${zoo.source}` : `${name}'s defaults`}${Object.keys(config).length ? `; ${JSON.stringify(config)}` : ""})`),
  );

  const evaluate = (episodes, evalSeed) => lib.evaluatePolicy(agent, env, { episodes, deterministic: true, seed: evalSeed });
  const evaluations = [];
  let nextEval = evalEvery;
  const progress = await progressReporter(steps, out, { label: "train" });
  const started = performance.now();
  try {
    await agent.learn(steps, {
      ...(logger ? { logger } : {}),
      callback: (info) => {
        progress.update(info);
        while (nextEval !== undefined && info.timesteps >= nextEval) {
          const ev = evaluate(evalEpisodes, 20_000 + seed);
          const meanLength = ev.lengths.reduce((a, b) => a + b, 0) / ev.lengths.length;
          evaluations.push({ timesteps: info.timesteps, mean: ev.mean, std: ev.std, meanLength });
          logger?.scalars(info.timesteps, { "eval/mean_reward": ev.mean, "eval/mean_ep_length": meanLength });
          progress.note(`eval at ${info.timesteps} steps: ${ev.mean.toFixed(1)} ± ${ev.std.toFixed(1)} over ${evalEpisodes} episodes`);
          nextEval += evalEvery;
        }
      },
    });
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const final = evaluate(evalEpisodes, 10_000 + seed);
  if (o.save) agent.saveFile(o.save);
  const result = {
    algorithm: name, env, seed, steps: agent.numTimesteps, iterations: agent.iterations, seconds, sps: agent.numTimesteps / seconds,
    recentReturn: Number.isFinite(agent.recentReturn) ? agent.recentReturn : null,
    eval: { episodes: evalEpisodes, deterministic: true, mean: final.mean, std: final.std, returns: final.returns },
    evaluations, config, tuned: zoo ? zoo.source : null, logDir: o.logDir ?? null, saved: o.save ?? null,
  };
  agent.dispose();
  if (o.json) {
    console.log(JSON.stringify(result, null, 2));
    return 0;
  }
  say(`trained ${result.steps} steps in ${seconds.toFixed(2)} s (${Math.round(result.sps)} steps/s), ${result.iterations} updates`);
  say(`${bold("evaluation")}: ${final.mean.toFixed(1)} ± ${final.std.toFixed(1)} over ${evalEpisodes} episodes (deterministic)` +
    (zoo?.target !== undefined ? dim(` — the tuned config's benchmark reaches ${zoo.target} on average`) : ""));
  if (o.logDir) say(dim(`logs: ${o.logDir} (${formats.join(", ")})`));
  if (o.save) say(dim(`saved: ${o.save}`));
  return 0;
}
