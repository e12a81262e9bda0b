// Hostile inputs to the tabular MDP: constructors (dense, sparse, JSON),
// generators, and every function that takes a TabularMdp. Each call returns a
// valid model (whose data is what was given) or throws a ValidationError
// naming the user's field; no error leaves a WebAssembly block behind.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  TabularMdp,
  cpiRewardSpan,
  discountedVisitation,
  evaluate,
  forest,
  frozenLake,
  garnet,
  modifiedPolicyIteration,
  MultiAgentMdp,
  optimalityBackup,
  optimalityResidual,
  performanceDifference,
  policyIteration,
  policyValue,
  qFromV,
  randomMdp,
  riverSwim,
  smallMdp,
  surrogateBound,
  tabularEnv,
  uniformPolicy,
  valueIteration,
} from "../../src/index.js";
import { arena } from "../../src/core/arena.js";
import {
  countOr,
  denseSpec,
  expectValidOrValidationError,
  expectValidationErrorFrom,
  hostileNumber,
  hostileOptions,
  hostileValue,
  liveBlocks,
  numberOr,
  runs,
} from "./helpers.js";

const SPEC_FIELDS = ["spec", "S", "A", "S*A", "P", "R", "gamma", "mu", "rowPtr", "cols", "probs"];

type Spec = Record<string, unknown>;

/** One hostile change to a valid spec: a field replaced or removed, an entry poisoned, a key misspelt. */
function mutation(keys: readonly string[]): fc.Arbitrary<(spec: Spec) => Spec> {
  return fc.oneof(
    fc.tuple(fc.constantFrom(...keys), hostileValue).map(([k, v]) => (s: Spec) => ({ ...s, [k]: v })),
    fc.constantFrom(...keys).map((k) => (s: Spec) => {
      const out = { ...s };
      delete out[k];
      return out;
    }),
    fc.tuple(fc.constantFrom("P", "R", "probs", "cols", "rowPtr", "mu"), fc.nat(), hostileNumber).map(([k, i, v]) => (s: Spec) => {
      const arr = s[k];
      if (!arr || typeof (arr as ArrayLike<number>).length !== "number" || (arr as ArrayLike<number>).length === 0) return s;
      const copy = Array.from(arr as ArrayLike<number>);
      copy[i % copy.length] = v;
      return { ...s, [k]: copy };
    }),
    fc.tuple(fc.constantFrom("Gamma", "mU", "p", "r", "states", "discount"), hostileValue).map(([k, v]) => (s: Spec) => ({ ...s, [k]: v ?? 0 })),
    fc.constant((s: Spec) => s),
  );
}

