import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { TabularMdp, type DenseMdpSpec, type SparseMdpSpec } from "./tabular-mdp.js";
import { checkDenseSpec, checkSparseSpec } from "./spec.js";
import { compensatedSum } from "../core/validate.js";

/** A valid 4-state, 2-action chain: action 0 stays, action 1 moves right (last state stays). */
function denseSpec(): DenseMdpSpec & { P: number[]; R: number[]; mu: number[] } {
  const S = 4;
  const A = 2;
  const P = new Array(S * A * S).fill(0);
  for (let s = 0; s < S; s++) {
    P[(s * A + 0) * S + s] = 1;
    P[(s * A + 1) * S + Math.min(s + 1, S - 1)] = 1;
  }
  return { S, A, P, R: [0, 1, 0, 1, 0, 1, -5, 2], gamma: 0.9, mu: [0.25, 0.25, 0.25, 0.25] };
}

function sparseSpec(): SparseMdpSpec & { rowPtr: number[]; cols: number[]; probs: number[] } {
  // S = 3, A = 1: row 0 -> {0: 0.5, 2: 0.5}, row 1 -> {1: 1}, row 2 -> {1: 0.75, 0: 0.25} (unsorted).
  return { S: 3, A: 1, rowPtr: [0, 2, 3, 5], cols: [0, 2, 1, 1, 0], probs: [0.5, 0.5, 1, 0.75, 0.25], R: [1, 2, 3], gamma: 0.5 };
}

/** Runs `fn`, expects a ValidationError, checks the message and returns the error. */
function rejects(fn: () => unknown, message: RegExp): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(message);
    return error as ValidationError;
  }
  throw new Error("expected a ValidationError");
}

describe("validation: sizes and discount", () => {
  it.each([0, -1, 2.5, Number.NaN, "4", undefined])("rejects S = %s", (S) => {
    rejects(() => TabularMdp.fromDense({ ...denseSpec(), S: S as number }), /^S: number of states must be a positive integer/);
  });
  it.each([0, -2, 1.5])("rejects A = %s", (A) => {
    rejects(() => TabularMdp.fromDense({ ...denseSpec(), A }), /^A: number of actions must be a positive integer \(got -?[\d.]+\)/);
  });
  it.each([1, -0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "0.9"])("rejects gamma = %s", (gamma) => {
    rejects(() => TabularMdp.fromDense({ ...denseSpec(), gamma: gamma as number }), /^gamma: discount must be a finite number in \[0, 1\)/);
  });
  it("accepts gamma = 0", () => {
    expect(TabularMdp.fromDense({ ...denseSpec(), gamma: 0 }).gamma).toBe(0);
  });
  it("rejects a spec that is not an object", () => {
    rejects(() => TabularMdp.fromDense(null as unknown as DenseMdpSpec), /^spec: must be an object/);
  });
});

