#!/usr/bin/env node
// AMPO with an inexact Step I (Alfano, Yuan & Rebeschini 2023): the KL mirror
// map, log-linear f = phi . theta with random features of several dimensions
// (randomFeatures; too few to represent Q), geometric steps eta_k = 1/gamma^k,
// on one garnet. Per iteration: the gap eta* - eta(pi_k) and the bound of
// ampoGapBound built from the measured fit errors (ampoStepTerms): the sup-norm
// form gamma^k Delta_0 + sum gamma^(k-1-j) (eps_j + sp_j/(1-gamma)).
// Usage: node bench/ampo-inexact.js [--iterations 60]
// Writes bench/results/ampo-inexact.svg (gap and bound against k, log scale)
// and bench/results/ampo-inexact.md. Runs the built package (npm run build).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { RESULTS, fmt, library, machine, table } from "./lib/harness.js";

const { values } = parseArgs({ options: { iterations: { type: "string", default: "60" } } });
const K = Number(values.iterations);
const m = await library();
const S = 30;
const A = 4;
const GAMMA = 0.9;
const DIMS = [4, 16, 48, 96, 112];
// Step I weighted uniformly over state-action pairs: every pair is fitted, and C_k = S A.
const FIT = { states: "uniform", actions: "uniform" };
const mdp = m.garnet({ S, A, branching: 3, gamma: GAMMA, seed: 7, format: "dense" });
const Vstar = m.policyIteration(mdp).V;
const mu = mdp.mu.slice();
const sup = (x, y) => x.reduce((a, v, i) => Math.max(a, Math.abs(v - y[i])), 0);

/** One run: gaps, Delta_k, the measured terms and the bounds. */
function run(features) {
  const terms = [];
  let prev = new Float64Array(S * A).fill(1 / A);
  let prevLog = new Float64Array(S * A).fill(-Math.log(A));
  let delta0;
  const r = m.optimise(mdp, m.ampo({ mirrorMap: "kl", stepSize: (k) => 1 / GAMMA ** k, parametrisation: { features }, fit: FIT }), {
    iterations: K,
    onIteration: ({ k, result }) => {
      const ev = result.evaluation;
      if (k === 0) delta0 = sup(Vstar, ev.V);
      const weights = m.fitWeights(FIT, prev, ev.d, mu, S, A);
      terms.push(m.ampoStepTerms({ Q: ev.Q, policy: prev, logPolicy: prevLog, f: result.f, eta: result.stepSize, weights, S, A }));
      prev = result.policy;
      prevLog = result.logPolicy;
    },
  });
  const bound = m.ampoGapBound({ gamma: GAMMA, initialError: delta0, steps: terms });
  return { gap: r.history.gap, terms, bound };
}

const runs = DIMS.map((dim) => ({ dim, ...run(m.randomFeatures(S, A, dim, new m.Rng(dim))) }));
runs.push({ dim: S * A, tabular: true, ...run(m.tabularFeatures(S, A)) });

// ----- the SVG: gap (solid) and bound (dashed) against k, log10 scale -----
const W = 760;
const H = 460;
const M = { left: 64, right: 190, top: 40, bottom: 48 };
const COLORS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#444444"];
const FLOOR = 1e-12;
const all = runs.flatMap((r) => [...r.gap, ...r.bound.bound]).filter((v) => v > FLOOR && Number.isFinite(v));
const lo = Math.floor(Math.log10(Math.max(FLOOR, Math.min(...all))));
const hi = Math.ceil(Math.log10(Math.max(...all)));
const x = (k) => M.left + ((W - M.left - M.right) * k) / K;
const y = (v) => M.top + ((H - M.top - M.bottom) * (hi - Math.log10(Math.max(v, 10 ** lo)))) / (hi - lo);
const line = (vals, color, dash) =>
  `<polyline fill="none" stroke="${color}" stroke-width="1.8"${dash ? ' stroke-dasharray="5 4"' : ""} points="${vals
    .map((v, k) => (Number.isFinite(v) ? `${x(k).toFixed(1)},${y(v).toFixed(1)}` : ""))
    .filter(Boolean)
    .join(" ")}"/>`;
