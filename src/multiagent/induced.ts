/**
 * Agent i's induced single-agent MDP with the other agents fixed at pi_{-i}
 * (Li, Clavette & He 2022, multi-agent result: "the environment becomes
 * stationary for agent i"):
 *
 *   P_i(s'|s,a_i) = sum_{a_{-i}} pi_{-i}(a_{-i}|s) P(s'|s,a_i,a_{-i}),
 *   R_i(s,a_i)    = sum_{a_{-i}} pi_{-i}(a_{-i}|s) R(s,a_i,a_{-i}),
 *   pi_{-i}(a_{-i}|s) = prod_{j != i} pi_j(a_j|s).
 *
 * Built in plain TypeScript: the work is one pass over the joint transitions
 * (S*A*S dense, nnz sparse), the same order as copying the model, and the
 * result is copied into WebAssembly memory once by TabularMdp's constructors.
 */
import { TabularMdp } from "../mdp/tabular-mdp.js";
import type { MultiAgentMdp } from "./multi-agent-mdp.js";

/**
 * The others' joint probabilities pi_{-i}(a_{-i}|s) laid out over joint
 * actions, w[a] for a in [0, A) (it does not depend on a_i), renormalised to
 * sum to A_i over a so that each induced row sums to 1 even when the agents'
 * rows are only within 1e-9 of 1.
 */
function othersWeights(m: MultiAgentMdp, pis: readonly Float64Array[], agent: number, s: number, w: Float64Array): void {
  const { A, N, actionCounts, strides } = m;
  let total = 0;
  for (let a = 0; a < A; a++) {
    let p = 1;
    for (let j = 0; j < N && p !== 0; j++) {
      if (j === agent) continue;
      const Aj = actionCounts[j];
      p *= pis[j][s * Aj + (Math.floor(a / strides[j]) % Aj)];
    }
    w[a] = p;
    total += p;
  }
  const scale = actionCounts[agent] / total;
  for (let a = 0; a < A; a++) w[a] *= scale;
}

/**
 * Calls `visit(a)` for every joint action a whose agent-`agent` component is
 * `ai`: a = hi * (A_i stride_i) + ai * stride_i + lo.
 */
function forEachJoint(m: MultiAgentMdp, agent: number, ai: number, visit: (a: number) => void): void {
  const stride = m.strides[agent];
  const block = m.actionCounts[agent] * stride;
  for (let hi = 0; hi < m.A; hi += block) {
    const base = hi + ai * stride;
    for (let lo = 0; lo < stride; lo++) visit(base + lo);
  }
}

/** @internal The induced MDP (see `MultiAgentMdp.inducedMdp`); shapes and policies already checked. */
export function buildInducedMdp(m: MultiAgentMdp, pis: readonly Float64Array[], agent: number): TabularMdp {
  const joint = m.joint;
  const { S, A } = m;
  const Ai = m.actionCounts[agent];
  const w = new Float64Array(A);
  const jointR = joint.R;
  const R = new Float64Array(S * Ai);
  const common = { S, A: Ai, gamma: joint.gamma, mu: joint.mu.slice(), R };

  if (joint.format === "dense") {
    const jointP = joint.P; // no allocation below until fromDense: the view stays live
    const P = new Float64Array(S * Ai * S);
    for (let s = 0; s < S; s++) {
      othersWeights(m, pis, agent, s, w);
      for (let ai = 0; ai < Ai; ai++) {
        const row = (s * Ai + ai) * S;
        forEachJoint(m, agent, ai, (a) => {
          const p = w[a];
          if (p === 0) return;
          R[s * Ai + ai] += p * jointR[s * A + a];
          const src = (s * A + a) * S;
          for (let t = 0; t < S; t++) P[row + t] += p * jointP[src + t];
        });
      }
    }
    return TabularMdp.fromDense({ ...common, P });
  }

  // Sparse: merge the joint rows (s, a_i, .) into one row per (s, a_i) with a
  // dense accumulator over next states and the list of states touched.
  const rowPtrJ = joint.rowPtr;
  const colsJ = joint.cols;
  const probsJ = joint.probs;
  const acc = new Float64Array(S);
  const seen = new Uint8Array(S);
  const touched: number[] = [];
  const rowPtr = new Int32Array(S * Ai + 1);
  const cols: number[] = [];
  const probs: number[] = [];
  for (let s = 0; s < S; s++) {
    othersWeights(m, pis, agent, s, w);
    for (let ai = 0; ai < Ai; ai++) {
      touched.length = 0;
      forEachJoint(m, agent, ai, (a) => {
        const p = w[a];
        if (p === 0) return;
        const r = s * A + a;
        R[s * Ai + ai] += p * jointR[r];
        for (let k = rowPtrJ[r]; k < rowPtrJ[r + 1]; k++) {
          const t = colsJ[k];
          if (!seen[t]) {
            seen[t] = 1;
            touched.push(t);
          }
          acc[t] += p * probsJ[k];
        }
      });
      touched.sort((x, y) => x - y);
      for (const t of touched) {
        cols.push(t);
        probs.push(acc[t]);
        acc[t] = 0;
        seen[t] = 0;
      }
      rowPtr[s * Ai + ai + 1] = cols.length;
    }
  }
  return TabularMdp.fromSparse({ ...common, rowPtr, cols, probs });
}
