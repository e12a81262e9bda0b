import { describe, expect, it } from "vitest";
import { pythonFloat, pythonInt } from "./python-format.js";

describe("pythonFloat (Python's repr of a float)", () => {
  it.each([
    [500, "500.0"], [0, "0.0"], [-0, "-0.0"], [1.5, "1.5"], [0.1, "0.1"], [-22.75, "-22.75"], [0.0001, "0.0001"],
    [1e-5, "1e-05"], [3e-4, "0.0003"], [1.2345e-7, "1.2345e-07"], [123456789012345, "123456789012345.0"],
    [1e16, "1e+16"], [1.5e300, "1.5e+300"], [2 ** -1074, "5e-324"], [0.1 + 0.2, "0.30000000000000004"],
    [NaN, "nan"], [Infinity, "inf"], [-Infinity, "-inf"], [19.142857142857142, "19.142857142857142"],
  ])("%s -> %s", (x, s) => {
    expect(pythonFloat(x)).toBe(s);
    if (Number.isFinite(x)) expect(Number(s)).toBe(x);
  });

  it("prints ints without a decimal point (Python's int())", () => {
    expect(pythonInt(917)).toBe("917");
    expect(pythonInt(917.9)).toBe("917");
    expect(pythonInt(-3.5)).toBe("-3");
  });
});
