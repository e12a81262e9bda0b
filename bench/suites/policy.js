// Suite "policy": the classic solvers on dense random MDPs (pymdptoolbox
// `rand` style, rows about half non-zero), A = 10, gamma 0.99:
// policyIteration at S = 500 and 2000 (the targets: ≤ 7 ms and
// ≤ 150 ms; numpy + single-threaded OpenBLAS pymdptoolbox: 13–21 ms and
// 0.4–0.8 s on the reference machine), and for comparison modified policy
// iteration and value iteration at S = 500.
import { fmt, library, measure, writeResults } from "../lib/harness.js";

const GAMMA = 0.99;
const lib = await library();
if (typeof lib.policyIteration !== "function" || typeof lib.randomMdp !== "function") {
  console.log("policy suite: `policyIteration` or `randomMdp` is not built yet; nothing to measure");
  process.exit(0);
}

const CASES = [
  { solver: "policyIteration", S: 500, target: "≤ 7 ms (pymdptoolbox 13–21 ms)" },
  { solver: "policyIteration", S: 2000, target: "≤ 150 ms (pymdptoolbox 0.4–0.8 s)" },
  { solver: "modifiedPolicyIteration", S: 500, target: "" },
  { solver: "valueIteration", S: 500, target: "" },
];

const rows = [];
const data = [];
for (const c of CASES) {
  const solve = lib[c.solver];
  if (typeof solve !== "function") {
    console.log(`  ${c.solver}: not built yet`);
    continue;
  }
  const mdp = lib.randomMdp({ S: c.S, A: 10, gamma: GAMMA, seed: 1 });
  const first = solve(mdp);
  // eta of the returned policy, exact, when evaluate is there: the solvers must agree.
  const eta = typeof lib.evaluate === "function" ? lib.evaluate(mdp, toPolicy(first.policy, c.S, 10)).eta : undefined;
  const [r] = await measure(`${c.solver} S=${c.S}`, [{ name: `${c.solver} S=${c.S}`, fn: () => solve(mdp) }], {
    maxTime: c.S >= 2000 ? 6 : 2,
    minSamples: 5,
  });
  data.push({ ...c, A: 10, gamma: GAMMA, iterations: first.iterations, eta, ...r });
  rows.push([c.solver, String(c.S), "10", String(first.iterations), fmt(r.ms), fmt(1000 / r.ms), eta === undefined ? "–" : eta.toFixed(6), c.target]);
  mdp.dispose?.();
}

/** The solvers' policy as pi[s*A + a] (they may return actions or a one-hot table). */
function toPolicy(policy, S, A) {
  if (policy.length === S * A) return policy;
  const pi = new Float64Array(S * A);
  for (let s = 0; s < S; s++) pi[s * A + policy[s]] = 1;
  return pi;
}

writeResults("policy", {
  title: "Classic solvers on dense random MDPs (A = 10, gamma 0.99)",
  notes: [
    "Dense random MDP as pymdptoolbox's `rand` (rows about half non-zero), seed 1, built before timing (not timed).",
    "ms: benny median per full solve from the default start; the time includes copying results out of WebAssembly memory.",
    "eta: mu·V of the returned policy by exact evaluation (the solvers should agree where they return the optimal policy).",
  ],
  header: ["solver", "S", "A", "iterations", "ms per solve", "solves/s", "eta", "target"],
  align: "lrrrrrrl",
  rows,
  data,
});
