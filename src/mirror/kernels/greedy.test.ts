import { describe, expect, it } from "vitest";
import { kernels } from "../../core/wasm.js";
import { f64Block, scratch } from "../../core/arena.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../../test/helpers/lengths.js";
import { PER_STATE_SHAPES } from "../../../test/helpers/mirror.js";
import { greedyTwin } from "./greedy.twin.js";
import { greedyStep } from "./greedy.js";
import { ValidationError } from "../../core/errors.js";

describe("greedy kernels: SIMD = scalar = TypeScript twin", () => {
  const k = kernels();
  const rng = testRng(5);
  it.each(PER_STATE_SHAPES)("S = %i, A = %i", (S, A) => {
    // Coarse values: many ties, some signed zeros, maxima in every position.
    const adv = randomArray(rng, S * A).map((v) => (rng() < 0.1 ? -0 : Math.round(v * 3) / 3));
    const ref = greedyTwin(adv, S, A);
    scratch((take) => {
      const q = take(f64Block(S * A, adv));
      const o = take(f64Block(S * A));
      for (const name of ["mirrorGreedySimd", "mirrorGreedyScalar"] as const) {
        o.view.fill(NaN);
        k[name](q.ptr, S, A, o.ptr);
        expect(Array.from(o.view)).toEqual(Array.from(ref));
      }
    });
  });
});

describe("greedyStep", () => {
  const rng = testRng(4);
  it.each(PARITY_LENGTHS.filter((n) => n > 0))("matches the twin, A = %i", (A) => {
    const S = 3;
    const adv = randomArray(rng, S * A).map((v) => Math.round(v * 3) / 3); // many ties
    expect(Array.from(greedyStep(adv, S, A))).toEqual(Array.from(greedyTwin(adv, S, A)));
  });

  it("breaks ties to the lowest index and maximises <p, A>", () => {
    const adv = new Float64Array([0.5, 2, 2, -1, 0, 0]);
    expect(Array.from(greedyStep(adv, 2, 3))).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it("rejects non-finite advantages", () => {
    expect(() => greedyStep(new Float64Array([0, NaN]), 1, 2)).toThrow(ValidationError);
  });
});
