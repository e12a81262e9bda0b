// Hostile inputs to the seeded generator: seeds, saved states (Rng.fromState)
// and draws. Every call ends in a working generator or a ValidationError.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/index.js";
import { expectValidOrValidationError, expectValidationErrorFrom, hostileNumber, hostileValue, runs } from "./helpers.js";

/** A generator works: its draws are finite, in range, and normal() returns (the all-zero state would loop). */
function expectWorking(r: Rng): void {
  for (let i = 0; i < 8; i++) {
    const u = r.random();
    expect(u >= 0 && u < 1).toBe(true);
    expect(Number.isFinite(r.normal())).toBe(true);
  }
}

describe("Rng seeds", () => {
  it("any value is a finite seed giving a working, reproducible stream, or a ValidationError on seed", () => {
    fc.assert(
      fc.property(fc.oneof(hostileNumber, hostileValue), (seed) => {
        expectValidOrValidationError(
          () => new Rng(seed as number),
          (r) => {
            expectWorking(r);
            expect(new Rng(seed as number).nextUint32()).toBe(new Rng(seed as number).nextUint32());
          },
          { fields: ["seed"] },
        );
      }),
      runs(200),
    );
  });
});

describe("Rng.fromState", () => {
  it("undefined, null, short or long arrays, non-integers and out-of-range words are ValidationErrors on state", () => {
    for (const bad of [undefined, null, 5, "1,2,3,4", {}, [1, 2], [1, 2, 3, 4, 5], [1, 2, 3, NaN], [1, 2, 3, 0.5], [1, 2, 3, 2 ** 32], [1, 2, 3, -(2 ** 31) - 1], ["1", 2, 3, 4]]) {
      const e = expectValidationErrorFrom(() => Rng.fromState(bad as never), ["state"]);
      expect(e.message).toMatch(/Rng\.fromState/);
    }
  });

  it("the all-zero state (xoshiro's fixed point, on which normal() never returns) is rejected in every form", () => {
    for (const zero of [[0, 0, 0, 0], [-0, 0, 0, -0], new Uint32Array(4), new Int32Array(4), [2 ** 32 - 2 ** 32, 0, 0, 0]]) {
      const e = expectValidationErrorFrom(() => Rng.fromState(zero as never), ["state"]);
      expect(e.message).toMatch(/fixed point/);
    }
  });

  it("any four words give a working generator or a ValidationError; getState round-trips exactly", () => {
    const word = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), fc.constantFrom(0, 0, 0), hostileNumber);
    fc.assert(
      fc.property(fc.oneof(fc.tuple(word, word, word, word), hostileValue), (state) => {
        expectValidOrValidationError(
          () => Rng.fromState(state as never),
          (r) => {
            const copy = Rng.fromState(r.getState());
            expect(copy.nextUint32()).toBe(r.nextUint32());
            expectWorking(r);
          },
          { fields: ["state"] },
        );
      }),
      runs(300),
    );
  });

  it("int(n) takes integers in [1, 2^32] and rejects anything else by name", () => {
    const r = new Rng(1);
    fc.assert(
      fc.property(fc.oneof(hostileNumber, hostileValue, fc.integer({ min: 1, max: 1000 })), (n) => {
        expectValidOrValidationError(
          () => r.int(n as number),
          (k) => {
            expect(Number.isInteger(k) && k >= 0 && k < (n as number)).toBe(true);
          },
          { fields: ["n"] },
        );
      }),
      runs(200),
    );
  });
});
