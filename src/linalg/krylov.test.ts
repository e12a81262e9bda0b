import { describe, expect, it } from "vitest";
import { arena, f64Block, i32Block, scratch, type Block } from "../core/arena.js";
import { ValidationError } from "../core/errors.js";
import { bicgstab, cg, denseOperator, gmres, type KrylovOptions, type KrylovResult, type LinearOperator } from "./krylov.js";
import { luFactor, luSolve } from "./lu.js";
import { randomArray, testRng } from "../../test/helpers/lengths.js";

type Solver = (op: LinearOperator, b: Block<"f64">, x: Block<"f64">, options: KrylovOptions) => KrylovResult;
const SOLVERS: [string, Solver][] = [
  ["gmres", gmres],
  ["bicgstab", bicgstab],
];

/** A dense row-stochastic matrix with uniform random weights (fast mixing). */
function denseStochastic(rng: () => number, n: number): Float64Array {
  const p = randomArray(rng, n * n, 0, 1);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += p[i * n + j];
    for (let j = 0; j < n; j++) p[i * n + j] /= s;
  }
  return p;
}

/** A garnet-style sparse stochastic matrix in CSR form: `branching` distinct next states per row. */
function sparseStochastic(rng: () => number, n: number, branching: number) {
  const cols = new Int32Array(n * branching);
  const vals = new Float64Array(n * branching);
  for (let i = 0; i < n; i++) {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(branching, n)) chosen.add(Math.floor(rng() * n));
    const w = Array.from(chosen, () => rng() + 1e-3);
    const total = w.reduce((a, b) => a + b, 0);
    Array.from(chosen).forEach((c, q) => {
      cols[i * branching + q] = c;
      vals[i * branching + q] = w[q] / total;
    });
  }
  return { n, branching, cols, vals };
}

/** x -> (I - gamma P) x for a CSR P, in plain TypeScript, counting applications. */
function sparseOperator(p: ReturnType<typeof sparseStochastic>, gamma: number): LinearOperator & { count: number } {
  return {
    n: p.n,
    count: 0,
    apply(x, y) {
      this.count++;
      const xv = x.view;
      const yv = y.view;
      for (let i = 0; i < p.n; i++) {
        let s = 0;
        for (let q = i * p.branching; q < (i + 1) * p.branching; q++) s += p.vals[q] * xv[p.cols[q]];
        yv[i] = xv[i] - gamma * s;
      }
    },
  };
}

/** Dense (I - gamma P) as a plain array, for the LU reference. */
function denseSystem(p: Float64Array, n: number, gamma: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) a[i] = (Math.floor(i / n) === i % n ? 1 : 0) - gamma * p[i];
  return a;
}

function csrToDense(p: ReturnType<typeof sparseStochastic>): Float64Array {
  const d = new Float64Array(p.n * p.n);
  for (let i = 0; i < p.n; i++) {
    for (let q = i * p.branching; q < (i + 1) * p.branching; q++) d[i * p.n + p.cols[q]] += p.vals[q];
  }
  return d;
}

function luReference(a: Float64Array, n: number, b: Float64Array): Float64Array {
  return scratch((take) => {
    const m = take(f64Block(n * n, a));
    const piv = take(i32Block(n));
    const x = take(f64Block(n, b));
    luFactor(m, n, piv);
    luSolve(m, n, piv, x);
    return x.toArray();
  });
}

/** |b - A x|_2 computed independently in plain TypeScript from a dense A. */
function trueResidual(a: Float64Array, n: number, x: ArrayLike<number>, b: Float64Array): number {
  let ss = 0;
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let j = 0; j < n; j++) s -= a[i * n + j] * x[j];
    ss += s * s;
  }
  return Math.sqrt(ss);
}

function maxDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

/** A counting wrapper, to check that `iterations` is the number of operator applications. */
function counted(op: LinearOperator): LinearOperator & { count: number } {
  return {
    n: op.n,
    count: 0,
    apply(x, y) {
      this.count++;
      op.apply(x, y);
    },
  };
}

