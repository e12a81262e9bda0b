// Hostile inputs to exact evaluation and the classic solvers: policies, value
// vectors, options, and discounts near 1. Every call returns a correct answer
// (checked against its defining equation) or a ValidationError naming the
// field, in bounded time.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  TabularMdp,
  discountedVisitation,
  evaluate,
  modifiedPolicyIteration,
  optimalityBackup,
  optimalityResidual,
  policyIteration,
  policyValue,
  qFromV,
  uniformPolicy,
  valueIteration,
} from "../../src/index.js";
import { DEFAULT_MAX_IMPROVEMENTS, DEFAULT_VALUE_ITERATION_CAP } from "../../src/planning/index.js";
import { f64Block } from "../../src/core/arena.js";
import {
  denseSpec,
  expectValidOrValidationError,
  expectValidationErrorFrom,
  hostileNumber,
  hostileOptions,
  hostileValue,
  numberOr,
  runs,
  stochasticRows,
} from "./helpers.js";

/** max_s |r_pi + gamma P_pi V - V|, computed here in plain TypeScript from the dense model. */
function bellmanResidual(mdp: TabularMdp, pi: ArrayLike<number>, V: ArrayLike<number>): number {
  const { S, A, gamma } = mdp;
  const P = mdp.P;
  const R = mdp.R;
  let worst = 0;
  for (let s = 0; s < S; s++) {
    let v = 0;
    for (let a = 0; a < A; a++) {
      const p = pi[s * A + a];
      if (p === 0) continue;
      let next = 0;
      for (let t = 0; t < S; t++) next += P[(s * A + a) * S + t] * V[t];
      v += p * (R[s * A + a] + gamma * next);
    }
    worst = Math.max(worst, Math.abs(v - V[s]));
  }
  return worst;
}

/** A policy arbitrary for S*A: mostly valid rows, sometimes one hostile change. */
function policyFor(S: number, A: number): fc.Arbitrary<unknown> {
  const valid = stochasticRows(S, A);
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 1, arbitrary: fc.tuple(valid, fc.nat(), hostileNumber).map(([p, i, v]) => { const q = Array.from(p); q[i % q.length] = v; return q; }) },
    { weight: 1, arbitrary: hostileValue },
    { weight: 1, arbitrary: valid.map((p) => Array.from(p).slice(1)) },
  );
}

