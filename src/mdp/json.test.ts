import { describe, expect, it } from "vitest";
import { TabularMdp } from "./tabular-mdp.js";
import { MDP_JSON_FORMAT, type MdpJson } from "./json.js";
import { testRng } from "../../test/helpers/lengths.js";

/** Bit-level equality of two float arrays (distinguishes every double, unlike toBeCloseTo). */
function sameBits(x: ArrayLike<number>, y: ArrayLike<number>): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

/** Rows with awkward doubles: thirds, sevenths, tiny and huge magnitudes. */
function awkwardDense() {
  const rng = testRng(21);
  const S = 7;
  const A = 3;
  const P = new Float64Array(S * A * S);
  for (let r = 0; r < S * A; r++) {
    let sum = 0;
    for (let j = 0; j < S; j++) {
      const v = r % 2 === 0 && j % 3 === 1 ? 0 : rng() / 7 + 1e-17 * j;
      P[r * S + j] = v;
      sum += v;
    }
    for (let j = 0; j < S; j++) P[r * S + j] /= sum;
  }
  const R = Float64Array.from({ length: S * A }, (_, i) => [1 / 3, -1e-300, 5e-324, 1.7976931348623157e308, 0.1 + 0.2][i % 5] * (0.5 + 0.5 * rng()));
  const mu = Float64Array.from({ length: S }, () => rng());
  const total = mu.reduce((x, y) => x + y, 0);
  for (let s = 0; s < S; s++) mu[s] /= total;
  return { S, A, P, R, mu, gamma: 0.9999999999999999 };
}

describe("TabularMdp JSON", () => {
  it("round-trips a dense MDP bit for bit through JSON text", () => {
    const spec = awkwardDense();
    const mdp = TabularMdp.fromDense(spec);
    const text = JSON.stringify(mdp);
    const doc = JSON.parse(text) as MdpJson;
    expect(doc).toMatchObject({ format: MDP_JSON_FORMAT, version: 1, storage: "dense", S: 7, A: 3 });
    const back = TabularMdp.fromJSON(text);
    expect(back.format).toBe("dense");
    expect(back.gamma).toBe(spec.gamma);
    expect(sameBits(back.P, spec.P)).toBe(true);
    expect(sameBits(back.R, spec.R)).toBe(true);
    expect(sameBits(back.mu, spec.mu)).toBe(true);
    expect(JSON.stringify(back)).toBe(text);
  });

  it("round-trips a sparse MDP, keeping the CSR arrays exactly", () => {
    const sparse = TabularMdp.fromDense(awkwardDense()).toSparse();
    const doc = sparse.toJSON();
    expect(doc.storage).toBe("sparse");
    expect("P" in doc).toBe(false);
    const back = TabularMdp.fromJSON(JSON.parse(JSON.stringify(doc)) as MdpJson);
    expect(back.format).toBe("sparse");
    expect(Array.from(back.rowPtr)).toEqual(Array.from(sparse.rowPtr));
    expect(Array.from(back.cols)).toEqual(Array.from(sparse.cols));
    expect(sameBits(back.probs, sparse.probs)).toBe(true);
    expect(sameBits(back.R, sparse.R)).toBe(true);
    expect(sameBits(back.mu, sparse.mu)).toBe(true);
    expect(sameBits(back.toDense().P, sparse.toDense().P)).toBe(true);
  });

  it("accepts the object form and validates its arrays like fromDense", () => {
    const doc = TabularMdp.fromDense(awkwardDense()).toJSON() as Extract<MdpJson, { storage: "dense" }>;
    expect(TabularMdp.fromJSON(doc).S).toBe(7);
    const broken = { ...doc, P: doc.P.map((v, i) => (i === (2 * 3 + 1) * 7 ? v + 0.1 : v)) };
    expect(() => TabularMdp.fromJSON(broken)).toThrow(/P: transition row does not sum to 1 .* at state 2, action 1/);
  });

  it("rejects documents that are not mirror-rl MDPs", () => {
    const doc = TabularMdp.fromDense(awkwardDense()).toJSON();
    expect(() => TabularMdp.fromJSON("{not json")).toThrow(/^json: is not valid JSON/);
    expect(() => TabularMdp.fromJSON("[1, 2]")).toThrow(/^json: must be an object/);
    expect(() => TabularMdp.fromJSON({ ...doc, format: "other" } as unknown as MdpJson)).toThrow(
      /^json\.format: must be "mirror-rl\/tabular-mdp" \(got "other"\)/,
    );
    expect(() => TabularMdp.fromJSON({ ...doc, version: 2 } as unknown as MdpJson)).toThrow(
      /^json\.version: unsupported version: this library reads version 1 \(got 2\)/,
    );
    expect(() => TabularMdp.fromJSON({ ...doc, storage: "csc" } as unknown as MdpJson)).toThrow(/^json\.storage/);
  });
});
