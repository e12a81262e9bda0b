// `mirror-rl bench [suite...]`: the repository's benchmarks (bench/run.js:
// kernels, evaluate, policy, mirror; `agents` runs bench/agents/quality.js,
// PPO and A2C with the tuned configs over seeds). Benchmarks ship with the
// repository, not with the npm package.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { usageError } from "../lib/errors.js";

export const summary = "run the benchmark suites (a repository checkout: bench/run.js)";
export const needsPackage = false;

export const args = [["[suite...]", "kernels, evaluate, policy, mirror (default all of them), or agents"]];

export const options = {
  quick: { type: "boolean", description: "fewer repetitions (bench/run.js --quick)" },
  only: { type: "string", value: "text", description: "kernels whose file or name contains this text (kernels suite)" },
  seeds: { type: "string", value: "list", description: "agents: seeds, e.g. 0-9 or 0,3 (default 0-9)" },
  case: { type: "string", value: "name", description: "agents: ppo-cartpole, ppo-acrobot, a2c-cartpole or all" },
};

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export async function run(_lib, o, [suites]) {
  const agents = suites.includes("agents");
  if (agents && suites.length > 1) throw usageError("run `agents` on its own (it takes --seeds and --case)");
  const script = agents ? "bench/agents/quality.js" : "bench/run.js";
  if (!existsSync(ROOT + script)) {
    throw new Error(`${script} is missing: the benchmarks ship with the repository, not the npm package (clone it and run npm install)`);
  }
  const argv = agents
    ? [...(o.seeds ? ["--seeds", o.seeds] : []), ...(o.case ? ["--case", o.case] : [])]
    : [...suites, ...(o.quick ? ["--quick"] : []), ...(o.only ? ["--only", o.only] : [])];
  const child = spawnSync(process.execPath, [ROOT + script, ...argv], { stdio: "inherit", cwd: ROOT });
  if (child.error) throw child.error;
  return child.status ?? 1;
}
