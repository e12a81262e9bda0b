// `mirror-rl compare <mdp...>`: every exact Mirror Learning instance on each
// MDP from the uniform policy (compareInstances, the same runs as
// examples/compare-instances.js): iterations to the tolerance, final eta,
// gap, monotone improvement, time. Exit code 1 if some instance ever lost
// return (the Mirror Learning theorem says none may).
import { bold, dim, duration, green, red, table } from "../lib/format.js";
import { list, number } from "../lib/parse.js";
import { MDP_HELP, choose, parseMdp } from "../lib/registry.js";

export const summary = "run every Mirror Learning instance exactly on MDPs and compare them";

export const args = [["<mdp...>", MDP_HELP]];

export const options = {
  iterations: { type: "string", value: "n", default: "1000", description: "iteration cap per instance" },
  tolerance: { type: "string", value: "x", default: "1e-8", description: "target gap, relative to max(1, |eta*|)" },
  instances: { type: "string", value: "list", description: "comma-separated instance keys (default all: gpi, npg, trpo, ppo, ...)" },
  gamma: { type: "string", value: "x", description: "discount of generated MDPs (default: the generator's)" },
  json: { type: "boolean", description: "print the results as JSON" },
};

export const help = `Examples:
  mirror-rl compare frozenlake garnet:2000,10,4
  mirror-rl compare frozenlake:4x4 --instances gpi,npg,trpo --json`;

export async function run(lib, o, [specs]) {
  const iterations = number("iterations", o.iterations, { integer: true, min: 0, max: 1e9 });
  const tolerance = number("tolerance", o.tolerance, { min: 0 });
  const gamma = o.gamma === undefined ? undefined : number("gamma", o.gamma, { min: 0, max: 0.999999999 });
  const keys = lib.INSTANCE_PRESETS.map((p) => p.key);
  const instances = o.instances ? list(o.instances).map((k) => choose("instance", k, keys)) : keys;
  const results = [];
  for (const spec of specs) {
    const { mdp, title } = parseMdp(lib, spec, { gamma });
    const r = lib.compareInstances(mdp, { iterations, tolerance, instances });
    results.push({
      mdp: { spec, title, S: mdp.S, A: mdp.A, gamma: mdp.gamma, storage: mdp.format }, optimum: r.optimum, tolerance: r.tolerance,
      runs: r.runs.map(({ policy: _policy, ...run }) => ({ ...run, finalEta: run.eta.at(-1) })),
    });
    mdp.dispose?.();
  }
  const broken = results.flatMap((r) => r.runs.filter((run) => !run.monotone).map((run) => `${run.label} (${r.mdp.title})`));
  if (o.json) {
    console.log(JSON.stringify({ iterations, relativeTolerance: tolerance, results, monotone: broken.length === 0 }, null, 2));
    return broken.length ? 1 : 0;
  }
  for (const r of results) {
    console.log(`${bold(r.mdp.title)} ${dim(`(S = ${r.mdp.S}, A = ${r.mdp.A}, gamma = ${r.mdp.gamma}; eta* = ${r.optimum.toPrecision(10)}, target gap ≤ ${r.tolerance.toExponential(1)})`)}`);
    const rows = r.runs.map((run) => [
      run.label,
      run.reached ? String(run.iterations) : `> ${iterations}`,
      run.finalEta.toPrecision(10),
      run.gap <= 0 ? "≤ 0" : run.gap.toExponential(1),
      run.monotone ? green("yes") : red("NO"),
      duration(run.ms),
    ]);
    const columns = [
      { title: "instance", align: "left" }, { title: "iterations", align: "right" }, { title: "final eta", align: "right" },
      { title: "gap", align: "right" }, { title: "monotone", align: "left" }, { title: "time", align: "right" },
    ];
    console.log(table(columns, rows).join("\n"));
    console.log("");
  }
  console.log(broken.length ? red(`Monotone improvement FAILED for: ${broken.join(", ")}.`) : "Every instance improved monotonically.");
  return broken.length ? 1 : 0;
}
