#!/usr/bin/env node
// Agent-wise Mirror Learning on the multi-agent examples: the penalty and
// climbing matrix games (Claus & Boutilier 1998) and a two-agent gridworld.
// Each is run with the agents updating one after another (sequential: the
// joint return never falls, Li, Clavette & He 2022; Kuba et al. 2022) and all
// at once against the old joint policy (simultaneous: no guarantee). Prints
// markdown; exits with status 1 if a sequential run ever lost return.
//
//   npm run build && node examples/multi-agent.js [--sweeps 8]
import { parseArgs } from "node:util";
import { climbingGame, gpi, npg, optimiseMultiAgent, penaltyGame, twoAgentGridworld } from "mirror-rl";

const { values } = parseArgs({ options: { sweeps: { type: "string", default: "8" } } });
const sweeps = Number(values.sweeps);
if (!(Number.isInteger(sweeps) && sweeps >= 1)) throw new Error(`--sweeps must be an integer >= 1, got ${values.sweeps}`);

const cases = [
  {
    title: "penalty game (k = -10), greedy steps (gpi), both agents start at (0.6, 0, 0.4)",
    mamdp: penaltyGame(),
    update: gpi(),
    policies: [Float64Array.from([0.6, 0, 0.4]), Float64Array.from([0.6, 0, 0.4])],
  },
  {
    title: "climbing game, greedy steps (gpi), agent 0 on its middle action, agent 1 at (0.8, 0.2, 0)",
    mamdp: climbingGame(),
    update: gpi(),
    policies: [Float64Array.from([0, 1, 0]), Float64Array.from([0.8, 0.2, 0])],
  },
  {
    title: "penalty game (gamma 0.5), NPG steps eta = 5, both agents start at (0.55, 0.1, 0.35)",
    mamdp: penaltyGame({ gamma: 0.5 }),
    update: npg({ stepSize: 5 }),
    policies: [Float64Array.from([0.55, 0.1, 0.35]), Float64Array.from([0.55, 0.1, 0.35])],
  },
  {
    title: "two-agent gridworld (3x3, slip 0.1, collisions cost 1), NPG steps eta = 2, uniform start",
    mamdp: twoAgentGridworld({ slip: 0.1 }).mamdp,
    update: npg({ stepSize: 2 }),
  },
];

const row = (cells) => `| ${cells.join(" | ")} |`;
const fmt = (x) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(3));
let broken = false;
console.log("# Sequential vs simultaneous agent-wise Mirror Learning\n");
for (const c of cases) {
  const seq = optimiseMultiAgent(c.mamdp, c.update, { iterations: sweeps, policies: c.policies });
  const sim = optimiseMultiAgent(c.mamdp, c.update, { iterations: sweeps, policies: c.policies, mode: "simultaneous" });
  // Sequential: every agent's step, not only every sweep, must keep the joint eta from falling.
  const steps = [seq.history.eta[0], ...seq.history.agentEta.flat()];
  const slack = 1e-12 * Math.max(1, ...steps.map(Math.abs));
  const seqFalls = steps.slice(1).filter((e, i) => e < steps[i] - slack).length;
  const simFalls = sim.history.eta.slice(1).filter((e, i) => e < sim.history.eta[i] - slack).length;
  if (seqFalls > 0) broken = true;
  console.log(`## ${c.title}\n`);
  console.log(row(["mode", ...seq.history.eta.map((_, k) => `k = ${k}`), "sweeps that lost return"]));
  console.log(row(["---", ...seq.history.eta.map(() => "---:"), "---:"]));
  console.log(row(["sequential", ...seq.history.eta.map(fmt), `${seqFalls} (of ${steps.length - 1} agent steps)`]));
  console.log(row(["simultaneous", ...sim.history.eta.map(fmt), `${simFalls}`]));
  console.log("");
}
console.log(broken ? "A sequential run lost return: the guarantee FAILED." : "Every sequential run improved the joint return at every agent's step.");
if (broken) process.exitCode = 1;
