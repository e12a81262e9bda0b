// `mirror-rl eval <model>`: loads a saved agent (any algorithm the package
// exports; the file says which) and runs SB3's evaluate_policy on its
// environment: mean and standard deviation of the episode returns.
import { readFileSync } from "node:fs";
import { usageError } from "../lib/errors.js";
import { bold, dim } from "../lib/format.js";
import { number } from "../lib/parse.js";
import { loadKernels } from "../lib/package.js";
import { findAgent, findEnv } from "../lib/registry.js";

export const summary = "evaluate a saved agent (mean and std of episode returns)";
export const needsPackage = false;

export const args = [["<model>", "a file written by `mirror-rl train --save` or agent.saveFile()"]];

export const options = {
  episodes: { type: "string", value: "n", default: "10", description: "episodes to run" },
  deterministic: { type: "boolean", default: true, description: "take the most probable action (the default, as SB3's evaluate_policy)" },
  stochastic: { type: "boolean", description: "sample actions from the policy instead" },
  seed: { type: "string", value: "n", default: "0", description: "episode i is reset with seed + i" },
  env: { type: "string", value: "id", description: "environment id (default: the one the agent was trained on)" },
  json: { type: "boolean", description: "print the result as JSON" },
};

export async function run(_lib, o, [path]) {
  const episodes = number("episodes", o.episodes, { integer: true, min: 1, max: 1e7 });
  const seed = number("seed", o.seed, { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER });
  const { lib, kernels } = await loadKernels();
  let bytes;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (error) {
    throw usageError(`cannot read ${path} (${error.code ?? error.message})`);
  }
  const payload = kernels.decodeAgentFile(bytes); // a ValidationError for a file that is not an agent
  const { name, Agent } = findAgent(lib, String(payload.algorithm));
  const env = o.env ? findEnv(lib, o.env) : payload.config?.env;
  if (typeof env !== "string") throw usageError(`${path} was trained on a user environment: give --env <id>`);
  const agent = Agent.load(bytes, o.env ? { env } : {});
  const deterministic = !o.stochastic;
  const started = performance.now();
  const r = lib.evaluatePolicy(agent, env, { episodes, deterministic, seed });
  const seconds = (performance.now() - started) / 1000;
  const result = {
    model: path, algorithm: name, env, episodes, deterministic, seed, mean: r.mean, std: r.std, returns: r.returns, lengths: r.lengths,
    trainedSteps: agent.numTimesteps, seconds,
  };
  agent.dispose();
  if (o.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`${bold(`${name} on ${env}`)} ${dim(`(${path}, trained ${result.trainedSteps} steps)`)}`);
    console.log(`mean return ${r.mean.toFixed(2)} ± ${r.std.toFixed(2)} over ${episodes} episodes (${deterministic ? "deterministic" : "sampled actions"}, seeds ${seed}..${seed + episodes - 1})`);
  }
  return 0;
}