const parts = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  `<rect width="${W}" height="${H}" fill="white"/>`,
  `<text x="${M.left}" y="22" font-size="14">AMPO (KL map, η_k = 1/γ^k), random features: gap η* − η(π_k) (solid) and bound (dashed)</text>`,
];
for (let e = lo; e <= hi; e++) {
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(10 ** e)}" y2="${y(10 ** e)}" stroke="#e5e5e5"/>`);
  parts.push(`<text x="${M.left - 6}" y="${y(10 ** e) + 4}" text-anchor="end">1e${e}</text>`);
}
for (let k = 0; k <= K; k += 10) {
  parts.push(`<line x1="${x(k)}" x2="${x(k)}" y1="${H - M.bottom}" y2="${H - M.bottom + 5}" stroke="#333"/>`);
  parts.push(`<text x="${x(k)}" y="${H - M.bottom + 18}" text-anchor="middle">${k}</text>`);
}
parts.push(`<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#333"/>`);
parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle">iteration k</text>`);
runs.forEach((r, i) => {
  parts.push(line(r.bound.bound, COLORS[i], true));
  parts.push(line(r.gap.map((g) => Math.max(g, FLOOR)), COLORS[i], false));
  const ly = M.top + 14 + 20 * i;
  parts.push(`<line x1="${W - M.right + 14}" x2="${W - M.right + 40}" y1="${ly - 4}" y2="${ly - 4}" stroke="${COLORS[i]}" stroke-width="2"/>`);
  parts.push(`<text x="${W - M.right + 46}" y="${ly}">${r.tabular ? `one-hot (dim ${r.dim})` : `dim ${r.dim}`}</text>`);
});
parts.push(`<text x="${W - M.right + 14}" y="${M.top + 14 + 20 * runs.length + 10}" fill="#555">S = ${S}, A = ${A}, γ = ${GAMMA}</text>`);
parts.push("</svg>");
writeFileSync(join(RESULTS, "ampo-inexact.svg"), parts.join("\n") + "\n");

// ----- the note -----
const mc = machine();
const rows = runs.map((r) => {
  const maxEps = Math.max(...r.terms.map((t) => t.epsApprox));
  const maxSp = Math.max(...r.terms.map((t) => t.span));
  const at = (k) => fmt(r.gap[k]);
  return [
    r.tabular ? `one-hot (${r.dim})` : String(r.dim),
    fmt(r.terms[0].epsApprox),
    fmt(maxEps),
    fmt(maxSp),
    fmt(maxSp / (1 - GAMMA) ** 2),
    at(0),
    at(10),
    at(K),
    fmt(r.bound.bound[K]),
    fmt(r.bound.boundL2[K]),
    r.gap.every((g, k) => g <= r.bound.bound[k] * (1 + 1e-10) + 1e-12) ? "yes" : "NO",
  ];
});
const md = [
  `<!-- Written by \`node bench/ampo-inexact.js\` on ${mc.cpu} (${mc.cores} cores), Node ${mc.node}, ${mc.date.slice(0, 10)}. -->`,
  "",
  "# AMPO with an inexact fit: gap against the bound with the measured ε_approx",
  "",
  `Garnet S = ${S}, A = ${A}, branching 3, γ = ${GAMMA}, seed 7; AMPO with the KL mirror map, f_θ = φ·θ with`,
  "`randomFeatures(S, A, dim)` (standard normal, too few columns to represent Q) or one-hot features (exact fit),",
  `Step I weighted by D_k = d_k × π_k, steps η_k = 1/γ^k, ${K} iterations from the uniform policy.`,
  "ε_approx_k = E_{D_k}[e_k²] with e_k = f_{k+1} − Q_k − (log π_k + 1)/η_k (Alfano, Yuan & Rebeschini 2023, the",
  "approximation error of Step I); sp_k = max_s (max_a e_k − min_a e_k). Bound (`ampoGapBound`):",
  "`gap_K ≤ ‖V* − V_K‖∞ ≤ γ^K ‖V* − V_0‖∞ + Σ_{k<K} γ^{K−1−k} (ε_k + sp_k/(1−γ))`, ε_k = max_s log(1/π_k(g_k(s)|s))/η_k;",
  "the L2 form replaces sp_k by 2·sqrt(C_k ε_approx_k), C_k = 1/min D_k.",
  "",
  table(
    ["dim", "ε_approx, k = 0", "max ε_approx", "max sp_k", "max sp/(1−γ)²", "gap k = 0", "gap k = 10", `gap k = ${K}`, `bound k = ${K}`, `L2 bound k = ${K}`, "gap ≤ bound at every k"],
    rows,
  ),
  "",
  "![gap and bound against iterations](ampo-inexact.svg)",
  "",
  "Reading: the linear term dies out like γ^k (the steps grow like 1/γ^k), so each bound flattens at its approximation",
  "term, at most max sp_k/(1−γ)²; the random-feature runs stall at a gap that falls as the dimension approaches",
  "S·A, and the one-hot run (exact fit, sp_k ≈ 0) converges to rounding level. The bound holds at every iteration of",
  "every run, loose by about the worst case's 1/(1−γ)². Most of ε_approx is the per-state level of the target",
  "(V_k(s) plus the normaliser of log π_k, over η_k), which random features without a per-state intercept cannot",
  "fit and which does not move the policy; sp_k measures only the part that does, so the sup-norm bound is the",
  "tighter of the two.",
  "",
].join("\n");
writeFileSync(join(RESULTS, "ampo-inexact.md"), md);
console.log(md);
mdp.dispose();
