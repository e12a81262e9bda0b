import { it } from "vitest";
import { climbingGame, sequentialUpdate, simultaneousUpdate } from "./index.js";
import { stepGpi, stepNpg } from "../../test/helpers/multiagent.js";
it("scratch", () => {
  const g = climbingGame();
  const grid = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const dists: number[][] = [];
  for (const x of grid) for (const y of grid) if (x + y <= 1 + 1e-9) dists.push([x, y, Math.max(0, 1 - x - y)]);
  let n = 0;
  for (const p of dists) for (const q of dists) {
    const start = [Float64Array.from(p), Float64Array.from(q)];
    try {
      const sim = simultaneousUpdate(g, start, stepGpi()).eta;
      if (sim[1] < sim[0] - 1e-9 && n++ < 15) console.log(p, q, sim, sequentialUpdate(g, start, stepGpi()).eta);
    } catch (e) { }
  }
  console.log(n);
});
