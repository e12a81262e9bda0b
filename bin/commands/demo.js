// `mirror-rl demo`: solves FrozenLake 8x8 (slippery) and a garnet MDP with the
// classic solvers (value iteration, policy iteration, modified policy
// iteration), prints values, policies, iterations and timings, and the exact
// return eta = mu . V of each returned policy by `evaluate`.
import { bold, cyan, dim, duration, green, sideBySide, table } from "../lib/format.js";

export const summary = "solve FrozenLake 8x8 and a garnet MDP with the classic solvers";

export const options = {
  states: { type: "string", value: "n", default: "500", description: "garnet: number of states S" },
  actions: { type: "string", value: "n", default: "10", description: "garnet: number of actions A" },
  branching: { type: "string", value: "n", default: "5", description: "garnet: next states per (s, a)" },
  gamma: { type: "string", value: "x", default: "0.99", description: "discount of both MDPs" },
  seed: { type: "string", value: "n", default: "1", description: "garnet seed" },
  json: { type: "boolean", default: false, description: "print the results as JSON" },
};

const SOLVERS = [
  ["value iteration", "valueIteration"],
  ["policy iteration", "policyIteration"],
  ["modified policy iteration", "modifiedPolicyIteration"],
];
const ARROWS = ["←", "↓", "→", "↑"]; // Gymnasium's FrozenLake actions: left, down, right, up

/** Parses a numeric option; throws a usage error naming the option. */
function number(name, text, { integer = false, min = -Infinity, max = Infinity } = {}) {
  const x = Number(text);
  if (text.trim() === "" || !Number.isFinite(x) || (integer && !Number.isInteger(x)) || x < min || x > max) {
    const kind = integer ? "an integer" : "a number";
    throw Object.assign(new Error(`--${name} must be ${kind} in [${min}, ${max}], got "${text}"`), { usage: true });
  }
  return x;
}

/** Deterministic actions of a solver result (its `actions`, or the argmax of its policy table). */
function actionsOf(result, S, A) {
  if (result.actions) return result.actions;
  const out = new Int32Array(S);
  for (let s = 0; s < S; s++) {
    let best = 0;
    for (let a = 1; a < A; a++) if (result.policy[s * A + a] > result.policy[s * A + best]) best = a;
    out[s] = best;
  }
  return out;
}

/** Runs every classic solver on `mdp`; each with its time, iterations and exact eta. */
function solveAll(lib, mdp) {
  const runs = [];
  for (const [label, name] of SOLVERS) {
    const solve = lib[name];
    if (typeof solve !== "function") {
      runs.push({ label, name, missing: true });
      continue;
    }
    solve(mdp); // warm-up: the first call compiles and sizes workspaces
    const t = performance.now();
    const result = solve(mdp);
    const ms = performance.now() - t;
    const actions = actionsOf(result, mdp.S, mdp.A);
    const pi = new Float64Array(mdp.S * mdp.A);
    for (let s = 0; s < mdp.S; s++) pi[s * mdp.A + actions[s]] = 1;
    const exact = lib.evaluate(mdp, pi);
    runs.push({ label, name, ms, iterations: result.iterations, actions, V: result.V, exactV: exact.V, eta: exact.eta });
  }
  return runs;
}

function solverTable(runs) {
  const best = Math.max(...runs.filter((r) => !r.missing).map((r) => r.eta));
  const reference = runs.find((r) => r.name === "policyIteration" && !r.missing);
  return table(
    [
      { title: "solver", align: "left" },
      { title: "iterations", align: "right" },
      { title: "time (warm)", align: "right" },
      { title: "eta = mu·V (exact)", align: "right" },
      { title: "vs policy iteration", align: "left" },
    ],
    runs.map((r) => {
      if (r.missing) return [r.label, "–", "–", "not available", ""];
      let versus = "";
      if (reference && r !== reference) {
        const differ = r.actions.reduce((n, a, s) => n + (a !== reference.actions[s] ? 1 : 0), 0);
        versus = differ === 0 ? "same policy" : `${differ} states differ, eta gap ${(reference.eta - r.eta).toExponential(1)}`;
      }
      const eta = r.eta.toFixed(6);
      return [r.label, String(r.iterations), duration(r.ms), r.eta === best ? green(eta) : eta, dim(versus)];
    }),
  );
}