describe("evaluate, policyValue, discountedVisitation, qFromV", () => {
  it("any policy and options: V solves the Bellman equation and d is a distribution, or a ValidationError", () => {
    fc.assert(
      fc.property(
        denseSpec(5, 3).chain((spec) => fc.tuple(fc.constant(spec), policyFor(spec.S, spec.A))),
        hostileOptions({
          solver: fc.constantFrom("auto", "lu", "gmres", "bicgstab", "iterative", "richardson", "cholesky"),
          tolerance: numberOr(1e-12, 1e-6),
          // Explicit caps large enough for these models: a smaller one is a ConvergenceError, the documented answer to a cap too low.
          maxIterations: fc.oneof(fc.integer({ min: 5000, max: 20000 }), hostileNumber.filter((x) => !(Number.isInteger(x) && x >= 1 && x < 5000))),
        }),
        ([spec, pi], options) => {
          // An explicit cap below what the solver needs is answered by a ConvergenceError (documented): not hostile input.
          const cap = (options as { maxIterations?: unknown } | null)?.maxIterations;
          fc.pre(!(typeof cap === "number" && Number.isSafeInteger(cap) && cap >= 1 && cap < 5000));
          const mdp = TabularMdp.fromDense(spec);
          try {
            expectValidOrValidationError(
              () => evaluate(mdp, pi as never, options as never),
              (ev) => {
                const scale = 1 + Math.max(...Array.from(ev.V, Math.abs));
                expect(bellmanResidual(mdp, pi as ArrayLike<number>, ev.V)).toBeLessThan(1e-5 * scale);
                const sum = ev.d.reduce((x, y) => x + y, 0);
                expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
              },
              { fields: /^(options|policy|solver|tolerance|maxIterations)$/ },
            );
            expectValidOrValidationError(() => policyValue(mdp, pi as never, options as never), () => {}, {
              fields: /^(options|policy|solver|tolerance|maxIterations)$/,
            });
            expectValidOrValidationError(() => discountedVisitation(mdp, pi as never, options as never), () => {}, {
              fields: /^(options|policy|solver|tolerance|maxIterations)$/,
            });
          } finally {
            mdp.dispose();
          }
        },
      ),
      runs(150),
    );
  });

  it("warm starts and value vectors: wrong lengths, NaN, strings and views of WebAssembly memory", () => {
    const mdp = TabularMdp.fromDense({ S: 3, A: 1, P: [0, 1, 0, 0, 0, 1, 1, 0, 0], R: [1, 2, 3], gamma: 0.5 });
    const pi = uniformPolicy(mdp);
    const exact = evaluate(mdp, pi);
    fc.assert(
      fc.property(fc.oneof(hostileValue, fc.float64Array({ minLength: 3, maxLength: 3 })), (x) => {
        expectValidOrValidationError(() => evaluate(mdp, pi, { initialValues: x as never, initialVisitation: x as never }), (ev) => {
          for (let s = 0; s < 3; s++) expect(ev.V[s]).toBeCloseTo(exact.V[s], 9);
        }, { fields: ["initialValues", "initialVisitation"] });
        expectValidOrValidationError(() => qFromV(mdp, x as never), (Q) => expect(Q.length).toBe(3), { fields: ["V"] });
      }),
      runs(200),
    );
    // A warm start that is a view of WebAssembly memory is read correctly even when the solve allocates.
    const block = f64Block(3, exact.V);
    const ev = evaluate(mdp, pi, { initialValues: block.view, solver: "gmres" });
    for (let s = 0; s < 3; s++) expect(ev.V[s]).toBeCloseTo(exact.V[s], 9);
    block.free();
    mdp.dispose();
  });
});

