import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { smallMdp } from "../mdp/generators/small.js";
import {
  deterministicPolicy,
  epsilonGreedyPolicy,
  greedyPolicy,
  policyActions,
  sampleAction,
  softmaxPolicy,
  uniformPolicy,
  validatePolicy,
} from "./policy.js";
import { randomArray, testRng } from "../../test/helpers/lengths.js";

const rowSums = (pi: Float64Array, S: number, A: number): number[] =>
  Array.from({ length: S }, (_, s) => pi.subarray(s * A, s * A + A).reduce((x, y) => x + y, 0));

describe("policies", () => {
  it("uniformPolicy from sizes or from an MDP", () => {
    expect(Array.from(uniformPolicy(2, 4))).toEqual(new Array(8).fill(0.25));
    const mdp = smallMdp();
    expect(uniformPolicy(mdp)).toEqual(uniformPolicy(2, 2));
    expect(() => uniformPolicy(0, 2)).toThrow(/^S: number of states must be a positive integer \(got 0\)/);
  });

  it("greedyPolicy is one-hot on the argmax, ties to the lowest action", () => {
    const Q = Float64Array.of(1, 3, 3, /* s1 */ -2, -2, -2, /* s2 */ 0, -1, 5);
    expect(Array.from(greedyPolicy(Q, 3, 3))).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 1]);
    expect(Array.from(policyActions(greedyPolicy(Q, 3, 3), 3, 3))).toEqual([1, 0, 2]);
    const mdp = smallMdp();
    expect(greedyPolicy(mdp, [0, 1, 2, 2])).toEqual(greedyPolicy([0, 1, 2, 2], 2, 2));
    expect(() => greedyPolicy([0, 1, 2], 2, 2)).toThrow(/^Q: wrong length: expected S\*A = 4 \(got 3\)/);
    expect(() => greedyPolicy([0, Number.NaN, 2, 2], 2, 2)).toThrow(/^Q: must be finite \(got NaN\) at state 0, action 1$/);
  });

  it("softmaxPolicy: rows sum to 1 and log-ratios are (Q_a - Q_b) / T", () => {
    const rng = testRng(3);
    const S = 5;
    const A = 4;
    const Q = randomArray(rng, S * A, -3, 3);
    for (const T of [0.1, 1, 7]) {
      const pi = softmaxPolicy(Q, S, A, T);
      for (const sum of rowSums(pi, S, A)) expect(sum).toBeCloseTo(1, 14);
      for (let s = 0; s < S; s++) {
        for (let a = 1; a < A; a++) {
          expect(Math.log(pi[s * A + a] / pi[s * A])).toBeCloseTo((Q[s * A + a] - Q[s * A]) / T, 10);
        }
      }
    }
    expect(softmaxPolicy(smallMdp(), [0, 1, 2, 3], 2)).toEqual(softmaxPolicy([0, 1, 2, 3], 2, 2, 2));
  });

  it("softmaxPolicy does not overflow and tends to greedy as T -> 0", () => {
    const pi = softmaxPolicy([1e6, 0, -1e6, 1e300, 1e300, -1e300], 2, 3);
    expect(Array.from(pi)).toEqual([1, 0, 0, 0.5, 0.5, 0]);
    const Q = Float64Array.of(0.3, 0.1, 0.2, 0.5, 0.9, 0.2);
    expect(Array.from(softmaxPolicy(Q, 2, 3, 1e-6))).toEqual(Array.from(greedyPolicy(Q, 2, 3)));
    expect(() => softmaxPolicy(Q, 2, 3, 0)).toThrow(/^temperature: must be a finite positive number \(got 0\)/);
    expect(() => softmaxPolicy(Q, 2, 3, Number.POSITIVE_INFINITY)).toThrow(/temperature/);
  });

  it("epsilonGreedyPolicy mixes greedy and uniform", () => {
    const Q = [0, 2, 1, 5, 4, 3];
    const pi = epsilonGreedyPolicy(Q, 2, 3, 0.3);
    const expected = Array.from(greedyPolicy(Q, 2, 3)).map((g) => 0.7 * g + 0.1);
    expected.forEach((p, i) => expect(pi[i]).toBeCloseTo(p, 15));
    expect(rowSums(pi, 2, 3)[1]).toBeCloseTo(1, 15);
    expect(() => epsilonGreedyPolicy(Q, 2, 3, 1.5)).toThrow(/^epsilon/);
  });

  it("deterministicPolicy and policyActions invert each other", () => {
    const actions = [2, 0, 1, 1, 2];
    const pi = deterministicPolicy(actions, 3);
    expect(rowSums(pi, 5, 3)).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(policyActions(pi, 5, 3))).toEqual(actions);
    expect(Array.from(policyActions(smallMdp(), deterministicPolicy([1, 0], 2)))).toEqual([1, 0]);
    expect(() => deterministicPolicy([0, 3], 3)).toThrow(/^actions: action must be an integer in \[0, 3\) \(got 3\) at state 1$/);
    expect(() => deterministicPolicy([], 3)).toThrow(/^S: number of states must be a positive integer/);
  });

  it("validatePolicy accepts distributions and names the bad row", () => {
    const pi = Float64Array.of(0.5, 0.5, 0.2, 0.8);
    expect(validatePolicy(pi, 2, 2)).toBe(pi);
    const copy = validatePolicy([1, 0, 0, 1], 2, 2);
    expect(copy).toBeInstanceOf(Float64Array);
    expect(Array.from(copy)).toEqual([1, 0, 0, 1]);
    const bad = (p: number[], re: RegExp, field?: string) => {
      let caught: unknown;
      try {
        validatePolicy(p, 2, 2, field);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as Error).message).toMatch(re);
    };
    bad([0.5, 0.5, 0.6, 0.3], /^policy: policy row does not sum to 1 \(got 0\.(9|8999+\d*)\) at state 1$/);
    bad([0.5, 0.5, 1.25, -0.25], /^policy: action probability must be a finite number in \[0, 1\] \(got 1\.25\) at state 1, action 0$/);
    bad([0.5, Number.NaN, 1, 0], /\(got NaN\) at state 0, action 1/);
    bad([1, 0, 1], /^pi: wrong length: expected S\*A = 4 \(got 3\)/, "pi");
  });

  it("sampleAction follows pi(.|s)", () => {
    const pi = Float64Array.of(0.1, 0.6, 0.3, 1, 0, 0);
    const rng = new Rng(5);
    const n = 20000;
    const counts = [0, 0, 0];
    for (let i = 0; i < n; i++) counts[sampleAction(pi, 0, 3, rng)]++;
    for (let a = 0; a < 3; a++) {
      const p = pi[a];
      expect(Math.abs(counts[a] / n - p)).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / n));
    }
    for (let i = 0; i < 100; i++) expect(sampleAction(pi, 1, 3, rng)).toBe(0);
  });
});