/** CSR arrays of a dense row-stochastic P (S*A rows of S). */
function csrOf(P: Float64Array, S: number, A: number): { rowPtr: number[]; cols: number[]; probs: number[] } {
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

function expectSameModel(mdp: TabularMdp, spec: { S: number; A: number; P: ArrayLike<number>; R: ArrayLike<number>; gamma: number }): void {
  expect(mdp.S).toBe(spec.S);
  expect(mdp.A).toBe(spec.A);
  expect(mdp.gamma).toBe(spec.gamma);
  const dense = mdp.format === "dense" ? mdp : mdp.toDense();
  expect(Array.from(dense.P)).toEqual(Array.from(spec.P));
  expect(Array.from(dense.R)).toEqual(Array.from(spec.R));
  if (dense !== mdp) dense.dispose();
}

describe("TabularMdp.fromDense and fromSparse", () => {
  it("a valid spec with one hostile change builds the same model or is a ValidationError on a spec field", () => {
    fc.assert(
      fc.property(denseSpec(), mutation(["S", "A", "P", "R", "gamma", "mu"]), (spec, mutate) => {
        const bad = mutate(spec as unknown as Spec);
        const blocks = liveBlocks();
        const outcome = expectValidOrValidationError(
          () => TabularMdp.fromDense(bad as never),
          (mdp) => {
            if (bad === (spec as unknown)) expectSameModel(mdp, spec);
            mdp.dispose();
            expect(liveBlocks()).toBe(blocks);
          },
          { fields: SPEC_FIELDS },
        );
        if (bad === (spec as unknown)) expect(outcome).toBe("valid");
      }),
      runs(300),
    );
  });

  it("the same for CSR specs", () => {
    fc.assert(
      fc.property(denseSpec(), mutation(["S", "A", "rowPtr", "cols", "probs", "R", "gamma", "mu"]), (dense, mutate) => {
        const spec = { S: dense.S, A: dense.A, R: dense.R, gamma: dense.gamma, ...csrOf(dense.P, dense.S, dense.A) };
        const bad = mutate(spec);
        const blocks = liveBlocks();
        expectValidOrValidationError(
          () => TabularMdp.fromSparse(bad as never),
          (mdp) => {
            if (bad === spec) expectSameModel(mdp, dense);
            mdp.dispose();
            expect(liveBlocks()).toBe(blocks);
          },
          { fields: SPEC_FIELDS },
        );
      }),
      runs(300),
    );
  });

  it("nested P and R of the wrong shape are ValidationErrors on P or R", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }), { maxLength: 4 }), { maxLength: 5 }),
        fc.array(fc.array(hostileNumber, { maxLength: 4 }), { maxLength: 5 }),
        (S, A, P, R) => {
          expectValidOrValidationError(
            () => TabularMdp.fromDense({ S, A, P, R, gamma: 0.5 }),
            (mdp) => mdp.dispose(),
            { fields: ["P", "R"] },
          );
        },
      ),
      runs(200),
    );
  });

  it("sizes beyond wasm32 memory are rejected before anything is allocated", () => {
    for (const [S, A] of [[30000, 1], [20000, 4], [2 ** 20, 2 ** 10]]) {
      expectValidationErrorFrom(() => TabularMdp.fromDense({ S, A, P: [], R: [], gamma: 0.9 }), ["P", "S*A"], { noGrowth: true });
    }
  });

  it("views of WebAssembly memory (another MDP's P, R, mu, CSR arrays) are read correctly while memory grows", () => {
    const source = garnet({ S: 24, A: 3, branching: 5, seed: 7, format: "dense" });
    const sparse = source.toSparse();
    const built: TabularMdp[] = [];
    const startBytes = arena().memoryBytes;
    let grewDuringCall = 0;
    for (let i = 0; i < 400 && grewDuringCall < 3; i++) {
      const before = arena().memoryBytes;
      const dense = TabularMdp.fromDense({ S: 24, A: 3, P: source.P, R: source.R, mu: source.mu, gamma: 0.9 });
      const csr = TabularMdp.fromSparse({
        S: 24, A: 3, rowPtr: sparse.rowPtr, cols: sparse.cols, probs: sparse.probs, R: sparse.R, mu: sparse.mu, gamma: 0.9,
      });
      if (arena().memoryBytes > before) grewDuringCall++;
      expect(Array.from(dense.P)).toEqual(Array.from(source.P));
      expect(Array.from(csr.probs)).toEqual(Array.from(sparse.probs));
      built.push(dense, csr);
    }
    expect(grewDuringCall).toBeGreaterThan(0);
    expect(arena().memoryBytes).toBeGreaterThan(startBytes);
    for (const m of built) m.dispose();
    sparse.dispose();
    source.dispose();
  });

  it("fromJSON: hostile documents are ValidationErrors on json or a spec field", () => {
    const doc = smallMdp().toJSON() as unknown as Spec;
    fc.assert(
      fc.property(mutation(["format", "version", "storage", "S", "A", "P", "R", "gamma", "mu"]), fc.boolean(), (mutate, asText) => {
        const bad = mutate(doc);
        let input: unknown = bad;
        if (asText) {
          try {
            input = JSON.stringify(bad);
          } catch {
            input = "{";
          }
        }
        expectValidOrValidationError(
          () => TabularMdp.fromJSON(input as never),
          (mdp) => mdp.dispose(),
          { fields: /^(json(\.\w+)?|spec|S|A|S\*A|P|R|gamma|mu)$/ },
        );
      }),
      runs(200),
    );
  });
});

