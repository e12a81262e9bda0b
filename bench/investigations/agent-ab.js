#!/usr/bin/env node
// A/B timing of one training case between two builds of the package, in ONE
// process, interleaved (A B A B ...), so that both see the same machine load:
// the machine is shared, and only ratios measured side by side mean much.
//
//   node bench/investigations/agent-ab.js --a <dist dir> [--b <dist dir>] [--case ppo-cartpole] [--seed 0] [--reps 5] [--steps <n>]
//
// Each dist dir is a compiled package (`npm run build` output, with its
// build/ beside it). Prints per run the wall time and the process CPU time
// (process.cpuUsage, user + system) of learn(), then best and median of both
// and the B/A ratios. With --b omitted, times A alone (e.g. for a profile).
import { parseArgs } from "node:util";
import { DIST, importFromDist, median } from "../lib/builds.js";

const { values } = parseArgs({
  options: {
    a: { type: "string", default: DIST },
    b: { type: "string" },
    case: { type: "string", default: "ppo-cartpole" },
    seed: { type: "string", default: "0" },
    reps: { type: "string", default: "5" },
    steps: { type: "string" },
  },
});

const CONFIGS = {
  "ppo-cartpole": { algo: "PPO", env: "CartPole-v1", steps: 1e5,
    config: { numEnvs: 8, nSteps: 32, batchSize: 256, nEpochs: 20, gamma: 0.98, gaeLambda: 0.8, learningRate: "lin_1e-3", clipRange: "lin_0.2", entCoef: 0 } },
  "ppo-acrobot": { algo: "PPO", env: "Acrobot-v1", steps: 1e6,
    config: { numEnvs: 16, nSteps: 256, gaeLambda: 0.94, gamma: 0.99, nEpochs: 4, entCoef: 0, normalize: true } },
  "a2c-cartpole": { algo: "A2C", env: "CartPole-v1", steps: 5e5, config: { numEnvs: 8, entCoef: 0 } },
};
const c = CONFIGS[values.case];
if (!c) throw new Error(`unknown case ${values.case}: ${Object.keys(CONFIGS).join(", ")}`);
const steps = values.steps ? Number(values.steps) : c.steps;
const seed = Number(values.seed);
const reps = Number(values.reps);

const load = (dir) => importFromDist(dir, "agents/index.js");
const builds = [["A", await load(values.a)]];
if (values.b) builds.push(["B", await load(values.b)]);

async function once(mod) {
  const agent = new mod[c.algo]({ env: c.env, ...c.config, seed });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await agent.learn(steps);
  const wall = (performance.now() - t0) / 1000;
  const cu = process.cpuUsage(cpu0);
  const ev = mod.evaluatePolicy(agent, c.env, { episodes: 10, deterministic: true, seed: 10_000 + seed });
  agent.dispose();
  return { wall, cpu: (cu.user + cu.system) / 1e6, eval: ev.mean };
}

const runs = Object.fromEntries(builds.map(([n]) => [n, []]));
// One untimed warm-up each (JIT), then interleaved timed runs.
for (const [, mod] of builds) await once(mod);
for (let r = 0; r < reps; r++) {
  for (const [name, mod] of r % 2 ? [...builds].reverse() : builds) {
    const x = await once(mod);
    runs[name].push(x);
    console.log(`${name} rep ${r}: wall ${x.wall.toFixed(3)} s, cpu ${x.cpu.toFixed(3)} s, eval ${x.eval.toFixed(1)}`);
  }
}
const summary = {};
for (const [name] of builds) {
  const w = runs[name].map((x) => x.wall);
  const u = runs[name].map((x) => x.cpu);
  summary[name] = { bestWall: Math.min(...w), medWall: median(w), bestCpu: Math.min(...u), medCpu: median(u) };
  const s = summary[name];
  console.log(`${name}: wall best ${s.bestWall.toFixed(3)} median ${s.medWall.toFixed(3)} s; cpu best ${s.bestCpu.toFixed(3)} median ${s.medCpu.toFixed(3)} s`);
}
if (values.b) {
  const A = summary.A, B = summary.B;
  console.log(`B/A: wall best ${(B.bestWall / A.bestWall).toFixed(3)} median ${(B.medWall / A.medWall).toFixed(3)}; ` +
    `cpu best ${(B.bestCpu / A.bestCpu).toFixed(3)} median ${(B.medCpu / A.medCpu).toFixed(3)}`);
}
