import { describe, expect, it } from "vitest";
import { log } from "./det-math.js";
import { Rng } from "./rng.js";

/** Distance in units in the last place between two positive or negative doubles. */
function ulps(a: number, b: number): number {
  const v = new DataView(new ArrayBuffer(16));
  v.setFloat64(0, a);
  v.setFloat64(8, b);
  return Number(v.getBigInt64(0) - v.getBigInt64(8));
}

describe("deterministic log", () => {
  it("is within 1 ulp of Math.log over many magnitudes", () => {
    const rng = new Rng(11);
    for (let i = 0; i < 100_000; i++) {
      const x = Math.exp(rng.uniform(-700, 700));
      expect(Math.abs(ulps(log(x), Math.log(x)))).toBeLessThanOrEqual(1);
    }
    for (let i = 0; i < 100_000; i++) {
      const x = rng.random();
      if (x === 0) continue;
      expect(Math.abs(ulps(log(x), Math.log(x)))).toBeLessThanOrEqual(1);
    }
  });

  it("handles the edges", () => {
    expect(log(1)).toBe(0);
    expect(log(0)).toBe(-Infinity);
    expect(log(Infinity)).toBe(Infinity);
    expect(Number.isNaN(log(-1))).toBe(true);
    expect(Number.isNaN(log(NaN))).toBe(true);
    expect(Math.abs(ulps(log(5e-324), Math.log(5e-324)))).toBeLessThanOrEqual(1);
    expect(Math.abs(ulps(log(Math.E), 1))).toBeLessThanOrEqual(1);
    expect(log(2)).toBe(Math.LN2);
  });
});