describe("functions that take a TabularMdp", () => {
  const mdp = smallMdp();
  const pi = uniformPolicy(mdp);
  const takers: [string, (m: unknown) => unknown][] = [
    ["evaluate", (m) => evaluate(m as TabularMdp, pi)],
    ["policyValue", (m) => policyValue(m as TabularMdp, pi)],
    ["discountedVisitation", (m) => discountedVisitation(m as TabularMdp, pi)],
    ["qFromV", (m) => qFromV(m as TabularMdp, [0, 0])],
    ["valueIteration", (m) => valueIteration(m as TabularMdp)],
    ["policyIteration", (m) => policyIteration(m as TabularMdp)],
    ["modifiedPolicyIteration", (m) => modifiedPolicyIteration(m as TabularMdp)],
    ["optimalityBackup", (m) => optimalityBackup(m as TabularMdp, [0, 0])],
    ["optimalityResidual", (m) => optimalityResidual(m as TabularMdp, [0, 0])],
    ["tabularEnv", (m) => tabularEnv(m as TabularMdp)],
    ["performanceDifference", (m) => performanceDifference(m as TabularMdp, pi, pi)],
    ["surrogateBound", (m) => surrogateBound(m as TabularMdp, pi, pi)],
    ["cpiRewardSpan", (m) => cpiRewardSpan(m as TabularMdp)],
    ["MultiAgentMdp.fromJoint", (m) => MultiAgentMdp.fromJoint(m as TabularMdp, [2])],
  ];
  const disposed = smallMdp();
  disposed.dispose();
  const impostors: [string, unknown][] = [
    ["null", null],
    ["undefined", undefined],
    ["a structured clone", structuredClone(mdp)],
    ["a plain object with its fields", { S: 2, A: 2, gamma: 0.9, format: "dense", nnz: 8, P: mdp.P.slice(), R: mdp.R.slice(), mu: mdp.mu.slice() }],
    ["an object spread of it", { ...mdp }],
    ["its JSON", mdp.toJSON()],
    ["a disposed MDP", disposed],
    ["a number", 3],
  ];
  for (const [name, call] of takers) {
    it(`${name}: null, clones, plain objects and disposed models are ValidationErrors on mdp`, () => {
      for (const [what, x] of impostors) {
        const e = expectValidationErrorFrom(() => call(x), ["mdp", "joint"]);
        if (what === "a structured clone") expect(e.message).toMatch(/TabularMdp/);
        if (what === "a disposed MDP") expect(e.message).toMatch(/dispose/);
      }
      // The real model still works afterwards.
      const r = call(mdp) as { dispose?: () => void };
      if (r && typeof r === "object" && typeof r.dispose === "function" && !(r instanceof TabularMdp)) r.dispose();
    });
  }
});

