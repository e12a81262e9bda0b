/**
 * A tabular MDP as an environment with one-hot observations (a Box of S
 * zeros and a one), so that a network without hidden layers is a tabular
 * policy: with netArch { pi: [], vf: [] }, logit(s, a) = W[a][s] + b[a], and
 * every table of per-state logits is reachable.
 */
import { Box } from "../../src/envs/spaces.js";
import { tabularEnv, type TabularEnvOptions } from "../../src/envs/tabular-env.js";
import type { Env } from "../../src/envs/env.js";
import type { TabularMdp } from "../../src/mdp/tabular-mdp.js";

/** The one-hot row of state s among S. */
export function oneHot(s: number, S: number): Float32Array {
  const o = new Float32Array(S);
  o[s] = 1;
  return o;
}

/** `tabularEnv(mdp, options)` observed as one-hot rows. */
export function oneHotTabularEnv(mdp: TabularMdp, options: TabularEnvOptions = {}): Env<Float32Array, number> {
  const inner = tabularEnv(mdp, options);
  const S = mdp.S;
  return {
    id: "OneHotTabular",
    observationSpace: new Box(0, 1, { shape: [S] }),
    actionSpace: inner.actionSpace,
    maxEpisodeSteps: inner.maxEpisodeSteps,
    reset: (o) => {
      const r = inner.reset(o);
      return { obs: oneHot(r.obs, S), info: r.info };
    },
    step: (a) => {
      const r = inner.step(a);
      return { ...r, obs: oneHot(r.obs, S) };
    },
    close: () => inner.close(),
  };
}