describe.each(SOLVERS)("%s", (name, solve) => {
  const rng = testRng(name.length * 101);

  it.each([0.9, 0.99, 0.999])("solves (I - gamma P) x = r, dense random P, gamma = %f, as LU does", (gamma) => {
    const n = 150;
    const p = denseStochastic(rng, n);
    const a = denseSystem(p, n, gamma);
    const r = randomArray(rng, n, 0, 1);
    const ref = luReference(a, n, r);
    const live = arena().liveBlocks;
    scratch((take) => {
      const pb = take(f64Block(n * n, p));
      const op = counted(denseOperator(pb, n, { scale: -gamma, shift: 1 }));
      const b = take(f64Block(n, r));
      const x = take(f64Block(n).set(new Float64Array(n)));
      const tolerance = 1e-10;
      const result = solve(op, b, x, { tolerance });
      expect(result.converged).toBe(true);
      expect(result.iterations).toBe(op.count);
      expect(result.iterations).toBeLessThan(60);
      const res = trueResidual(a, n, x.view, r);
      expect(result.residualNorm).toBeLessThanOrEqual(tolerance);
      expect(Math.abs(res - result.residualNorm)).toBeLessThan(1e-12);
      // |x - x*|_inf <= |A^{-1}|_inf |b - A x|_inf <= |b - A x|_2 / (1 - gamma)
      expect(maxDiff(x.view, ref)).toBeLessThanOrEqual((tolerance / (1 - gamma)) * 1.01 + 1e-12);
    });
    expect(arena().liveBlocks).toBe(live);
  });

  it("solves a sparse garnet system (4 next states per row), gamma = 0.99, as LU does", () => {
    const n = 400;
    const gamma = 0.99;
    const p = sparseStochastic(rng, n, 4);
    const a = denseSystem(csrToDense(p), n, gamma);
    const r = randomArray(rng, n, -1, 1);
    const ref = luReference(a, n, r);
    scratch((take) => {
      const op = sparseOperator(p, gamma);
      const b = take(f64Block(n, r));
      const x = take(f64Block(n).set(new Float64Array(n)));
      const result = solve(op, b, x, { tolerance: 1e-9 });
      expect(result.converged).toBe(true);
      expect(result.iterations).toBe(op.count);
      expect(trueResidual(a, n, x.view, r)).toBeLessThanOrEqual(1e-9);
      expect(maxDiff(x.view, ref)).toBeLessThanOrEqual(1e-9 / (1 - gamma));
    });
  });

  it("converges from a nonzero initial guess and stops at once on the exact solution", () => {
    const n = 80;
    const gamma = 0.95;
    const p = denseStochastic(rng, n);
    const a = denseSystem(p, n, gamma);
    const r = randomArray(rng, n, 0, 1);
    const ref = luReference(a, n, r);
    scratch((take) => {
      const op = counted(denseOperator(take(f64Block(n * n, p)), n, { scale: -gamma, shift: 1 }));
      const b = take(f64Block(n, r));
      const x = take(f64Block(n, randomArray(rng, n, -5, 5)));
      expect(solve(op, b, x, { tolerance: 1e-11 }).converged).toBe(true);
      expect(maxDiff(x.view, ref)).toBeLessThan(1e-11 / (1 - gamma));
      // Starting from the solution costs exactly one application (the residual check).
      op.count = 0;
      const again = solve(op, b, x, { tolerance: 1e-9 });
      expect(again).toMatchObject({ converged: true, iterations: 1 });
      // b = 0 from x = 0: no application at all.
      const zero = take(f64Block(n).set(new Float64Array(n)));
      const x0 = take(f64Block(n).set(new Float64Array(n)));
      expect(solve(op, zero, x0, { tolerance: 0 })).toEqual({ iterations: 0, residualNorm: 0, converged: true });
    });
  });

  it("uses a right preconditioner: an exact inverse converges in one step, Jacobi on a badly scaled system", () => {
    const n = 60;
    const rngLocal = testRng(5);
    // Rows scaled over six orders of magnitude: Jacobi removes the scaling.
    const a = new Float64Array(n * n);
    const d = Array.from({ length: n }, (_, i) => 10 ** (6 * (i / (n - 1)) - 3));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) a[i * n + j] = d[i] * ((i === j ? 4 : 0) + (rngLocal() - 0.5) / n);
    }
    const r = randomArray(rngLocal, n);
    const ref = luReference(a, n, r);
    scratch((take) => {
      const op = denseOperator(take(f64Block(n * n, a)), n);
      const b = take(f64Block(n, r));
      const lu = take(f64Block(n * n, a));
      const piv = take(i32Block(n));
      luFactor(lu, n, piv);
      const exact: LinearOperator = {
        n,
        apply(x, y) {
          y.set(x.view);
          luSolve(lu, n, piv, y);
        },
      };
      const x = take(f64Block(n).set(new Float64Array(n)));
      const result = solve(op, b, x, { tolerance: 1e-9, preconditioner: exact });
      expect(result.converged).toBe(true);
      expect(result.iterations).toBeLessThanOrEqual(name === "gmres" ? 2 : 3);
      expect(maxDiff(x.view, ref)).toBeLessThan(1e-9);

      const jacobi: LinearOperator = {
        n,
        apply(x, y) {
          const xv = x.view;
          const yv = y.view;
          for (let i = 0; i < n; i++) yv[i] = xv[i] / a[i * n + i];
        },
      };
      x.set(new Float64Array(n));
      const pre = solve(op, b, x, { tolerance: 1e-9, preconditioner: jacobi });
      expect(pre.converged).toBe(true);
      expect(trueResidual(a, n, x.view, r)).toBeLessThanOrEqual(1e-9);
      x.set(new Float64Array(n));
      const plain = solve(op, b, x, { tolerance: 1e-9, maxIterations: pre.iterations });
      expect(plain.converged).toBe(false); // the same budget is not enough without it
    });
  });

  it("reports failure with the true residual, never NaN: tight budget, singular and zero operators", () => {
    const n = 100;
    const gamma = 0.999;
    const p = denseStochastic(rng, n);
    const a = denseSystem(p, n, gamma);
    const r = randomArray(rng, n);
    scratch((take) => {
      const op = counted(denseOperator(take(f64Block(n * n, p)), n, { scale: -gamma, shift: 1 }));
      const b = take(f64Block(n, r));
      const x = take(f64Block(n).set(new Float64Array(n)));
      const result = solve(op, b, x, { tolerance: 1e-14, maxIterations: 3 });
      expect(result.converged).toBe(false);
      expect(result.iterations).toBe(op.count);
      expect(result.iterations).toBeLessThanOrEqual(3);
      expect(x.view.every(Number.isFinite)).toBe(true);
      expect(Math.abs(result.residualNorm - trueResidual(a, n, x.view, r))).toBeLessThan(1e-12);

      // gamma = 1: I - P is singular and b (random) is not in its range.
      const singular = denseOperator(take(f64Block(n * n, p)), n, { scale: -1, shift: 1 });
      x.set(new Float64Array(n));
      const s = solve(singular, b, x, { tolerance: 1e-12, maxIterations: 400 });
      expect(s.converged).toBe(false);
      expect(Number.isFinite(s.residualNorm)).toBe(true);
      expect(x.view.every(Number.isFinite)).toBe(true);
      // x may drift far along the null vector 1; the residual is then only as accurate as n eps |x|.
      const xMax = Math.max(...x.view.map(Math.abs));
      const sRes = trueResidual(denseSystem(p, n, 1), n, x.view, r);
      expect(Math.abs(s.residualNorm - sRes)).toBeLessThanOrEqual(1e-12 + 4 * n * Number.EPSILON * xMax);

      // The zero operator: an immediate breakdown.
      const zeroOp: LinearOperator = { n, apply: (_x, y) => y.view.fill(0) };
      x.set(new Float64Array(n));
      const z = solve(zeroOp, b, x, { tolerance: 1e-12 });
      expect(z.converged).toBe(false);
      expect(z.residualNorm).toBeCloseTo(Math.hypot(...r), 12);
      expect(x.view.every(Number.isFinite)).toBe(true);
    });
  });

  it("handles n = 0 and n = 1", () => {
    scratch((take) => {
      const empty: LinearOperator = { n: 0, apply() {} };
      expect(solve(empty, take(f64Block(0)), take(f64Block(0)), { tolerance: 1e-12 })).toEqual({
        iterations: 0,
        residualNorm: 0,
        converged: true,
      });
      const two: LinearOperator = { n: 1, apply: (x, y) => (y.view[0] = 2 * x.view[0]) };
      const x = take(f64Block(1, [0]));
      const result = solve(two, take(f64Block(1, [3])), x, { tolerance: 1e-14 });
      expect(result.converged).toBe(true);
      expect(x.view[0]).toBeCloseTo(1.5, 14);
    });
  });

  it("throws ValidationError on bad input or an operator producing NaN, freeing its work vectors", () => {
    const live = arena().liveBlocks;
    scratch((take) => {
      const n = 4;
      const id: LinearOperator = { n, apply: (x, y) => y.set(x.view) };
      const b = take(f64Block(n, [1, 2, 3, 4]));
      const x = take(f64Block(n, [0, 0, 0, 0]));
      expect(() => solve(id, b, x, { tolerance: -1 })).toThrow(/options.tolerance: must be >= 0/);
      expect(() => solve(id, b, x, { tolerance: Number.NaN })).toThrow(/options.tolerance: must be a finite number/);
      expect(() => solve(id, b, x, { tolerance: 1, maxIterations: 0 })).toThrow(/options.maxIterations/);
      expect(() => solve(id, b, x, { tolerance: 1, restart: 2.5 })).toThrow(/options.restart/);
      expect(() => solve(id, b, b, { tolerance: 1 })).toThrow(/x: must not be the same block as b/);
      expect(() => solve(id, take(f64Block(3)), x, { tolerance: 1 })).toThrow(/b: block too short/);
      expect(() => solve({ n: 4 } as LinearOperator, b, x, { tolerance: 1 })).toThrow(/op: must be a LinearOperator/);
      expect(() => solve(id, b, x, { tolerance: 1, preconditioner: { n: 3, apply() {} } })).toThrow(
        /options.preconditioner.n: must equal the operator's n = 4/,
      );
      x.set([0, Number.NaN, 0, 0]);
      expect(() => solve(id, b, x, { tolerance: 1 })).toThrow(/x: entries must be finite \(got NaN\) at function \w+, index 1/);
      x.set([0, 0, 0, 0]);
      const nan: LinearOperator = { n, apply: (_x, y) => y.view.fill(Number.NaN) };
      expect(() => solve(nan, b, x, { tolerance: 1e-9 })).toThrow(ValidationError);
      expect(() => solve(nan, b, x, { tolerance: 1e-9 })).toThrow(/op: apply produced non-finite values/);
    });
    expect(arena().liveBlocks).toBe(live);
  });
});

