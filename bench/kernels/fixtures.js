// Inputs for MDP kernel benchmarks: a model in WebAssembly memory (built by the
// package's generators) with plain copies of its arrays for the TypeScript
// twins, a policy, a value vector and output buffers of both kinds.

/** Largest |a[i] - b[i]| over two array-likes of equal length. */
export function maxDifference(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Inputs of the Mirror Learning per-state kernels: two random full-support
 * policies pi and pi2 (entries drawn from uniform(0.05, 1), rows normalised),
 * an advantage drawn from uniform(-1, 1) and centred under pi, and log pi.
 * `uniform(lo, hi)` is the caller's seeded generator.
 */
export function mirrorPolicies(uniform, S, A) {
  const n = S * A;
  const pi = new Float64Array(n);
  const pi2 = new Float64Array(n);
  const adv = new Float64Array(n);
  for (const p of [pi, pi2]) {
    for (let s = 0; s < S; s++) {
      let t = 0;
      for (let a = 0; a < A; a++) t += p[s * A + a] = uniform(0.05, 1);
      for (let a = 0; a < A; a++) p[s * A + a] /= t;
    }
  }
  for (let s = 0; s < S; s++) {
    let mean = 0;
    for (let a = 0; a < A; a++) mean += pi[s * A + a] * (adv[s * A + a] = uniform(-1, 1));
    for (let a = 0; a < A; a++) adv[s * A + a] -= mean;
  }
  return { n, pi, pi2, adv, logPi: pi.map(Math.log) };
}

/** A stochastic policy with every action positive, rows summing to 1 (seeded). */
function stochasticPolicy(rng, S, A) {
  const pi = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    let sum = 0;
    for (let a = 0; a < A; a++) sum += pi[s * A + a] = 0.1 + rng.random();
    for (let a = 0; a < A; a++) pi[s * A + a] /= sum;
  }
  return pi;
}

/** A deterministic policy (one-hot rows), actions drawn from `rng`. */
function deterministicPolicy(rng, S, A) {
  const pi = new Float64Array(S * A);
  for (let s = 0; s < S; s++) pi[s * A + rng.int(A)] = 1;
  return pi;
}

/**
 * A model with S states and A actions: dense (randomMdp, rows half non-zero)
 * or sparse (garnet CSR with `branching` next states). Fields: `mdp`, its
 * blocks, plain arrays `P` or `csr` ({ rowPtr, cols, probs }) and `R`; policies
 * `pi` (stochastic) and `piDet` (deterministic) as blocks and arrays; `V`
 * (values in [0, 10)); `out` blocks/arrays of S and S*A entries; `free()`.
 */
export function model(lib, { S, A, sparse = false, branching = 4 }) {
  const rng = new lib.Rng(7);
  const mdp = sparse
    ? lib.garnet({ S, A, branching, gamma: 0.99, seed: 3, format: "sparse" })
    : lib.randomMdp({ S, A, gamma: 0.99, seed: 3 });
  const blocks = mdp.blocks;
  const taken = [];
  const block = (kind, n, init) => {
    const b = kind === "i32" ? lib.i32Block(n, init) : lib.f64Block(n, init);
    taken.push(b);
    return b;
  };
  const pi = stochasticPolicy(rng, S, A);
  const piDet = deterministicPolicy(rng, S, A);
  const V = new Float64Array(S);
  for (let s = 0; s < S; s++) V[s] = 10 * rng.random();
  const m = {
    mdp,
    S,
    A,
    gamma: mdp.gamma,
    blocks,
    R: blocks.R.toArray(),
    P: sparse ? undefined : blocks.P.toArray(),
    csr: sparse ? { rowPtr: blocks.rowPtr.toArray(), cols: blocks.cols.toArray(), probs: blocks.probs.toArray() } : undefined,
    pi,
    piDet,
    V,
    piBlock: block("f64", S * A, pi),
    piDetBlock: block("f64", S * A, piDet),
    VBlock: block("f64", S, V),
    outS: new Float64Array(S),
    outSA: new Float64Array(S * A),
    outSBlock: block("f64", S),
    outSABlock: block("f64", S * A),
    greedy: new Int32Array(S),
    greedyBlock: block("i32", S),
    /** Frees the blocks of this fixture and the MDP. */
    free() {
      for (const b of taken) b.free();
      mdp.dispose?.();
    },
  };
  return m;
}

const cache = new Map();

/**
 * `model(lib, spec)` built once per spec and shared by every kernel of a file
 * (building a 10^6-state garnet takes seconds); `free()` of a shared model does
 * nothing: `releaseModels()` frees them all.
 */
export function sharedModel(lib, spec) {
  const key = JSON.stringify(spec);
  if (!cache.has(key)) cache.set(key, model(lib, spec));
  return { ...cache.get(key), free() {} };
}

/** Frees every model made by `sharedModel`. */
export function releaseModels() {
  for (const m of cache.values()) m.free();
  cache.clear();
}

/** "S = 2,000, A = 10" (and the branching when sparse). */
export function label(spec) {
  const base = `S = ${spec.S.toLocaleString("en-US")}, A = ${spec.A}`;
  return spec.sparse ? `${base}, CSR b = ${spec.branching}` : base;
}