describe("validation: dense transitions", () => {
  it("names the state, action and sum of a row that does not sum to 1 (flat)", () => {
    const spec = denseSpec();
    const r = (3 * 2 + 1) * 4;
    spec.P.fill(0, r, r + 4);
    spec.P[r + 1] = 0.5;
    spec.P[r + 3] = 0.47;
    const err = rejects(() => TabularMdp.fromDense(spec), /P: transition row does not sum to 1 \(got 0\.97\d*\) at state 3, action 1$/);
    expect(err.field).toBe("P");
    expect(err.value).toBeCloseTo(0.97, 15);
    expect(err.where).toEqual({ state: 3, action: 1 });
  });

  it("names the state and action of a bad row (nested)", () => {
    const P = [
      [[0.5, 0.5], [1, 0]],
      [[0, 1], [0.6, 0.6]],
    ];
    rejects(() => TabularMdp.fromDense({ S: 2, A: 2, P, R: [0, 0, 0, 0], gamma: 0.9 }), /sum to 1 \(got 1\.2\) at state 1, action 1/);
  });

  it("tolerates rounding within 1e-9 but not beyond", () => {
    const spec = denseSpec();
    spec.P[0] = 1 + 5e-10;
    expect(() => TabularMdp.fromDense(spec)).not.toThrow();
    spec.P[0] = 1 - 2e-9;
    rejects(() => TabularMdp.fromDense(spec), /does not sum to 1 \(got 0\.999999998\) at state 0, action 0/);
  });

  it.each([
    [-0.25, /-0\.25/],
    [Number.NaN, /NaN/],
    [Number.POSITIVE_INFINITY, /Infinity/],
    [null, /null/],
  ])("rejects probability %s with state, action and next state", (bad, shown) => {
    const spec = denseSpec();
    spec.P[(2 * 2 + 0) * 4 + 3] = bad as number;
    const err = rejects(() => TabularMdp.fromDense(spec), /^P: transition probability must be a finite number in \[0, 1\]/);
    expect(err.message).toMatch(shown);
    expect(err.message).toMatch(/at state 2, action 0, next state 3$/);
  });

  it("reports wrong flat and nested shapes with expected and actual sizes", () => {
    const spec = denseSpec();
    rejects(() => TabularMdp.fromDense({ ...spec, P: spec.P.slice(1) }), /P: wrong length: expected S\*A\*S = 32, got 31/);
    const nested = [
      [[1, 0], [0, 1]],
      [[1, 0]],
    ];
    rejects(
      () => TabularMdp.fromDense({ S: 2, A: 2, P: nested, R: [0, 0, 0, 0], gamma: 0.5 }),
      /P: wrong length: expected A rows P\[s\]\[a\] = 2, got 1 .* at state 1$/,
    );
    rejects(
      () => TabularMdp.fromDense({ S: 2, A: 1, P: [[[1, 0]], [[1]]], R: [0, 0], gamma: 0.5 }),
      /expected S entries P\[s\]\[a\]\[s'\] = 2, got 1 .*at state 1, action 0/,
    );
    rejects(() => TabularMdp.fromDense({ S: 3, A: 1, P: [[[1, 0, 0]]], R: [0, 0, 0], gamma: 0.5 }), /expected S rows P\[s\] = 3, got 1/);
    rejects(() => TabularMdp.fromDense({ ...spec, P: "oops" as unknown as number[] }), /^P: must be a Float64Array.*\(got "string"\)/);
    rejects(() => TabularMdp.fromDense({ ...spec, P: undefined as unknown as number[] }), /^P: must be/);
  });
});

describe("validation: rewards and initial distribution", () => {
  it("accepts negative rewards", () => {
    expect(TabularMdp.fromDense(denseSpec()).R[6]).toBe(-5);
  });

  it.each([Number.NaN, Number.NEGATIVE_INFINITY, "1"])("rejects reward %s with state and action", (bad) => {
    const spec = denseSpec();
    spec.R[5] = bad as number;
    rejects(() => TabularMdp.fromDense(spec), /^R: reward must be a finite number \(got .*\) at state 2, action 1$/);
  });

  it("rejects wrong reward shapes", () => {
    rejects(() => TabularMdp.fromDense({ ...denseSpec(), R: [1, 2, 3] }), /R: wrong length: expected S\*A = 8, got 3/);
    rejects(
      () => TabularMdp.fromDense({ ...denseSpec(), R: [[0, 1], [0, 1], [0], [0, 1]] }),
      /R: wrong length: expected A entries R\[s\]\[a\] = 2, got 1 .*at state 2/,
    );
  });

  it("rejects mu that is not a distribution", () => {
    rejects(() => TabularMdp.fromDense({ ...denseSpec(), mu: [0.5, 0.5, 0.5, -0.5] }), /^mu: probability must be a finite number in \[0, 1\] \(got -0\.5\) at state 3$/);
    rejects(() => TabularMdp.fromDense({ ...denseSpec(), mu: [0.5, Number.NaN, 0.5, 0] }), /mu: .*\(got NaN\) at state 1/);
    rejects(() => TabularMdp.fromDense({ ...denseSpec(), mu: [0.3, 0.3, 0.3, 0] }), /^mu: distribution does not sum to 1 \(got 0\.(9|8999+\d*)\)$/);
    rejects(() => TabularMdp.fromDense({ ...denseSpec(), mu: [1] }), /mu: wrong length: expected S = 4, got 1/);
  });

  it("sums long distributions with compensation", () => {
    const n = 1_000_000;
    const x = new Float64Array(n).fill(0.1);
    let naive = 0;
    for (let i = 0; i < n; i++) naive += 0.1;
    expect(Math.abs(compensatedSum(x) - 100000)).toBeLessThan(Math.abs(naive - 100000));
    expect(compensatedSum(x)).toBeCloseTo(100000, 9);
  });
});

describe("validation: CSR", () => {
  it("accepts a valid spec and reports whether rows were sorted", () => {
    expect(checkSparseSpec(sparseSpec())).toMatchObject({ S: 3, A: 1, nnz: 5, sorted: false });
    const sorted = { ...sparseSpec(), cols: [0, 2, 1, 0, 1], probs: [0.5, 0.5, 1, 0.25, 0.75] };
    expect(checkSparseSpec(sorted).sorted).toBe(true);
  });

  it("rejects bad row pointers", () => {
    rejects(() => TabularMdp.fromSparse({ ...sparseSpec(), rowPtr: [0, 2, 5] }), /rowPtr: wrong length: expected S\*A \+ 1 = 4, got 3/);
    rejects(() => TabularMdp.fromSparse({ ...sparseSpec(), rowPtr: [1, 2, 3, 5] }), /rowPtr: must start at 0 \(got 1\)/);
    rejects(
      () => TabularMdp.fromSparse({ ...sparseSpec(), rowPtr: [0, 3, 2, 5] }),
      /rowPtr: must be non-decreasing integers \(got 2\) at index 2, previous 3/,
    );
    rejects(() => TabularMdp.fromSparse({ ...sparseSpec(), rowPtr: [0, 2, 3, 4] }), /rowPtr: last entry must equal the number of entries cols\.length = 5 \(got 4\)/);
    rejects(() => TabularMdp.fromSparse({ ...sparseSpec(), rowPtr: [0, 1.5, 3, 5] }), /rowPtr: must be non-decreasing integers \(got 1\.5\)/);
  });

  it("rejects out-of-range and duplicate next states with state, action and entry", () => {
    rejects(
      () => TabularMdp.fromSparse({ ...sparseSpec(), cols: [0, 3, 1, 1, 0] }),
      /^cols: next state must be an integer in \[0, 3\) \(got 3\) at state 0, action 0, entry 1$/,
    );
    rejects(() => TabularMdp.fromSparse({ ...sparseSpec(), cols: [0, -1, 1, 1, 0] }), /\(got -1\)/);
    rejects(() => TabularMdp.fromSparse({ ...sparseSpec(), cols: [0, 0.5, 1, 1, 0] }), /\(got 0\.5\)/);
    // Adjacent duplicate in an otherwise sorted row, and a duplicate in an unsorted row.
    rejects(
      () => TabularMdp.fromSparse({ ...sparseSpec(), cols: [0, 2, 1, 1, 1] }),
      /^cols: duplicate next state in a transition row \(got 1\) at state 2, action 0, entry 4$/,
    );
    const S = 4;
    rejects(
      () =>
        TabularMdp.fromSparse({
          S,
          A: 1,
          rowPtr: [0, 3, 4, 5, 6],
          cols: [2, 0, 2, 1, 2, 3],
          probs: [0.25, 0.5, 0.25, 1, 1, 1],
          R: [0, 0, 0, 0],
          gamma: 0.5,
        }),
      /duplicate next state in a transition row \(got 2\) at state 0, action 0, entry 2/,
    );
  });

  it("rejects bad probabilities and rows not summing to 1", () => {
    rejects(() => TabularMdp.fromSparse({ ...sparseSpec(), probs: [0.5, 0.5, 1, 0.75] }), /probs: wrong length: expected cols\.length = 5, got 4/);
    rejects(
      () => TabularMdp.fromSparse({ ...sparseSpec(), probs: [1.5, -0.5, 1, 0.75, 0.25] }),
      /^probs: transition probability must be a finite number in \[0, 1\] \(got 1\.5\) at state 0, action 0, next state 0, entry 0$/,
    );
    rejects(
      () => TabularMdp.fromSparse({ ...sparseSpec(), probs: [0.5, 0.5, 1, 0.72, 0.25] }),
      /^P: transition row does not sum to 1 \(got 0\.97\d*\) at state 2, action 0$/,
    );
    // An empty row has probability mass 0.
    rejects(
      () => TabularMdp.fromSparse({ S: 2, A: 1, rowPtr: [0, 0, 1], cols: [0], probs: [1], R: [0, 0], gamma: 0.5 }),
      /sum to 1 \(got 0\) at state 0, action 0/,
    );
  });

  it("validates whole specs without building", () => {
    expect(checkDenseSpec(denseSpec())).toEqual({ S: 4, A: 2, gamma: 0.9, layout: "flat" });
    rejects(() => checkDenseSpec({ ...denseSpec(), R: [Number.NaN] }), /^R: wrong length/);
    rejects(() => checkSparseSpec({ ...sparseSpec(), gamma: 1 }), /^gamma/);
  });
});
