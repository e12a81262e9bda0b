import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { type Block, type BlockKind, f64Block, i32Block, scratch } from "../core/arena.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";
import { applyTransposedCsrTwin, type CsrTwin, policyCsrTwin } from "./bellman.twin.js";
import { type SweepRows, gaussSeidelStartTransposed, gaussSeidelSweepTransposed } from "./gauss-seidel.js";
import { gaussSeidelStartCsrTwin, gaussSeidelTransposedCsrTwin } from "./gauss-seidel.twin.js";

/**
 * A random CSR model (sorted rows of 1..maxEntries entries, or exactly `branching`) and a policy
 * with zeros and deterministic rows.
 */
function randomModel(rng: () => number, S: number, A: number, branching?: number) {
  const rowPtr = new Int32Array(S * A + 1);
  const cols: number[] = [];
  const probs: number[] = [];
  for (let r = 0; r < S * A; r++) {
    const next = new Set<number>();
    const n = branching !== undefined ? Math.min(branching, S) : 1 + Math.floor(rng() * Math.min(4, S));
    while (next.size < n) next.add(Math.floor(rng() * S));
    const js = [...next].sort((a, b) => a - b);
    const w = js.map(() => 0.05 + rng());
    const total = w.reduce((a, b) => a + b, 0);
    js.forEach((j, i) => {
      cols.push(j);
      probs.push(w[i] / total);
    });
    rowPtr[r + 1] = cols.length;
  }
  const pi = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    if (s % 3 === 0) pi[s * A + (s % A)] = 1;
    else {
      let sum = 0;
      for (let a = 0; a < A; a++) sum += pi[s * A + a] = rng() < 0.25 ? 0 : rng();
      if (sum === 0) pi[s * A] = sum = 1;
      for (let a = 0; a < A; a++) pi[s * A + a] /= sum;
    }
  }
  const csr: CsrTwin = { rowPtr, cols: Int32Array.from(cols), probs: Float64Array.from(probs) };
  return { csr, pi };
}

/** The model's rows and the policy in WebAssembly memory (blocks owned by `take`). */
function rowsIn(take: <B extends Block<BlockKind>>(b: B) => B, m: CsrTwin, pi: Float64Array, S: number, A: number): SweepRows {
  return {
    S,
    A,
    rowPtr: take(i32Block(m.rowPtr.length, m.rowPtr)),
    cols: take(i32Block(m.cols.length, m.cols)),
    probs: take(f64Block(m.probs.length, m.probs)),
    pi: take(f64Block(S * A, pi)),
  };
}

/** b2 = b + c sum(b) 1, c = gamma / ((1 - gamma) S). */
function deflated(b: Float64Array, gamma: number): Float64Array {
  const S = b.length;
  let sum = 0;
  for (const v of b) sum += v;
  const c = gamma / ((1 - gamma) * S);
  return b.map((v) => v + c * sum);
}

/** max_j |b - (I - gamma P_pi^T) d| in plain TypeScript (an independent product). */
function residualOf(m: CsrTwin, pi: Float64Array, b: Float64Array, d: Float64Array, gamma: number, A: number): number {
  const S = b.length;
  const y = new Float64Array(S);
  applyTransposedCsrTwin(m, pi, d, y, S, A, -1, gamma);
  let worst = 0;
  for (let j = 0; j < S; j++) worst = Math.max(worst, Math.abs(b[j] + y[j]));
  return worst;
}

/** Runs `sweeps` sweeps through the kernels (WebAssembly, `chunk` states per call) and the twin; returns both reports per sweep. */
function run(m: CsrTwin, pi: Float64Array, b: Float64Array, S: number, A: number, gamma: number, sweeps: number, chunk?: number) {
  const b2 = deflated(b, gamma);
  const twin = { d: new Float64Array(S), acc: new Float64Array(S), snap: new Float64Array(S), out: new Float64Array(3), sum: 0 };
  const reports: { kernel: number[]; twin: number[]; independent: number }[] = [];
  let dKernel: Float64Array = new Float64Array(S);
  scratch((take) => {
    const rows = rowsIn(take, m, pi, S, A);
    const b2B = take(f64Block(S, b2));
    const d = take(f64Block(S));
    const acc = take(f64Block(S));
    const snap = take(f64Block(S));
    const out = take(f64Block(3));
    d.view.fill(0);
    acc.view.fill(0);
    let sum = 0;
    for (let i = 0; i < sweeps; i++) {
      const r = gaussSeidelSweepTransposed(rows, gamma, b2B, d, acc, snap, sum, out, chunk);
      sum = r.sum;
      gaussSeidelTransposedCsrTwin(m, pi, b2, twin.d, twin.acc, twin.snap, S, A, gamma, twin.sum, twin.out);
      twin.sum = twin.out[2];
      expect(Array.from(d.view)).toEqual(Array.from(twin.d));
      reports.push({ kernel: [r.residual, r.norm, r.sum], twin: Array.from(twin.out), independent: residualOf(m, pi, b, twin.d, gamma, A) });
    }
    dKernel = d.toArray();
  });
  return { reports, d: dKernel };
}

