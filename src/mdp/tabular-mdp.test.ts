import { describe, expect, it } from "vitest";
import { TabularMdp } from "./tabular-mdp.js";
import { arena } from "../core/arena.js";
import { Rng } from "../core/rng.js";
import { testRng } from "../../test/helpers/lengths.js";

/** A random dense MDP in plain arrays, with some exact zeros in P. */
function randomSpec(S: number, A: number, seed: number) {
  const rng = testRng(seed);
  const P = new Float64Array(S * A * S);
  for (let r = 0; r < S * A; r++) {
    let sum = 0;
    for (let j = 0; j < S; j++) {
      const v = rng() < 0.4 ? 0 : rng();
      P[r * S + j] = v;
      sum += v;
    }
    if (sum === 0) {
      P[r * S] = 1;
      sum = 1;
    }
    for (let j = 0; j < S; j++) P[r * S + j] /= sum;
  }
  const R = Float64Array.from({ length: S * A }, () => 4 * rng() - 2);
  const mu = Float64Array.from({ length: S }, () => rng());
  const total = mu.reduce((x, y) => x + y, 0);
  for (let s = 0; s < S; s++) mu[s] /= total;
  return { S, A, P, R, mu, gamma: 0.9 };
}

/** The CSR form of dense rows, built independently of the library (columns increasing). */
function csrOf(P: Float64Array, S: number, A: number) {
  const rowPtr = [0];
  const cols: number[] = [];
  const probs: number[] = [];
  for (let r = 0; r < S * A; r++) {
    for (let j = 0; j < S; j++) {
      if (P[r * S + j] !== 0) {
        cols.push(j);
        probs.push(P[r * S + j]);
      }
    }
    rowPtr.push(cols.length);
  }
  return { rowPtr, cols, probs };
}

function nest3(P: Float64Array, S: number, A: number): number[][][] {
  return Array.from({ length: S }, (_, s) =>
    Array.from({ length: A }, (_, a) => Array.from(P.subarray((s * A + a) * S, (s * A + a + 1) * S))),
  );
}

