// `mirror-rl solve <mdp>`: one method run exactly on a tabular MDP — a
// classic planner (policy, value, modified policy iteration) or a Mirror
// Learning instance from the uniform policy to within a tolerance of the
// optimum — with its iterations, return eta = mu . V, gap to eta*, whether
// eta rose monotonically, and time.
import { bold, dim, duration, green, red } from "../lib/format.js";
import { number } from "../lib/parse.js";
import { MDP_HELP, PLANNERS, choose, methods, parseMdp } from "../lib/registry.js";

export const summary = "solve a tabular MDP exactly with a planner or a Mirror Learning instance";

export const args = [["<mdp>", MDP_HELP]];

export const options = {
  method: { type: "string", value: "name", default: "pi", description: "pi, vi, mpi, or an instance: gpi, npg, trpo, ppo, trl, cpi, analytical, qnpg, ampo, ... (see --help)" },
  gamma: { type: "string", value: "x", description: "discount of a generated MDP (default: the generator's)" },
  iterations: { type: "string", value: "n", default: "1000", description: "iteration cap of an instance" },
  tolerance: { type: "string", value: "x", default: "1e-8", description: "an instance stops within tolerance x max(1, |eta*|) of eta*" },
  json: { type: "boolean", description: "print the result as JSON (with the greedy actions and V)" },
};

export const help = `Methods: pi, vi, mpi (pymdptoolbox's planners), and the exact Mirror Learning instances
  gpi, npg (eta_k = 2^k), npg-100, npg-geometric (1/gamma^k), trl, trpo, ppo, cpi (alpha 0.5), cpi-optimal,
  analytical, qnpg, ampo (KL), ampo-tsallis.
Examples:
  mirror-rl solve frozenlake --method trpo
  mirror-rl solve garnet:2000,10,4 --method npg --json
  mirror-rl solve my-mdp.json --method vi`;

/** Greedy actions of a policy table. */
function actionsOf(policy, S, A) {
  const out = new Array(S);
  for (let s = 0; s < S; s++) {
    let best = 0;
    for (let a = 1; a < A; a++) if (policy[s * A + a] > policy[s * A + best]) best = a;
    out[s] = best;
  }
  return out;
}

/** Runs `method` on one MDP; the plain result of both kinds of method. */
export function solveOne(lib, mdp, method, { iterations, tolerance }) {
  // eta* = mu . V* from policy iteration (as optimise measures gaps).
  const { V } = lib.policyIteration(mdp);
  const mu = mdp.mu;
  let optimum = 0;
  for (let s = 0; s < mdp.S; s++) optimum += mu[s] * V[s];
  if (Object.hasOwn(PLANNERS, method)) {
    const started = performance.now();
    const result = PLANNERS[method].run(lib, mdp);
    const ms = performance.now() - started;
    const actions = result.actions ? Array.from(result.actions) : actionsOf(result.policy, mdp.S, mdp.A);
    const pi = lib.deterministicPolicy(actions, mdp.A);
    const exact = lib.evaluate(mdp, pi);
    return {
      method, label: PLANNERS[method].label, iterations: result.iterations, eta: exact.eta, optimum, gap: optimum - exact.eta,
      monotone: null, reached: null, ms, actions, V: Array.from(exact.V),
    };
  }
  const preset = lib.INSTANCE_PRESETS.find((p) => p.key === method);
  const run = lib.compareInstances(mdp, { iterations, tolerance, instances: [preset.key], optimum }).runs[0];
  const exact = lib.evaluate(mdp, run.policy);
  return {
    method, label: run.label, iterations: run.iterations, eta: run.eta.at(-1), optimum, gap: run.gap, monotone: run.monotone,
    worstStep: run.worstStep, reached: run.reached, ms: run.ms, etaHistory: run.eta, actions: actionsOf(run.policy, mdp.S, mdp.A),
    V: Array.from(exact.V),
  };
}

export async function run(lib, o, [spec]) {
  const method = choose("method", o.method, methods(lib));
  const gamma = o.gamma === undefined ? undefined : number("gamma", o.gamma, { min: 0, max: 0.999999999 });
  const iterations = number("iterations", o.iterations, { integer: true, min: 0, max: 1e9 });
  const tolerance = number("tolerance", o.tolerance, { min: 0 });
  const { mdp, title } = parseMdp(lib, spec, { gamma });
  const r = solveOne(lib, mdp, method, { iterations, tolerance });
  if (o.json) {
    console.log(JSON.stringify({ mdp: { spec, title, S: mdp.S, A: mdp.A, gamma: mdp.gamma, storage: mdp.format }, ...r }, null, 2));
  } else {
    console.log(`${bold(title)} ${dim(`(S = ${mdp.S}, A = ${mdp.A}, gamma = ${mdp.gamma}, ${mdp.format})`)}`);
    console.log(`${bold(r.label)}: ${r.iterations} iterations in ${duration(r.ms)}`);
    console.log(`  eta = mu·V   ${r.eta.toPrecision(10)}`);
    console.log(`  eta*         ${r.optimum.toPrecision(10)} ${dim("(policy iteration)")}`);
    console.log(`  gap          ${r.gap <= 0 ? "≤ 0" : r.gap.toExponential(2)}${r.reached === false ? red(` (not within tolerance after ${iterations} iterations)`) : ""}`);
    if (r.monotone !== null) console.log(`  monotone     ${r.monotone ? green("yes") : red("NO")} ${dim(`(smallest step ${r.worstStep.toExponential(1)})`)}`);
    if (mdp.S <= 64) console.log(`  actions      ${r.actions.join(" ")}`);
  }
  mdp.dispose?.();
  return r.monotone === false ? 1 : 0;
}
