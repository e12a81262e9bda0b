#!/usr/bin/env node
// Every Mirror Learning instance on FrozenLake 8x8 (slippery, gamma 0.99) and
// on a sparse garnet with S = 2000, A = 10, run exactly from the uniform
// policy: eta(pi_k) at a few iterations, how many iterations each needs to
// come within 1e-8 of the optimum, and a check that each one improved
// monotonically (the Mirror Learning theorem). Prints markdown; exits with
// status 1 if some instance ever lost return.
//
//   npm run build && node examples/compare-instances.js [--cap 1000] [--mdp lake|garnet|both]
import { parseArgs } from "node:util";
import {
  ampo,
  analytical,
  cpi,
  frozenLake,
  garnet,
  gpi,
  npg,
  optimise,
  policyIteration,
  ppo,
  qNpg,
  tabularFeatures,
  trl,
  trpo,
  tsallis,
} from "mirror-rl";

const { values } = parseArgs({
  options: { cap: { type: "string", default: "1000" }, mdp: { type: "string", default: "both" } },
});
const cap = Number(values.cap);
if (!(Number.isInteger(cap) && cap >= 1)) throw new Error(`--cap must be an integer >= 1, got ${values.cap}`);
if (!["lake", "garnet", "both"].includes(values.mdp)) throw new Error(`--mdp must be lake, garnet or both, got ${values.mdp}`);

const doubling = (k) => 2 ** k;
/** The 13 instances; qNpg's one-hot features depend on the MDP's size. */
const instances = (mdp) => [
  ["gpi", gpi()],
  ["npg, eta = 100", npg({ stepSize: 100 })],
  ["npg, eta_k = 1/gamma^k", npg({ stepSize: (k) => 1 / mdp.gamma ** k })],
  ["npg, eta_k = 2^k", npg({ stepSize: doubling })],
  ["trl, C = 0.001", trl({ C: 0.001 })],
  ["trpo, delta = 0.1", trpo({ delta: 0.1 })],
  ["ppo, epsilon = 0.2", ppo({ epsilon: 0.2 })],
  ["cpi, alpha*", cpi({ alpha: "optimal" })],
  ["cpi, alpha = 0.5", cpi({ alpha: 0.5 })],
  ["analytical", analytical()],
  ["qNpg, one-hot features, eta_k = 2^k", qNpg({ features: tabularFeatures(mdp.S, mdp.A), stepSize: doubling, fit: { states: "uniform", actions: "uniform" } })],
  ["ampo, KL, eta_k = 2^k", ampo({ mirrorMap: "kl", stepSize: doubling })],
  ["ampo, Tsallis q = 0.5, eta_k = 2^k", ampo({ mirrorMap: tsallis(0.5), stepSize: doubling })],
];

const row = (cells) => `| ${cells.join(" | ")} |`;
const rule = (n) => row(["---", ...Array(n - 1).fill("---:")]);
const checkpoints = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((k) => k <= cap);

/** Runs every instance on one MDP, prints its two tables, and returns the labels of runs that lost return. */
function compare(title, mdp) {
  // eta* = mu . V* from policy iteration (exact evaluation): the reference every gap is measured against.
  const { V } = policyIteration(mdp);
  let optimum = 0;
  for (let s = 0; s < mdp.S; s++) optimum += mdp.mu[s] * V[s];
  // "Optimal" means within 1e-8 relative; monotone means no step loses more than rounding.
  const scale = Math.max(1, Math.abs(optimum));
  const tolerance = 1e-8 * scale;
  const slack = 1e-12 * scale;
  const runs = instances(mdp).map(([label, update]) => {
    const started = performance.now();
    const result = optimise(mdp, update, { iterations: cap, tolerance, optimum });
    const ms = performance.now() - started;
    const { eta, improvement } = result.history;
    const worst = improvement.length ? Math.min(...improvement) : 0;
    return { label, result, ms, eta, worst, monotone: worst >= -slack };
  });

  console.log(`# Mirror Learning instances on ${title}\n`);
  console.log(`eta* = ${optimum.toFixed(10)} (policy iteration); target eta* − eta ≤ ${tolerance.toExponential(2)}; cap ${cap} iterations; start: uniform policy.\n`);
  console.log("## eta(pi_k)\n");
  console.log(row(["instance", ...checkpoints.map((k) => `k = ${k}`)]));
  console.log(rule(checkpoints.length + 1));
  for (const r of runs) {
    // After the target is reached the run stops: later columns are empty.
    console.log(row([r.label, ...checkpoints.map((k) => (k < r.eta.length ? r.eta[k].toPrecision(8) : ""))]));
  }
  console.log("\n## Iterations to within 1e-8 of optimal\n");
  console.log(row(["instance", "iterations", "ms", "final gap", "monotone"]));
  console.log(rule(5));
  for (const r of runs) {
    const reached = r.result.stopped === "tolerance";
    const gap = r.result.history.gap[r.result.history.gap.length - 1];
    console.log(
      row([
        r.label,
        reached ? String(r.result.iterations) : `not within ${cap}`,
        r.ms.toFixed(1),
        gap <= 0 ? "≤ 0" : gap.toExponential(1),
        r.monotone ? `yes (smallest step ${r.worst.toExponential(1)})` : `NO (worst step ${r.worst.toExponential(1)})`,
      ]),
    );
  }
  console.log("");
  return runs.filter((r) => !r.monotone).map((r) => `${r.label} (${title})`);
}

const broken = [];
if (values.mdp !== "garnet") broken.push(...compare("FrozenLake 8x8 (slippery, gamma 0.99)", frozenLake({ map: "8x8", slippery: true, gamma: 0.99 })));
if (values.mdp !== "lake") {
  const mdp = garnet({ S: 2000, A: 10, branching: 4, gamma: 0.99, seed: 1, format: "sparse" });
  broken.push(...compare("a sparse garnet (S = 2000, A = 10, branching 4, gamma 0.99, seed 1)", mdp));
}
console.log(broken.length ? `Monotone improvement FAILED for: ${broken.join(", ")}.` : "Every instance improved monotonically.");
if (broken.length) process.exitCode = 1;