describe("valueIteration, policyIteration, modifiedPolicyIteration", () => {
  it("hostile options are ValidationErrors; valid runs give epsilon-optimal policies (checked against policy iteration)", () => {
    fc.assert(
      fc.property(
        denseSpec(5, 3),
        hostileOptions({
          epsilon: numberOr(1e-6, 0.1),
          maxIterations: fc.oneof(fc.integer({ min: 1, max: 2000 }), fc.constant(Infinity), hostileNumber),
          initialValue: fc.oneof(fc.double({ min: -5, max: 5, noNaN: true }), hostileValue),
          tieTolerance: numberOr(0, 1e-6),
        }),
        (spec, options) => {
          const mdp = TabularMdp.fromDense(spec);
          try {
            const star = policyIteration(mdp);
            expectValidOrValidationError(
              () => valueIteration(mdp, options as never),
              (r) => {
                for (const v of r.V) expect(Number.isFinite(v)).toBe(true);
                if (!r.converged) {
                  expect(r.iterations).toBe(r.maxIterations);
                  return;
                }
                const o = options as { epsilon?: number; tieTolerance?: number; initialValue?: number | ArrayLike<number> };
                const eps = o.epsilon ?? 0.01;
                // Greedy steps treat actions within tau = tieTolerance (1 + |V|) as tied (src/planning/optimality.ts),
                // which can cost tau / (1 - gamma) more than epsilon.
                const v0 = typeof o.initialValue === "number" ? Math.abs(o.initialValue) : Math.max(0, ...Array.from(o.initialValue ?? [0], (x) => Math.abs(x)));
                const vMax = Math.max(v0, Math.max(...Array.from(spec.R, Math.abs)) / (1 - spec.gamma));
                const slack = (2 * (o.tieTolerance ?? 1e-10) * (1 + vMax)) / (1 - spec.gamma);
                const V = evaluate(mdp, r.policy).V;
                for (let s = 0; s < mdp.S; s++) expect(star.V[s] - V[s]).toBeLessThan(eps + slack + 1e-9 * (1 + Math.abs(star.V[s])));
              },
              { fields: /^(options|epsilon|maxIterations|initialValue|tieTolerance|mdp)$/ },
            );
            expectValidOrValidationError(
              () => modifiedPolicyIteration(mdp, options as never),
              (r) => expect(r.policy.length).toBe(mdp.S * mdp.A),
              { fields: /^(options|epsilon|maxIterations|maxImprovements|tieTolerance)$/ },
            );
            expectValidOrValidationError(
              () => policyIteration(mdp, options as never),
              (r) => expect(r.converged).toBe(true),
              { fields: /^(options|policy0|maxIterations|evaluation|tieTolerance)$/ },
            );
          } finally {
            mdp.dispose();
          }
        },
      ),
      runs(100),
    );
  });

  it("discounts up to 1 - 1e-12 end in bounded time: a correct answer or a ValidationError naming the default cap", () => {
    fc.assert(
      fc.property(denseSpec(4, 2), fc.constantFrom(0.99, 0.999, 0.9999, 1 - 1e-6, 1 - 1e-9, 1 - 1e-12), (spec, gamma) => {
        const mdp = TabularMdp.fromDense({ ...spec, gamma });
        try {
          const start = performance.now();
          // Valid: converged, or stopped at pymdptoolbox's bound (below the default cap), as pymdptoolbox does.
          expectValidOrValidationError(() => valueIteration(mdp), (r) => {
            expect(r.converged || r.iterations === r.maxIterations).toBe(true);
            expect(r.iterations).toBeLessThanOrEqual(DEFAULT_VALUE_ITERATION_CAP);
          }, { fields: ["maxIterations"] });
          expectValidOrValidationError(() => modifiedPolicyIteration(mdp), (r) => expect(r.converged).toBe(true), { fields: ["maxImprovements"] });
          expect(performance.now() - start).toBeLessThan(5000);
        } finally {
          mdp.dispose();
        }
      }),
      runs(30),
    );
  });

  it("a slowly mixing chain near gamma = 1: the default caps are errors that name the bound; explicit caps return unconverged", () => {
    const chain = TabularMdp.fromDense({ S: 2, A: 1, P: [1, 0, 0, 1], R: [0, 1], gamma: 1 - 1e-9 });
    let e = expectValidationErrorFrom(() => valueIteration(chain), ["maxIterations"]);
    expect(e.value).toBe(DEFAULT_VALUE_ITERATION_CAP);
    expect(e.message).toMatch(/default cap of 10000 backups.*pymdptoolbox's bound.*e\+10 backups/);
    e = expectValidationErrorFrom(() => modifiedPolicyIteration(chain), ["maxImprovements"]);
    expect(e.value).toBe(DEFAULT_MAX_IMPROVEMENTS);
    const capped = valueIteration(chain, { maxIterations: 50 });
    expect([capped.iterations, capped.converged, capped.maxIterations]).toEqual([50, false, 50]);
    expect(modifiedPolicyIteration(chain, { maxImprovements: 20 }).converged).toBe(false);
    // Policy iteration needs no bound.
    expect(policyIteration(chain).converged).toBe(true);
    chain.dispose();
  });

  it("optimalityBackup and optimalityResidual: hostile value vectors and options", () => {
    const mdp = TabularMdp.fromDense({ S: 2, A: 2, P: [1, 0, 0, 1, 0, 1, 1, 0], R: [1, 0, 0, 1], gamma: 0.9 });
    fc.assert(
      fc.property(fc.oneof(hostileValue, fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 2 })), hostileOptions({ tieTolerance: numberOr(0, 1e-3) }), (V, options) => {
        expectValidOrValidationError(() => optimalityBackup(mdp, V as never, options as never), (r) => {
          for (const x of r.V) expect(Number.isFinite(x)).toBe(true);
        }, { fields: ["V", "options", "tieTolerance"] });
        expectValidOrValidationError(() => optimalityResidual(mdp, V as never), (r) => expect(r >= 0).toBe(true), { fields: ["V"] });
      }),
      runs(200),
    );
    mdp.dispose();
  });
});
