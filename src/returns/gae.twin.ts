/** Plain-TypeScript twin of generalizedAdvantageEstimation (same equations, one copy at a time). */
import type { GaeInput, GaeResult } from "./gae.js";

export function gaeTwin(input: GaeInput): GaeResult {
  const { numEnvs, gamma, lambda } = input;
  const n = input.rewards.length;
  const nSteps = n / numEnvs;
  const advantages = new Float64Array(n);
  const returns = new Float64Array(n);
  for (let e = 0; e < numEnvs; e++) {
    let adv = 0;
    let nextV = input.lastValues[e];
    for (let t = nSteps - 1; t >= 0; t--) {
      const i = t * numEnvs + e;
      const term = input.terminated[i] !== 0;
      const trunc = input.truncated[i] !== 0;
      let next = nextV;
      if (term) next = 0;
      else if (trunc) next = input.finalValues![i];
      const delta = input.rewards[i] + gamma * next - input.values[i];
      adv = term || trunc ? delta : delta + gamma * lambda * adv;
      advantages[i] = adv;
      returns[i] = adv + input.values[i];
      nextV = input.values[i];
    }
  }
  return { advantages, returns };
}
