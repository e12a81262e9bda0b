/**
 * Random garnets and start policies for the property tests of test/theory/:
 * small S (5..30), A (2..5), gamma in [0.5, 0.99], branching 1..6, all drawn
 * from one seeded Rng so every run sees the same MDPs.
 */
import { garnet } from "../../src/mdp/generators/garnet.js";
import type { TabularMdp } from "../../src/mdp/tabular-mdp.js";
import { Rng } from "../../src/core/rng.js";

export interface GarnetCase {
  index: number;
  mdp: TabularMdp;
  S: number;
  A: number;
  gamma: number;
  rng: Rng;
}

/** `count` garnets from `seed`; each case also carries its own Rng for policies. Dispose with `done`. */
export function* garnetCases(count: number, seed: number, { minS = 5, maxS = 30, maxA = 5 } = {}): Generator<GarnetCase> {
  const rng = new Rng(seed);
  for (let index = 0; index < count; index++) {
    const S = minS + rng.int(maxS - minS + 1);
    const A = 2 + rng.int(maxA - 1);
    const gamma = 0.5 + 0.49 * rng.random();
    const branching = 1 + rng.int(Math.min(S, 6));
    const mdp = garnet({ S, A, branching, gamma, seed: seed * 1000 + index, format: "dense" });
    try {
      yield { index, mdp, S, A, gamma, rng: new Rng(seed * 7919 + index) };
    } finally {
      mdp.dispose();
    }
  }
}

/** A softmax policy with logits temperature * N(0, 1): full support, sharper for larger temperature. */
export function randomSoftmaxPolicy(rng: Rng, S: number, A: number, temperature = 1): Float64Array {
  const p = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    let z = 0;
    for (let a = 0; a < A; a++) {
      p[s * A + a] = Math.exp(temperature * rng.normal());
      z += p[s * A + a];
    }
    for (let a = 0; a < A; a++) p[s * A + a] /= z;
  }
  return p;
}

/** A uniformly random point of each state's simplex (flat Dirichlet), optionally with exact zeros. */
export function randomSimplexPolicy(rng: Rng, S: number, A: number): Float64Array {
  const p = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    let z = 0;
    for (let a = 0; a < A; a++) {
      p[s * A + a] = -Math.log(1 - rng.random());
      z += p[s * A + a];
    }
    for (let a = 0; a < A; a++) p[s * A + a] /= z;
  }
  return p;
}

/** Greedy action per state (ties to the lowest index) of an S*A table. */
export function argmaxRows(x: ArrayLike<number>, S: number, A: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < S; s++) {
    let b = 0;
    for (let a = 1; a < A; a++) if (x[s * A + a] > x[s * A + b]) b = a;
    out.push(b);
  }
  return out;
}
