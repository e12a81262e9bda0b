/**
 * pymdptoolbox's two-state example (`mdptoolbox.example.small`): in its
 * P[a][s][s'] layout P[0] = [[0.5, 0.5], [0.8, 0.2]], P[1] = [[0, 1],
 * [0.1, 0.9]], and R[s][a] = [[5, 10], [-1, 2]]. Handy for hand-checked tests;
 * the discount defaults to 0.9 (the example has none).
 */
import { TabularMdp } from "../tabular-mdp.js";
import { checkObject, checkOptions } from "../../core/validate.js";

export function smallMdp(options: { gamma?: number } = {}): TabularMdp {
  checkObject("options", options, "smallMdp: { gamma }");
  checkOptions("options", options, ["gamma"], "smallMdp");
  return TabularMdp.fromDense({
    S: 2,
    A: 2,
    // P[s][a][s'], transposed from pymdptoolbox's P[a][s][s'].
    P: [
      [
        [0.5, 0.5],
        [0, 1],
      ],
      [
        [0.8, 0.2],
        [0.1, 0.9],
      ],
    ],
    R: [
      [5, 10],
      [-1, 2],
    ],
    gamma: options.gamma ?? 0.9,
  });
}