/** FrozenLake's values and policy as two 8x8 grids side by side, holes and goal marked. */
function lakeGrids(map, V, actions) {
  const nrow = map.length;
  const ncol = map[0].length;
  const values = [dim("V (policy iteration)")];
  const policy = [dim("policy")];
  for (let r = 0; r < nrow; r++) {
    const vs = [];
    const ps = [];
    for (let c = 0; c < ncol; c++) {
      const s = r * ncol + c;
      const cell = map[r][c];
      if (cell === "H") {
        vs.push(dim("  H  "));
        ps.push(dim("H"));
      } else if (cell === "G") {
        vs.push(green("  G  "));
        ps.push(green("G"));
      } else {
        vs.push(V[s].toFixed(3));
        ps.push(cell === "S" ? cyan(ARROWS[actions[s]]) : ARROWS[actions[s]]);
      }
    }
    values.push(vs.join(" "));
    policy.push(ps.join(" "));
  }
  return sideBySide([values, policy]).map((line) => `  ${line}`);
}

export async function run(lib, values) {
  const S = number("states", values.states, { integer: true, min: 1, max: 1e7 });
  const A = number("actions", values.actions, { integer: true, min: 1, max: 1e4 });
  const branching = number("branching", values.branching, { integer: true, min: 1, max: S });
  const gamma = number("gamma", values.gamma, { min: 0, max: 0.999999999 });
  const seed = number("seed", values.seed, { integer: true, min: 0, max: 2 ** 32 - 1 });

  const lake = lib.frozenLake({ map: "8x8", slippery: true, gamma });
  const map = lib.frozenLakeMap ? lib.frozenLakeMap("8x8") : lib.FROZEN_LAKE_MAPS?.["8x8"];
  const lakeRuns = solveAll(lib, lake);
  const t = performance.now();
  const g = lib.garnet({ S, A, branching, gamma, seed });
  const garnetBuildMs = performance.now() - t;
  const garnetRuns = solveAll(lib, g);

  if (values.json) {
    const plain = (runs) =>
      runs.map(({ label, name, missing, ms, iterations, actions, exactV, eta }) =>
        missing ? { solver: name, missing } : { solver: name, ms, iterations, eta, actions: Array.from(actions), V: Array.from(exactV) },
      );
    const out = {
      frozenLake: { map: "8x8", slippery: true, S: lake.S, A: lake.A, gamma, solvers: plain(lakeRuns) },
      garnet: { S, A, branching, gamma, seed, format: g.format, solvers: plain(garnetRuns) },
    };
    console.log(JSON.stringify(out, null, 2));
    return;
  }

  const lines = [
    bold("mirror-rl demo") + dim(" — exact tabular MDPs, hot loops in WebAssembly SIMD"),
    "",
    bold(`FrozenLake 8x8, slippery`) + dim(` (S = ${lake.S}, A = ${lake.A}, gamma = ${gamma}; Gymnasium's FrozenLake-v1)`),
    ...solverTable(lakeRuns),
    "",
  ];
  const pi = lakeRuns.find((r) => r.name === "policyIteration" && !r.missing) ?? lakeRuns.find((r) => !r.missing);
  if (pi && map) lines.push(...lakeGrids(map, pi.exactV, pi.actions), "");
  lines.push(
    bold(`Garnet`) +
      dim(
        ` (S = ${S}, A = ${A}, branching ${branching}, gamma = ${gamma}, seed ${seed}; ${g.format}, built in ${duration(garnetBuildMs)})`,
      ),
    ...solverTable(garnetRuns),
    "",
    dim("Value iteration and modified policy iteration stop at an epsilon-optimal policy (pymdptoolbox's rule);"),
    dim("their V is not V*, so eta is computed exactly for every returned policy with evaluate()."),
  );
  console.log(lines.join("\n"));
  lake.dispose?.();
  g.dispose?.();
}