describe("generators", () => {
  const big = (lo: number): fc.Arbitrary<number> => fc.oneof(fc.integer({ min: lo, max: lo * 100 }), fc.constantFrom(2 ** 31 - 1, 2 ** 31, 1e12));

  it("garnet: hostile options give a valid garnet or a ValidationError; huge sizes allocate nothing", () => {
    // Sizes too big for wasm32 (a sparse garnet of 10^8 states would fit, and take seconds: valid, and not hostile).
    const tooBig = fc.constantFrom(1e9, 2 ** 31 - 1, 2 ** 31, 1e12);
    fc.assert(
      fc.property(
        hostileOptions({
          S: countOr(fc.oneof(hostileValue, tooBig), 8),
          A: countOr(fc.oneof(hostileValue, tooBig), 4),
          branching: countOr(fc.oneof(hostileValue, big(100_000)), 8),
          gamma: numberOr(0, 0.999),
          seed: fc.oneof(fc.integer(), hostileNumber),
          format: fc.constantFrom("auto", "dense", "sparse", "csr", undefined),
          rewards: fc.option(hostileOptions({ low: numberOr(-5, 0), high: numberOr(0, 5), perState: fc.oneof(fc.boolean(), hostileValue) })),
        }),
        (options) => {
          expectValidOrValidationError(
            () => garnet(options as never),
            (m) => {
              const o = options as { S: number; A: number; branching: number };
              expect([m.S, m.A]).toEqual([o.S, o.A]);
              const R = m.R;
              for (let i = 0; i < R.length; i++) expect(Number.isFinite(R[i])).toBe(true);
              m.dispose();
            },
            { fields: /^(options|S|A|S\*A|branching|gamma|seed|format|rewards(\.perState)?)$/, noGrowth: true },
          );
        },
      ),
      runs(300),
    );
  });

  it("the brief's examples: garnet branching > S, huge S, and dense formats beyond memory name the field and the limit", () => {
    let e = expectValidationErrorFrom(() => garnet({ S: 1000, A: 4, branching: 1e5 }), ["branching"], { noGrowth: true });
    expect(e.message).toMatch(/at most S = 1000/);
    e = expectValidationErrorFrom(() => garnet({ S: 1e8, A: 4, branching: 4 }), ["S"], { noGrowth: true });
    expect(e.message).toMatch(/GiB of WebAssembly memory.*4 GiB/);
    e = expectValidationErrorFrom(() => garnet({ S: 1e7, A: 4, branching: 100 }), ["branching"], { noGrowth: true });
    expect(e.message).toMatch(/2\^31/);
    expectValidationErrorFrom(() => garnet({ S: 30000, A: 4, branching: 4, format: "dense" }), ["S"], { noGrowth: true });
    expectValidationErrorFrom(() => randomMdp({ S: 1e5, A: 2 }), ["P", "S"], { noGrowth: true });
    expectValidationErrorFrom(() => forest({ S: 1e5 }), ["S"], { noGrowth: true });
    expectValidationErrorFrom(() => riverSwim({ n: 1e5 }), ["n"], { noGrowth: true });
    expectValidationErrorFrom(() => frozenLake({ map: Array(300).fill("S".repeat(300)) }), ["map"], { noGrowth: true });
  });

  it("randomMdp, forest, riverSwim, frozenLake and smallMdp: hostile options are valid models or ValidationErrors", () => {
    const gens: [string, (o: unknown) => TabularMdp, Record<string, fc.Arbitrary<unknown>>][] = [
      ["randomMdp", (o) => randomMdp(o as never), {
        S: countOr(fc.oneof(hostileValue, big(100_000))), A: countOr(hostileValue, 3), seed: fc.oneof(fc.integer(), hostileNumber),
        gamma: numberOr(0, 0.99), density: numberOr(0.01, 1), rewards: fc.constantFrom("state-action", "transition", "both", undefined),
        mask: fc.option(fc.oneof(fc.array(fc.constantFrom(0, 1, true, false, 2, NaN, "1"), { maxLength: 40 }), hostileValue)),
      }],
      ["forest", (o) => forest(o as never), {
        S: countOr(fc.oneof(hostileValue, big(100_000)), 8), r1: numberOr(0.1, 5), r2: numberOr(0.1, 5), p: numberOr(0, 1), gamma: numberOr(0, 0.99),
      }],
      ["riverSwim", (o) => riverSwim(o as never), {
        n: countOr(fc.oneof(hostileValue, big(100_000)), 8), gamma: numberOr(0, 0.99), leftReward: numberOr(-1, 1), rightReward: numberOr(-1, 1),
        pRight: numberOr(0, 0.5), pStay: numberOr(0, 0.5), mu: fc.option(hostileValue),
      }],
      ["frozenLake", (o) => frozenLake(o as never), {
        map: fc.oneof(fc.constantFrom("4x4", "8x8", "9x9"), fc.array(fc.stringMatching(/^[SFHGX]{1,4}$/), { minLength: 1, maxLength: 4 }), hostileValue),
        slippery: fc.oneof(fc.boolean(), hostileValue), successRate: numberOr(0, 1), rewardSchedule: fc.oneof(fc.constant([1, 0, 0]), hostileValue),
        gamma: numberOr(0, 0.99),
      }],
      ["smallMdp", (o) => smallMdp(o as never), { gamma: numberOr(0, 0.99) }],
    ];
    for (const [, make, valid] of gens) {
      fc.assert(
        fc.property(hostileOptions(valid), (options) => {
          expectValidOrValidationError(
            () => make(options),
            (m) => {
              const R = m.R;
              for (let i = 0; i < R.length; i++) expect(Number.isFinite(R[i])).toBe(true);
              m.dispose();
            },
            { noGrowth: true },
          );
        }),
        runs(150),
      );
    }
  });
});