describe("denseOperator", () => {
  it("applies scale M x + shift x and checks its blocks", () => {
    scratch((take) => {
      const m = take(f64Block(4, [1, 2, 3, 4]));
      const op = denseOperator(m, 2, { scale: -0.5, shift: 2 });
      const x = take(f64Block(2, [1, -1]));
      const y = take(f64Block(2));
      op.apply(x, y);
      expect(Array.from(y.view)).toEqual([-0.5 * (1 - 2) + 2, -0.5 * (3 - 4) - 2]);
      expect(() => op.apply(x, x)).toThrow(/must be distinct blocks/);
      expect(() => op.apply(x, take(f64Block(1)))).toThrow(ValidationError);
      expect(() => denseOperator(m, 3)).toThrow(/m: block too short/);
      expect(() => denseOperator(m, 2, { shift: Number.NaN })).toThrow(/shift: must be a finite number/);
    });
  });
});

describe("gmres specifics", () => {
  it("converges with any restart length, and full GMRES takes at most n steps", () => {
    const rng = testRng(99);
    const n = 40;
    const a = randomArray(rng, n * n); // nonsymmetric, indefinite
    for (let i = 0; i < n; i++) a[i * n + i] += 2 * Math.sqrt(n);
    const r = randomArray(rng, n);
    const ref = luReference(a, n, r);
    scratch((take) => {
      const op = denseOperator(take(f64Block(n * n, a)), n);
      const b = take(f64Block(n, r));
      const x = take(f64Block(n));
      for (const restart of [1, 3, 10, n, 5 * n]) {
        x.set(new Float64Array(n));
        const result = gmres(op, b, x, { tolerance: 1e-10, restart, maxIterations: 5000 });
        expect(result.converged).toBe(true);
        if (restart >= n) expect(result.iterations).toBeLessThanOrEqual(n + 1);
        expect(maxDiff(x.view, ref)).toBeLessThan(1e-9);
      }
    });
  });

  it("with restart 1 its residual never increases between cycles (minimal residual)", () => {
    const rng = testRng(4);
    const n = 30;
    const p = denseStochastic(rng, n);
    scratch((take) => {
      const op = denseOperator(take(f64Block(n * n, p)), n, { scale: -0.9, shift: 1 });
      const b = take(f64Block(n, randomArray(rng, n)));
      const x = take(f64Block(n).set(new Float64Array(n)));
      const first = gmres(op, b, x, { tolerance: 0, restart: 1, maxIterations: 2 }).residualNorm;
      let last = first;
      for (let cycle = 0; cycle < 20; cycle++) {
        // One residual application and one cycle of length 1 from the previous x.
        const result = gmres(op, b, x, { tolerance: 0, restart: 1, maxIterations: 3 });
        expect(result.iterations).toBe(3);
        expect(result.residualNorm).toBeLessThanOrEqual(last * (1 + 1e-12));
        last = result.residualNorm;
      }
      expect(last).toBeLessThan(0.5 * first);
    });
  });
});

