// The computation the browser test runs twice, in headless Chromium and in
// Node, on the BUILT package (dist/ + build/mirror.wasm), so that both sides
// run the same JavaScript and the same WebAssembly. Plain JavaScript (no build
// step) so the page can import it as it is. Every result is returned as the
// hex of its float64 bytes: equal strings mean equal to the last bit
// (including -0 and NaN payloads).

/** Hex of the little-endian bytes of `values` (a Float64Array or a number). */
export function toHex(values) {
  const f = typeof values === "number" ? new Float64Array([values]) : Float64Array.from(values);
  const bytes = new Uint8Array(f.buffer);
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += bytes[i].toString(16).padStart(2, "0");
  return s;
}

/** Inverse of `toHex`. */
export function fromHex(hex) {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return new Float64Array(bytes.buffer);
}

/** A random stochastic policy pi[s*A + a] drawn from `rng`. */
function randomPolicy(rng, S, A) {
  const pi = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    let sum = 0;
    for (let a = 0; a < A; a++) sum += pi[s * A + a] = 0.05 + rng.random();
    for (let a = 0; a < A; a++) pi[s * A + a] /= sum;
  }
  return pi;
}

/**
 * Runs the scenario against the package built under `distUrl` (a URL ending in
 * `/dist/`, file: in Node, http: in the browser). `modules` are the entry
 * points to take the API from: ["index.js"] (the package root) once it is
 * built, else the concept modules that exist. Returns `{ ran: string[],
 * results: { name: hex } }`.
 */
export async function runScenario(distUrl, modules, seed) {
  const at = (path) => new URL(path, distUrl).href;
  const { init, kernels } = await import(at("core/wasm.js"));
  const { f64Block } = await import(at("core/arena.js"));
  const { Rng } = await import(at("core/rng.js"));
  const lib = Object.assign({}, ...(await Promise.all(modules.map((m) => import(at(m))))));
  await (lib.init ?? init)();

  const ran = [];
  const results = {};
  const put = (name, values) => (results[name] = toHex(values));

  // The seeded generator and the level-1 kernels: always available.
  // Normal draws go through Math.log, which JavaScript engines need not round
  // alike: they are a separate result so a difference there is named as such.
  const rng = new Rng(seed);
  const draws = new Float64Array(64);
  for (let i = 0; i < draws.length; i++) draws[i] = rng.random();
  put("rng.random", draws);
  const normals = new Float64Array(256);
  for (let i = 0; i < normals.length; i++) normals[i] = new Rng(seed + i).normal();
  put("rng.normal", normals);
  const n = 1001;
  const x = f64Block(n);
  const y = f64Block(n);
  for (let i = 0; i < n; i++) x.view[i] = rng.uniform(-2, 2);
  for (let i = 0; i < n; i++) y.view[i] = rng.uniform(-1, 1);
  const k = kernels();
  put("dotSimd", k.dotSimd(x.ptr, y.ptr, n));
  put("dotScalar", k.dotScalar(x.ptr, y.ptr, n));
  put("normInfSimd", k.normInfSimd(x.ptr, n));
  k.axpySimd(Math.PI, x.ptr, y.ptr, n);
  put("axpySimd", y.view);
  x.free();
  y.free();
  ran.push("kernels");

  // Exact evaluation on seeded garnets: a small one (dense path) and a larger
  // sparse one (iterative path), with a random stochastic policy.
  if (typeof lib.evaluate === "function" && typeof lib.garnet === "function") {
    for (const [tag, S, A, branching] of [
      ["small", 40, 4, 6],
      ["large", 3000, 3, 3],
    ]) {
      const mdp = lib.garnet({ S, A, branching, seed: seed + S });
      const result = lib.evaluate(mdp, randomPolicy(rng, S, A));
      for (const field of ["V", "Q", "advantage", "d", "eta"]) put(`evaluate.${tag}.${field}`, result[field]);
      if (typeof result.dispose === "function") result.dispose();
      if (typeof mdp.dispose === "function") mdp.dispose();
    }
    ran.push("evaluate");
  }

  if (typeof lib.policyIteration === "function" && typeof lib.garnet === "function") {
    const mdp = lib.garnet({ S: 60, A: 5, branching: 4, seed: seed + 1 });
    const solved = lib.policyIteration(mdp);
    put("policyIteration.V", solved.V);
    put("policyIteration.policy", Float64Array.from(solved.policy));
    ran.push("policyIteration");
  }
  return { ran, results };
}
