import { describe, expect, it } from "vitest";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";
import { greedyTwin } from "./greedy.twin.js";
import { greedyStep } from "./greedy.js";
import { ValidationError } from "../errors.js";

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
