// Suite "evaluate": exact policy evaluation `evaluate(mdp, policy)` (V, Q,
// advantage, d, eta) on dense random MDPs (pymdptoolbox `rand` style, rows half
// non-zero), S in {100, 500, 2000}, A = 10, and on a sparse garnet S = 10^6,
// A = 4, branching 4; a uniform random policy; gamma 0.99. Each case runs in
// its own process so its peak RSS is its own. Also: WASM memory growth over
// 10^4 evaluate calls on one MDP (target: none).
import { caseArgument, modelBytes, report, runCase } from "../lib/cases.js";
import { fmt, fmtBytes, library, measure, peakRss, QUICK, timeRuns, writeResults } from "../lib/harness.js";

const GAMMA = 0.99;
const CASES = {
  "dense-100": { kind: "dense", S: 100, A: 10 },
  "dense-500": { kind: "dense", S: 500, A: 10 },
  "dense-2000": { kind: "dense", S: 2000, A: 10 },
  // The target is one evaluation "to 1e-8 relative"; the library default is 1e-10.
  "sparse-1e6": { kind: "sparse", S: 1_000_000, A: 4, branching: 4, tolerance: 1e-8 },
  "sparse-1e6-default": { kind: "sparse", S: 1_000_000, A: 4, branching: 4 },
  "repeat-1e4": { kind: "repeat", S: 100, A: 10, calls: 10_000 },
};

/** Residual max_s |r_pi + gamma P_pi V - V| / (1 + |V|_inf), from Q: V(s) = sum_a pi Q. */
function relativeResidual(result, pi, S, A) {
  let res = 0;
  let vmax = 0;
  for (let s = 0; s < S; s++) {
    let v = 0;
    for (let a = 0; a < A; a++) v += pi[s * A + a] * result.Q[s * A + a];
    res = Math.max(res, Math.abs(v - result.V[s]));
    vmax = Math.max(vmax, Math.abs(result.V[s]));
  }
  return res / (1 + vmax);
}

async function runOne(name) {
  const spec = CASES[name];
  const lib = await library();
  const memory = () => lib.kernels().memory.buffer.byteLength;
  const wasmStart = memory();
  const built = performance.now();
  const mdp =
    spec.kind === "sparse"
      ? lib.garnet({ S: spec.S, A: spec.A, branching: spec.branching, gamma: GAMMA, seed: 1, format: "sparse" })
      : lib.randomMdp({ S: spec.S, A: spec.A, gamma: GAMMA, seed: 1 });
  const buildMs = performance.now() - built;
  const pi = lib.uniformPolicy(mdp);
  const model = modelBytes(mdp);
  const wasmModel = memory();

  if (spec.kind === "repeat") {
    lib.evaluate(mdp, pi); // warm-up: the first call may size the workspace
    const before = memory();
    const t = performance.now();
    for (let i = 0; i < spec.calls; i++) lib.evaluate(mdp, pi);
    report({
      name,
      ...spec,
      calls: spec.calls,
      msPerCall: (performance.now() - t) / spec.calls,
      wasmBefore: before,
      wasmAfter: memory(),
      growth: memory() - before,
    });
    return;
  }

  const options = spec.tolerance ? { tolerance: spec.tolerance } : {};
  const first = lib.evaluate(mdp, pi, options);
  const residual = relativeResidual(first, pi, spec.S, spec.A);
  const wasmPeak = memory();
  let timing;
  if (spec.kind === "sparse") {
    timing = timeRuns(() => lib.evaluate(mdp, pi, options), QUICK ? 1 : 3);
    timing.method = `median of ${timing.runs} runs`;
  } else {
    const [r] = await measure(`evaluate ${name}`, [{ name: `evaluate ${name}`, fn: () => lib.evaluate(mdp, pi) }], {
      maxTime: spec.S >= 2000 ? 5 : 2,
      minSamples: 5,
    });
    timing = { ms: r.ms, rme: r.rme, samples: r.samples, method: "benny median" };
  }
  report({
    name,
    ...spec,
    gamma: GAMMA,
    nnz: mdp.nnz,
    buildMs,
    ms: timing.ms,
    timing,
    residual,
    eta: first.eta,
    modelBytes: model,
    wasmBeforeModel: wasmStart,
    wasmAfterModel: wasmModel,
    wasmPeak,
    evaluateExtraWasm: wasmPeak - wasmModel,
    peakRss: peakRss(),
  });
}

const only = caseArgument();
if (only) {
  await runOne(only);
} else {
  const lib = await library();
  if (typeof lib.evaluate !== "function" || typeof lib.randomMdp !== "function") {
    console.log("evaluate suite: `evaluate` or `randomMdp` is not built yet; nothing to measure");
    process.exit(0);
  }
  const results = Object.keys(CASES).map((name) => {
    console.log(`  case ${name} ...`);
    const r = runCase(import.meta.url, name);
    if (r.error) console.log(`  case ${name}: FAILED (${r.error})`);
    return r;
  });
  const rows = results
    .filter((r) => !r.error && r.kind !== "repeat")
    .map((r) => [
      (r.kind === "sparse" ? `garnet (CSR), branching ${r.branching}` : "random dense") +
        (r.tolerance ? `, tolerance ${r.tolerance}` : ""),
      r.S.toLocaleString("en-US"),
      String(r.A),
      fmt(r.nnz),
      fmt(r.ms),
      fmt(1000 / r.ms),
      r.residual.toExponential(1),
      fmtBytes(r.modelBytes),
      fmtBytes(r.evaluateExtraWasm),
      fmtBytes(r.wasmPeak),
      fmtBytes(r.peakRss),
      `${((r.wasmPeak - r.wasmBeforeModel) / r.modelBytes).toFixed(2)}×`,
    ]);
  const repeat = results.find((r) => r.kind === "repeat" && !r.error);
  const failed = results.filter((r) => r.error).map((r) => `${r.name} (${r.error})`);
  writeResults("evaluate", {
    title: "Exact policy evaluation: evaluate(mdp, policy)",
    notes: [
      `gamma ${GAMMA}, uniform policy; MDP built before timing (not timed). The time includes copying the policy into WebAssembly memory and V, Q, advantage, d out of it.`,
      "Dense sizes: benny median; S = 10^6: median of 3 runs by hand (one run is seconds).",
      "residual: max_s |sum_a pi Q - V| / (1 + |V|∞) of the first result (target ≤ 1e-10 default accuracy).",
      "extra WASM: WebAssembly memory grown by evaluate beyond the model; WASM peak: whole module memory; peak RSS: whole Node process of the case.",
      "peak/model: (WASM peak − memory before the model) ÷ model bytes (target for S = 10^6: ≤ 2×).",
      repeat
        ? `WASM memory over ${repeat.calls.toLocaleString("en-US")} evaluate calls on one dense S = ${repeat.S}, A = ${repeat.A} MDP: ${fmtBytes(repeat.wasmBefore)} → ${fmtBytes(repeat.wasmAfter)} (growth ${repeat.growth} bytes; ${fmt(repeat.msPerCall)} ms per call).`
        : "The repeated-call memory check did not run.",
      ...(failed.length ? [`FAILED cases: ${failed.join(", ")}.`] : []),
    ],
    align: "lrrrrrrrrrrr",
    header: ["MDP", "S", "A", "non-zeros", "ms", "evals/s", "residual", "model", "extra WASM", "WASM peak", "peak RSS", "peak/model"],
    rows,
    data: results,
  });
  if (failed.length) process.exit(1);
}
