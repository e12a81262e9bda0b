#!/usr/bin/env node
// Every Mirror Learning instance on FrozenLake 8x8 (slippery, gamma 0.99) and
// on a sparse garnet with S = 2000, A = 10, run exactly from the uniform
// policy: eta(pi_k) at a few iterations, how many iterations each needs to
// come within 1e-8 of the optimum, and a check that each one improved
// monotonically (the Mirror Learning theorem). Prints markdown; exits with
// status 1 if some instance ever lost return. The runs are the package's
// compareInstances (also behind `mirror-rl compare`).
//
//   npm run build && node examples/compare-instances.js [--cap 1000] [--mdp lake|garnet|both]
import { parseArgs } from "node:util";
import { compareInstances, frozenLake, garnet } from "mirror-rl";

const { values } = parseArgs({
  options: { cap: { type: "string", default: "1000" }, mdp: { type: "string", default: "both" } },
});
const cap = Number(values.cap);
if (!(Number.isInteger(cap) && cap >= 1)) throw new Error(`--cap must be an integer >= 1, got ${values.cap}`);
if (!["lake", "garnet", "both"].includes(values.mdp)) throw new Error(`--mdp must be lake, garnet or both, got ${values.mdp}`);

const row = (cells) => `| ${cells.join(" | ")} |`;
const rule = (n) => row(["---", ...Array(n - 1).fill("---:")]);
const checkpoints = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((k) => k <= cap);

/** Runs every instance on one MDP, prints its two tables, and returns the labels of runs that lost return. */
function compare(title, mdp) {
  // "Optimal" means within 1e-8 relative of eta* (policy iteration); monotone means no step loses more than rounding.
  const { optimum, tolerance, runs } = compareInstances(mdp, { iterations: cap, tolerance: 1e-8 });

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
    console.log(
      row([
        r.label,
        r.reached ? String(r.iterations) : `not within ${cap}`,
        r.ms.toFixed(1),
        r.gap <= 0 ? "≤ 0" : r.gap.toExponential(1),
        r.monotone ? `yes (smallest step ${r.worstStep.toExponential(1)})` : `NO (worst step ${r.worstStep.toExponential(1)})`,
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
