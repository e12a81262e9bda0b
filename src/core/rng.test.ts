import { describe, expect, it } from "vitest";
import { Rng } from "./rng.js";

describe("Rng", () => {
  it("gives the same stream for the same seed and different streams otherwise", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 100 }, () => a.nextUint32());
    const sb = Array.from({ length: 100 }, () => b.nextUint32());
    const sc = Array.from({ length: 100 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it("has uniform moments and unbiased integers", () => {
    const r = new Rng(1);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    const counts = new Array(7).fill(0);
    for (let i = 0; i < n; i++) {
      const u = r.random();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      sum += u;
      sq += u * u;
      counts[r.int(7)]++;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(sq / n - 1 / 3)).toBeLessThan(0.005);
    for (const c of counts) expect(Math.abs(c - n / 7)).toBeLessThan(5 * Math.sqrt(n / 7));
  });

  it("draws normals with mean 0 and variance 1", () => {
    const r = new Rng(3);
    const n = 100_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      sum += z;
      sq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.02);
  });

  it("round-trips its state", () => {
    const r = new Rng(9);
    r.random();
    const copy = Rng.fromState(r.getState());
    expect(copy.random()).toBe(r.random());
  });

  it("draws categorical indices with the right frequencies", () => {
    const r = new Rng(5);
    const p = [0.1, 0, 0.6, 0.3];
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 100_000; i++) counts[r.categorical(p)]++;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[2] / 100_000 - 0.6)).toBeLessThan(0.01);
  });
  it("int draws what the rejection rule with % gives, and shuffles typed and plain arrays alike", () => {
    // The reference: limit = 2^32 - 2^32 mod n, reject x >= limit, return x mod n (double %).
    const a = new Rng(9);
    const b = new Rng(9);
    for (const n of [1, 2, 3, 7, 100, 256, 1000, 65_537, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 3_000_000_000, 2 ** 32 - 1, 2 ** 32]) {
      for (let t = 0; t < 200; t++) {
        const limit = 4294967296 - (4294967296 % n);
        let x = b.nextUint32();
        while (x >= limit) x = b.nextUint32();
        expect(a.int(n)).toBe(x % n);
      }
    }
    const typed = Int32Array.from({ length: 300 }, (_, i) => i);
    const plain = Array.from({ length: 300 }, (_, i) => i);
    new Rng(5).shuffle(typed);
    new Rng(5).shuffle(plain);
    expect(Array.from(typed)).toEqual(plain);
    expect(plain).not.toEqual(Array.from({ length: 300 }, (_, i) => i));
  });
});