describe("Gauss-Seidel sweep of the visitation system: kernel = TypeScript twin", () => {
  const rng = testRng(77);
  it.each(PARITY_LENGTHS.filter((S) => S > 0))("S = %i", (S) => {
    const A = 1 + (S % 3);
    const { csr, pi } = randomModel(rng, S, A);
    const b = randomArray(rng, S, 0, 1);
    // Chunks of 7 states (several kernel calls per sweep) must give the numbers of one call.
    const { reports, d } = run(csr, pi, b, S, A, 0.9, 3, 7);
    for (const r of reports) {
      // Same operations in the same order: the same numbers.
      expect(r.kernel).toEqual(r.twin);
      // The residual the sweep reports is the residual of its result (checked by an independent product).
      expect(Math.abs(r.kernel[0] - r.independent)).toBeLessThanOrEqual(1e-13 * (1 + r.kernel[1]));
    }
    // The warm-start accumulator of the last d: kernel (chunks of 7) = twin.
    const twinAcc = new Float64Array(S);
    const twinSum = gaussSeidelStartCsrTwin(csr, pi, d, twinAcc, S, A);
    scratch((take) => {
      const rows = rowsIn(take, csr, pi, S, A);
      const acc = take(f64Block(S));
      expect(gaussSeidelStartTransposed(rows, take(f64Block(S, d)), acc, 7)).toBe(twinSum);
      expect(Array.from(acc.view)).toEqual(Array.from(twinAcc));
    });
  });
});

describe("Gauss-Seidel sweep of the visitation system: the solution", () => {
  it("converges to the visitation d = (1 - gamma) mu^T (I - gamma P_pi)^{-1} of a fast-mixing model, each sweep at least halving the residual", () => {
    const rng = testRng(5);
    const S = 400;
    const A = 3;
    const gamma = 0.99;
    const { csr, pi } = randomModel(rng, S, A, 6);
    const b = new Float64Array(S).fill((1 - gamma) / S);
    const { reports, d } = run(csr, pi, b, S, A, gamma, 30);
    const last = reports[reports.length - 1];
    expect(last.independent).toBeLessThanOrEqual(1e-15);
    // d is a distribution (the deflation keeps the mass right).
    expect(Math.abs(d.reduce((x, y) => x + y, 0) - 1)).toBeLessThanOrEqual(1e-12);
    // Each sweep shrinks the residual by a factor well above gamma's (rate < 0.5 after the first few sweeps).
    for (let i = 4; i < 12; i++) expect(reports[i].independent).toBeLessThanOrEqual(0.5 * reports[i - 1].independent);
  });

  it("a compact P_pi (A = 1, weights 1) sweeps exactly as the model with its policy", () => {
    const rng = testRng(9);
    const S = 60;
    const A = 3;
    const { csr, pi } = randomModel(rng, S, A);
    const compact = policyCsrTwin(csr, pi, S, A);
    const b = randomArray(rng, S, 0, 1);
    const model = run(csr, pi, b, S, A, 0.95, 5);
    const viaCompact = run(compact, new Float64Array(S).fill(1), b, S, 1, 0.95, 5);
    for (let i = 0; i < 5; i++) {
      expect(Math.abs(model.reports[i].independent - viaCompact.reports[i].independent)).toBeLessThanOrEqual(1e-14);
    }
    for (let j = 0; j < S; j++) expect(Math.abs(model.d[j] - viaCompact.d[j])).toBeLessThanOrEqual(1e-14);
  });

  it("a warm start (the accumulator of a nonzero d) continues a run of sweeps: kernel = twin, and the same iterates", () => {
    const rng = testRng(13);
    const S = 97;
    const A = 3;
    const gamma = 0.95;
    const { csr, pi } = randomModel(rng, S, A);
    const b = randomArray(rng, S, 0, 1);
    // Four sweeps from 0, and the first three then restarted from their d: the fourth sweep agrees.
    const cold = run(csr, pi, b, S, A, gamma, 4);
    const three = run(csr, pi, b, S, A, gamma, 3);
    const b2 = deflated(b, gamma);
    scratch((take) => {
      const rows = rowsIn(take, csr, pi, S, A);
      const d = take(f64Block(S, three.d));
      const acc = take(f64Block(S));
      acc.view.fill(123); // overwritten
      // In chunks of 10 states: the numbers of one call, and the twin's.
      const sum = gaussSeidelStartTransposed(rows, d, acc, 10);
      const twinAcc = new Float64Array(S);
      const twinSum = gaussSeidelStartCsrTwin(csr, pi, three.d, twinAcc, S, A);
      expect(Array.from(acc.view)).toEqual(Array.from(twinAcc));
      expect(sum).toBe(twinSum);
      const r = gaussSeidelSweepTransposed(rows, gamma, take(f64Block(S, b2)), d, acc, take(f64Block(S)), sum, take(f64Block(3)));
      // sum(d) is recomputed rather than carried, so the last bits may differ from the uninterrupted run.
      for (let j = 0; j < S; j++) expect(Math.abs(d.view[j] - cold.d[j])).toBeLessThanOrEqual(1e-14 * (1 + Math.abs(cold.d[j])));
      expect(Math.abs(r.residual - cold.reports[3].kernel[0])).toBeLessThanOrEqual(1e-14);
    });
  });

  it("checks block lengths", () => {
    scratch((take) => {
      const rows = { S: 4, A: 1, rowPtr: take(i32Block(5)), cols: take(i32Block(4)), probs: take(f64Block(4)), pi: take(f64Block(4)) };
      const short = take(f64Block(3));
      const ok = take(f64Block(4));
      const out = take(f64Block(3));
      expect(() => gaussSeidelSweepTransposed(rows, 0.9, short, ok, ok, ok, 0, out)).toThrow(ValidationError);
      expect(() => gaussSeidelSweepTransposed(rows, 0.9, ok, ok, ok, ok, 0, take(f64Block(2)))).toThrow(/out/);
    });
  });
});