describe("TabularMdp construction", () => {
  it("flat and nested inputs give the same MDP", () => {
    const spec = randomSpec(5, 3, 1);
    const flat = TabularMdp.fromDense(spec);
    const nested = TabularMdp.fromDense({
      ...spec,
      P: nest3(spec.P, 5, 3),
      R: Array.from({ length: 5 }, (_, s) => Array.from(spec.R.subarray(s * 3, s * 3 + 3))),
      mu: Array.from(spec.mu),
    });
    expect(nested.P).toEqual(flat.P);
    expect(nested.R).toEqual(flat.R);
    expect(nested.mu).toEqual(flat.mu);
    expect(flat.P).toEqual(spec.P);
    expect([flat.S, flat.A, flat.gamma, flat.format, flat.nnz]).toEqual([5, 3, 0.9, "dense", 75]);
  });

  it("copies the caller's arrays: later writes to them do not change the MDP", () => {
    const spec = randomSpec(3, 2, 2);
    const mdp = TabularMdp.fromDense(spec);
    const before = mdp.P.slice();
    spec.P[0] = 42;
    spec.R[0] = 42;
    expect(mdp.P).toEqual(before);
    expect(mdp.R[0]).not.toBe(42);
  });

  it("mu defaults to uniform 1/S", () => {
    const { mu: _mu, ...spec } = randomSpec(7, 2, 3);
    const mdp = TabularMdp.fromDense(spec);
    expect(Array.from(mdp.mu)).toEqual(new Array(7).fill(1 / 7));
  });

  it("sparse and dense forms agree both ways", () => {
    const spec = randomSpec(9, 4, 4);
    const dense = TabularMdp.fromDense(spec);
    const csr = csrOf(spec.P, 9, 4);
    const sparse = TabularMdp.fromSparse({ ...spec, ...csr });
    expect(sparse.format).toBe("sparse");
    expect(sparse.nnz).toBe(csr.cols.length);
    expect(sparse.toDense().P).toEqual(dense.P);
    const back = dense.toSparse();
    expect(Array.from(back.rowPtr)).toEqual(csr.rowPtr);
    expect(Array.from(back.cols)).toEqual(csr.cols);
    expect(Array.from(back.probs)).toEqual(csr.probs);
    expect(back.R).toEqual(dense.R);
    expect(back.mu).toEqual(dense.mu);
  });

  it("sorts shuffled rows by next state, keeping each probability with its state", () => {
    const spec = randomSpec(40, 2, 5);
    const csr = csrOf(spec.P, 40, 2);
    const rng = new Rng(9);
    // Shuffle the entries within each row (long rows exercise the heapsort path).
    const cols = csr.cols.slice();
    const probs = csr.probs.slice();
    for (let r = 0; r < 80; r++) {
      for (let i = csr.rowPtr[r + 1] - 1; i > csr.rowPtr[r]; i--) {
        const j = csr.rowPtr[r] + rng.int(i - csr.rowPtr[r] + 1);
        [cols[i], cols[j]] = [cols[j], cols[i]];
        [probs[i], probs[j]] = [probs[j], probs[i]];
      }
    }
    expect(cols).not.toEqual(csr.cols);
    const mdp = TabularMdp.fromSparse({ ...spec, rowPtr: csr.rowPtr, cols, probs });
    expect(Array.from(mdp.cols)).toEqual(csr.cols);
    expect(Array.from(mdp.probs)).toEqual(csr.probs);
  });

  it("keeps explicitly stored zero probabilities in sparse form", () => {
    const mdp = TabularMdp.fromSparse({
      S: 2,
      A: 1,
      rowPtr: [0, 2, 3],
      cols: [1, 0, 1],
      probs: [0, 1, 1],
      R: [0, 0],
      gamma: 0.5,
    });
    expect(mdp.nnz).toBe(3);
    expect(Array.from(mdp.cols)).toEqual([0, 1, 1]);
    expect(Array.from(mdp.probs)).toEqual([1, 0, 1]);
    expect(mdp.transition(0, 0)).toEqual({ next: Int32Array.of(0), probs: Float64Array.of(1) });
  });

  it("rejects a dense model too large for wasm32 memory before reading P", () => {
    expect(() => TabularMdp.fromDense({ S: 30000, A: 1, P: [], R: [], gamma: 0.9 })).toThrow(
      /P: needs 6\.71 GiB, more than wasm32's 4 GiB memory .*fromSparse/,
    );
  });
});

