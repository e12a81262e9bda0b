/**
 * Single-agent Mirror Learning instances for the multi-agent tests, built
 * directly on `mirrorStep` (drift + neighbourhood) so the tests do not depend
 * on the algorithms module's factories.
 */
import { evaluate } from "../../src/evaluation/evaluate.js";
import type { TabularMdp } from "../../src/mdp/tabular-mdp.js";
import { forwardKlDrift, reverseKlDrift, zeroDrift } from "../../src/mirror/drifts.js";
import { mirrorStep } from "../../src/mirror/step.js";
import type { AgentUpdate } from "../../src/multiagent/updates.js";

/** Policy iteration's step: greedy in Q (zero drift, all policies). */
export function stepGpi(): AgentUpdate {
  return { name: "gpi", step: (mdp, policy) => mirrorStep(mdp, policy, { drift: zeroDrift() }) };
}

/** NPG / policy mirror descent: pi_new ∝ pi_old exp(eta A), reverse-KL drift (1/eta) KL(pi || pi_old). */
export function stepNpg(eta: number): AgentUpdate {
  return { name: `npg(${eta})`, step: (mdp, policy) => mirrorStep(mdp, policy, { drift: reverseKlDrift(eta) }) };
}

/** TRL: forward-KL drift C KL(pi_old || pi). */
export function stepTrl(C: number): AgentUpdate {
  return { name: `trl(${C})`, step: (mdp, policy) => mirrorStep(mdp, policy, { drift: forwardKlDrift(C) }) };
}

/** Li, Clavette & He's analytical rule: pi_old exp(A / C) / Z, C = gamma^2 max|A| / (1 - gamma)^3. */
export function stepAnalytical(): AgentUpdate {
  return {
    name: "analytical",
    step: (mdp: TabularMdp, policy: Float64Array) => {
      const evaluation = evaluate(mdp, policy);
      let maxAbs = 0;
      for (const v of evaluation.advantage) maxAbs = Math.max(maxAbs, Math.abs(v));
      if (maxAbs === 0) return { policy: policy.slice() };
      const C = (mdp.gamma ** 2 * maxAbs) / (1 - mdp.gamma) ** 3;
      return mirrorStep(mdp, policy, { drift: reverseKlDrift(1 / C), evaluation });
    },
  };
}