describe("cg (symmetric positive definite systems)", () => {
  const rngCg = testRng(41);
  /** A = B^T B + shift I (n x n, symmetric positive definite), rows scaled by d on both sides. */
  function spd(n: number, shift: number, d: (i: number) => number = () => 1): Float64Array {
    const bm = randomArray(rngCg, n * n, -1, 1);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let v = i === j ? shift : 0;
        for (let k = 0; k < n; k++) v += bm[k * n + i] * bm[k * n + j];
        a[i * n + j] = d(i) * d(j) * v;
      }
    }
    return a;
  }

  it("solves as LU does, from zero and from a warm start; a Jacobi preconditioner tames bad scaling", () => {
    const n = 50;
    const a = spd(n, 1, (i) => 10 ** (4 * (i / (n - 1)) - 2));
    const r = randomArray(rngCg, n);
    const ref = luReference(a, n, r);
    scratch((take) => {
      const op = denseOperator(take(f64Block(n * n, a)), n);
      const b = take(f64Block(n, r));
      const x = take(f64Block(n).set(new Float64Array(n)));
      const jacobi: LinearOperator = {
        n,
        apply(u, y) {
          for (let i = 0; i < n; i++) y.view[i] = u.view[i] / a[i * n + i];
        },
      };
      const pre = cg(op, b, x, { tolerance: 1e-10, preconditioner: jacobi, maxIterations: 500 });
      expect(pre.converged).toBe(true);
      expect(pre.steps).toBeLessThan(pre.iterations);
      expect(trueResidual(a, n, x.view, r)).toBeLessThanOrEqual(1e-10);
      expect(maxDiff(x.view, ref)).toBeLessThan(1e-6 * Math.max(...ref.map(Math.abs)));
      // From the solution it only checks the residual.
      const again = cg(op, b, x, { tolerance: 1e-10, preconditioner: jacobi });
      expect(again.steps).toBe(0);
      expect(again.iterations).toBe(1);
      // Without the preconditioner the same budget is not enough.
      x.set(new Float64Array(n));
      const plain = cg(op, b, x, { tolerance: 1e-10, maxIterations: pre.iterations });
      expect(plain.converged).toBe(false);
      expect(Number.isFinite(plain.residualNorm)).toBe(true);
    });
  });

  it("a consistent singular system gives a solution; n = 0; bad input is a ValidationError", () => {
    const n = 6;
    // Rank 5: the last row and column repeat the first.
    const base = spd(5, 0.5);
    const a = new Float64Array(n * n);
    const at = (i: number) => (i === 5 ? 0 : i);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = base[at(i) * 5 + at(j)];
    const w = randomArray(rngCg, n);
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) r[i] += a[i * n + j] * w[j];
    scratch((take) => {
      const op = denseOperator(take(f64Block(n * n, a)), n);
      const x = take(f64Block(n).set(new Float64Array(n)));
      const result = cg(op, take(f64Block(n, r)), x, { tolerance: 1e-12 });
      expect(result.converged).toBe(true);
      expect(trueResidual(a, n, x.view, r)).toBeLessThanOrEqual(1e-12);
      expect(cg({ n: 0, apply() {} }, take(f64Block(0)), take(f64Block(0)), { tolerance: 0 })).toEqual({ iterations: 0, residualNorm: 0, converged: true, steps: 0 });
      expect(() => cg(op, take(f64Block(n, r)), x, { tolerance: -1 })).toThrow(ValidationError);
    });
  });
});