describe("TabularMdp accessors", () => {
  const spec = randomSpec(6, 3, 6);
  const dense = TabularMdp.fromDense(spec);
  const sparse = TabularMdp.fromSparse({ ...spec, ...csrOf(spec.P, 6, 3) });

  it("P is dense only and the CSR getters are sparse only, with clear errors", () => {
    expect(() => sparse.P).toThrow(/sparse.*toDense\(\)/);
    expect(() => dense.rowPtr).toThrow(/dense.*toSparse\(\)/);
    expect(() => dense.cols).toThrow(/dense/);
    expect(() => dense.probs).toThrow(/dense/);
  });

  it("transition(s, a) lists the non-zero next states of both forms identically", () => {
    for (let s = 0; s < 6; s++) {
      for (let a = 0; a < 3; a++) {
        const t = dense.transition(s, a);
        expect(sparse.transition(s, a)).toEqual(t);
        const row = spec.P.subarray((s * 3 + a) * 6, (s * 3 + a + 1) * 6);
        const expectedNext = [...row.keys()].filter((j) => row[j] !== 0);
        expect(Array.from(t.next)).toEqual(expectedNext);
        expect(Array.from(t.probs)).toEqual(expectedNext.map((j) => row[j]));
        expect(dense.reward(s, a)).toBe(spec.R[s * 3 + a]);
      }
    }
    expect(() => dense.transition(6, 0)).toThrow(/state: must be an integer in \[0, 6\) \(got 6\)/);
    expect(() => dense.transition(0, 1.5)).toThrow(/action/);
  });

  it("sampleNext follows P(.|s,a) in both forms (frequencies within 5 standard errors)", () => {
    const n = 20000;
    for (const mdp of [dense, sparse]) {
      const rng = new Rng(11);
      const counts = new Float64Array(6);
      for (let i = 0; i < n; i++) counts[mdp.sampleNext(2, 1, rng)]++;
      const row = spec.P.subarray((2 * 3 + 1) * 6, (2 * 3 + 2) * 6);
      for (let j = 0; j < 6; j++) {
        const se = Math.sqrt((row[j] * (1 - row[j])) / n);
        expect(Math.abs(counts[j] / n - row[j])).toBeLessThanOrEqual(5 * se + 1e-12);
      }
    }
  });

  it("sampleInitial follows mu", () => {
    const rng = new Rng(3);
    const counts = new Float64Array(6);
    const n = 20000;
    for (let i = 0; i < n; i++) counts[dense.sampleInitial(rng)]++;
    for (let s = 0; s < 6; s++) {
      const p = spec.mu[s];
      expect(Math.abs(counts[s] / n - p)).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / n));
    }
  });

  it("views stay correct after WebAssembly memory grows", () => {
    const before = dense.P.slice();
    const big = TabularMdp.fromDense(randomSpec(120, 10, 7)); // 1.1 MB: grows memory
    expect(dense.P).toEqual(before);
    big.dispose();
  });

  it("toString and byteLength describe the model", () => {
    expect(String(dense)).toBe("TabularMdp(dense, S=6, A=3, gamma=0.9, nnz=108)");
    expect(dense.byteLength).toBe((108 + 18 + 6) * 8);
  });
});

describe("TabularMdp lifetime", () => {
  it("dispose frees every block; later use throws; dispose is idempotent", () => {
    const a = arena();
    const live = a.liveBlocks;
    const liveBytes = a.liveBytes;
    const spec = randomSpec(8, 2, 8);
    const dense = TabularMdp.fromDense(spec);
    const sparse = dense.toSparse();
    expect(a.liveBlocks).toBe(live + 3 + 5);
    dense.dispose();
    dense.dispose();
    expect(dense.disposed).toBe(true);
    expect(() => dense.P).toThrow(/used after dispose\(\)/);
    expect(() => dense.blocks).toThrow(/used after dispose\(\)/);
    expect(() => dense.transition(0, 0)).toThrow(/used after dispose\(\)/);
    // The sparse copy has its own memory.
    expect(sparse.toDense().P).toEqual(spec.P);
    sparse.dispose();
    expect(a.liveBlocks).toBeLessThanOrEqual(live + 3); // the toDense() copy above is not disposed
  });

  it("repeated build and dispose does not grow WebAssembly memory", () => {
    const spec = randomSpec(30, 4, 9);
    TabularMdp.fromDense(spec).dispose();
    const bytes = arena().memoryBytes;
    for (let i = 0; i < 200; i++) {
      const m = TabularMdp.fromDense(spec);
      m.toSparse().dispose();
      m.dispose();
    }
    expect(arena().memoryBytes).toBe(bytes);
  });

  it("toDense of a dense MDP is an independent copy", () => {
    const m = TabularMdp.fromDense(randomSpec(4, 2, 10));
    const c = m.toDense();
    expect(c).not.toBe(m);
    m.dispose();
    expect(c.P.length).toBe(32);
  });

  it("cannot be constructed directly", () => {
    const Ctor = TabularMdp as unknown as new (...args: unknown[]) => TabularMdp;
    expect(() => new Ctor(Symbol("x"), 1, 1, 0.5, {})).toThrow(/fromDense/);
  });
});
