import { describe, expect, it } from "vitest";
import { analytical } from "../instances/analytical.js";
import { gpi } from "../instances/gpi.js";
import { npg } from "../instances/npg.js";
import { trl } from "../instances/trl.js";
import { ValidationError } from "../core/errors.js";
import { evaluate } from "../evaluation/evaluate.js";
import { garnet } from "../mdp/generators/garnet.js";
import { randomMdp } from "../mdp/generators/random-mdp.js";
import type { TabularMdp } from "../mdp/tabular-mdp.js";
import { squaredL2Drift } from "../mirror/drifts.js";
import { mirrorStep } from "../mirror/step.js";
import { Rng } from "../core/rng.js";
import { randomPolicy } from "../../test/helpers/mirror.js";
import { testRng } from "../../test/helpers/lengths.js";
import { climbingGame, penaltyGame } from "./games.js";
import { MultiAgentMdp } from "./multi-agent-mdp.js";
import { optimiseMultiAgent } from "./optimise-multi-agent.js";
import { type AgentUpdate, jointEta, sequentialUpdate, simultaneousUpdate } from "./updates.js";

function randomFactored(m: MultiAgentMdp, seed: number, zeros = 0): Float64Array[] {
  const rng = testRng(seed);
  return m.actionCounts.map((Ai) => randomPolicy(rng, m.S, Ai, zeros));
}

/** Asserts eta never decreases along `eta` beyond evaluation round-off. */
function expectMonotone(eta: readonly number[], where: string): void {
  for (let j = 1; j < eta.length; j++) {
    const drop = eta[j - 1] - eta[j];
    if (!(drop <= 1e-10 * (1 + Math.abs(eta[j - 1])))) {
      throw new Error(`${where}: eta fell from ${eta[j - 1]} to ${eta[j]} at position ${j}`);
    }
  }
}

/** A user-defined instance (squared-L2 drift through mirrorStep): any object with step(mdp, policy, k) works. */
function l2Update(C: number): AgentUpdate {
  return { name: `l2(${C})`, step: (mdp: TabularMdp, policy: Float64Array) => mirrorStep(mdp, policy, { drift: squaredL2Drift(C) }) };
}

const INSTANCES: { name: string; make: () => AgentUpdate }[] = [
  { name: "gpi", make: () => gpi() },
  { name: "npg(0.3)", make: () => npg({ stepSize: 0.3 }) },
  { name: "npg(100)", make: () => npg({ stepSize: 100 }) },
  { name: "trl(0.5)", make: () => trl({ C: 0.5 }) },
  { name: "analytical", make: () => analytical() },
  { name: "user l2(2)", make: () => l2Update(2) },
];

describe("sequentialUpdate: monotone improvement of the joint eta (Li, Clavette & He 2022)", () => {
  const shapes = [
    { counts: [2, 2], S: 5 },
    { counts: [3, 2], S: 4 },
    { counts: [2, 2, 2], S: 3 },
  ];
  for (const inst of INSTANCES) {
    it(`never lowers eta after any agent's step: ${inst.name}, random MDPs, starts and orders`, () => {
      let steps = 0;
      for (let seed = 0; seed < 30; seed++) {
        const shape = shapes[seed % shapes.length];
        const A = shape.counts.reduce((p, n) => p * n, 1);
        const joint = seed % 2 === 0
          ? randomMdp({ S: shape.S, A, seed, gamma: 0.9 })
          : garnet({ S: shape.S, A, branching: 2, gamma: 0.8, seed, rewards: { low: -1, high: 1 } });
        const m = MultiAgentMdp.fromJoint(joint, shape.counts);
        const rng = new Rng(1000 + seed);
        const result = optimiseMultiAgent(m, inst.make(), {
          iterations: 4,
          order: "random",
          rng,
          policies: randomFactored(m, 77 + seed, 0.2),
        });
        // Joint eta after every single agent's step, across all sweeps.
        const path = [result.history.eta[0], ...result.history.agentEta.flat()];
        expectMonotone(path, `${inst.name} seed ${seed}`);
        steps += path.length - 1;
        expect(result.history.eta[result.history.eta.length - 1]).toBeGreaterThan(result.history.eta[0]);
        joint.dispose();
      }
      expect(steps).toBe(10 * 4 * (2 + 2 + 3)); // 30 runs of 4 sweeps, N = 2, 2, 3 in turn
    });
  }

  it("reports eta before and after each agent, equal to the joint evaluation", () => {
    const m = MultiAgentMdp.fromJoint(randomMdp({ S: 4, A: 6, seed: 3 }), [2, 3]);
    const start = randomFactored(m, 5);
    const r = sequentialUpdate(m, start, npg({ stepSize: 1 }), { order: [1, 0] });
    expect(r.order).toEqual([1, 0]);
    expect(r.eta).toHaveLength(3);
    expect(r.eta[0]).toBeCloseTo(evaluate(m.joint, m.jointPolicy(start)).eta, 12);
    expect(r.eta[2]).toBeCloseTo(jointEta(m, r.policies), 12);
    // Agent 1 moved first: the middle eta is the one of (pi_0 old, pi_1 new).
    expect(r.eta[1]).toBeCloseTo(jointEta(m, [start[0], r.policies[1]]), 12);
    expect(r.logPolicies[0]).toBeInstanceOf(Float64Array);
  });

  it("is the single-agent step itself for one agent", () => {
    const joint = randomMdp({ S: 5, A: 3, seed: 4 });
    const m = MultiAgentMdp.fromJoint(joint, [3]);
    const start = randomFactored(m, 6);
    const update = trl({ C: 0.7 });
    const multi = sequentialUpdate(m, start, update).policies[0];
    const single = update.step(joint, start[0]).policy;
    multi.forEach((v, j) => expect(v).toBeCloseTo(single[j], 14));
  });

  it("does not modify its inputs, and a random order is reproducible from the seed", () => {
    const m = MultiAgentMdp.fromJoint(randomMdp({ S: 3, A: 8, seed: 7 }), [2, 2, 2]);
    const start = randomFactored(m, 8);
    const copy = start.map((p) => p.slice());
    const a = sequentialUpdate(m, start, gpi(), { order: "random", rng: new Rng(42) });
    const b = sequentialUpdate(m, start, gpi(), { order: "random", rng: new Rng(42) });
    expect(a.order).toEqual(b.order);
    expect([...a.order].sort()).toEqual([0, 1, 2]);
    start.forEach((p, i) => expect(Array.from(p)).toEqual(Array.from(copy[i])));
  });

  it("takes one update per agent (heterogeneous agents) and stays monotone", () => {
    const m = MultiAgentMdp.fromJoint(garnet({ S: 6, A: 6, branching: 3, gamma: 0.9, seed: 9 }), [3, 2]);
    const r = optimiseMultiAgent(m, [npg({ stepSize: 0.5 }), trl({ C: 2 })], { iterations: 5, policies: randomFactored(m, 10) });
    expectMonotone([r.history.eta[0], ...r.history.agentEta.flat()], "heterogeneous");
  });
});

describe("simultaneous updates can lose return where sequential ones cannot", () => {
  // Penalty game, both agents mostly on action 0: each best-responds to the
  // other's old policy by switching to action 2 and they meet at (2, 2) = k.
  const startPenalty = (): Float64Array[] => [Float64Array.from([0.6, 0, 0.4]), Float64Array.from([0.6, 0, 0.4])];

  it("penalty game, greedy (gpi): simultaneous -0.4 -> -10, sequential -0.4 -> 2 -> 10", () => {
    const g = penaltyGame();
    const sim = simultaneousUpdate(g, startPenalty(), gpi());
    expect(sim.eta[0]).toBeCloseTo(0.52 * -10 + 4.8, 12);
    expect(sim.eta[1]).toBeCloseTo(-10, 12);
    expect(sim.eta[1]).toBeLessThan(sim.eta[0]);
    const seq = sequentialUpdate(g, startPenalty(), gpi());
    expectMonotone(seq.eta, "penalty sequential");
    expect(seq.eta[1]).toBeCloseTo(2, 12);
    expect(seq.eta[2]).toBeCloseTo(10, 12);
  });

  it("penalty game, large NPG steps from a full-support start: the same failure and the same rescue", () => {
    const g = penaltyGame({ gamma: 0.5 });
    const start = [Float64Array.from([0.55, 0.1, 0.35]), Float64Array.from([0.55, 0.1, 0.35])];
    for (const stepSize of [1, 5]) {
      const sim = simultaneousUpdate(g, start, npg({ stepSize }));
      expect(sim.eta[1]).toBeLessThan(sim.eta[0] - 1);
      const seq = sequentialUpdate(g, start, npg({ stepSize }));
      expectMonotone(seq.eta, `npg(${stepSize}) sequential`);
      expect(seq.eta[2]).toBeGreaterThan(seq.eta[0] + 1);
    }
  });

  it("climbing game: simultaneous greedy falls to -30, sequential climbs to the optimum 11", () => {
    const g = climbingGame();
    const start = [Float64Array.from([0, 1, 0]), Float64Array.from([0.8, 0.2, 0])];
    const sim = simultaneousUpdate(g, start, gpi());
    expect(sim.eta[0]).toBeCloseTo(0.8 * -30 + 0.2 * 7, 12);
    expect(sim.eta[1]).toBeCloseTo(-30, 12);
    const seq = sequentialUpdate(g, start, gpi());
    expectMonotone(seq.eta, "climbing sequential");
    expect(seq.eta[2]).toBeCloseTo(11, 12);
  });

  it("over many sweeps from random starts: sequential never falls, simultaneous does on some", () => {
    const g = penaltyGame({ gamma: 0.5 });
    let simFalls = 0;
    for (let seed = 0; seed < 20; seed++) {
      const start = randomFactored(g, 300 + seed);
      const seq = optimiseMultiAgent(g, npg({ stepSize: 2 }), { iterations: 6, policies: start, order: "random", rng: new Rng(seed) });
      expectMonotone([seq.history.eta[0], ...seq.history.agentEta.flat()], `seed ${seed}`);
      const sim = optimiseMultiAgent(g, npg({ stepSize: 2 }), { iterations: 6, policies: start, mode: "simultaneous" });
      for (let k = 1; k < sim.history.eta.length; k++) if (sim.history.eta[k] < sim.history.eta[k - 1] - 1e-9) simFalls++;
    }
    expect(simFalls).toBeGreaterThan(0);
  });
});

describe("optimiseMultiAgent", () => {
  const m = MultiAgentMdp.fromJoint(randomMdp({ S: 4, A: 4, seed: 11 }), [2, 2]);

  it("records eta of the start and of every sweep, and stops on tolerance or onIteration", () => {
    const r = optimiseMultiAgent(m, npg({ stepSize: 1 }), { iterations: 5 });
    expect(r.iterations).toBe(5);
    expect(r.history.eta).toHaveLength(6);
    expect(r.history.agentEta).toHaveLength(5);
    expect(r.history.order).toEqual(Array.from({ length: 5 }, () => [0, 1]));
    expect(r.history.eta[0]).toBeCloseTo(jointEta(m, m.uniformPolicies()), 12);
    r.history.agentEta.forEach((row, k) => expect(row[row.length - 1]).toBe(r.history.eta[k + 1]));
    expect(r.history.eta[5]).toBeCloseTo(evaluate(m.joint, r.jointPolicy).eta, 12);
    const early = optimiseMultiAgent(m, gpi(), { iterations: 50, tolerance: 1e-12 });
    expect(early.iterations).toBeLessThan(50);
    let calls = 0;
    const stopped = optimiseMultiAgent(m, gpi(), { iterations: 10, onIteration: () => ++calls < 3 });
    expect(stopped.iterations).toBe(3);
    expect(optimiseMultiAgent(m, gpi(), { iterations: 0 }).history.eta).toHaveLength(1);
  });

  it("simultaneous mode records eta per sweep without per-agent entries", () => {
    const r = optimiseMultiAgent(m, npg({ stepSize: 1 }), { iterations: 3, mode: "simultaneous" });
    expect(r.history.eta).toHaveLength(4);
    expect(r.history.agentEta).toHaveLength(0);
  });
});

describe("validation", () => {
  const m = MultiAgentMdp.fromJoint(randomMdp({ S: 2, A: 4, seed: 12 }), [2, 2]);
  const u = m.uniformPolicies();

  it("rejects bad models, updates, orders and options with the bad value", () => {
    expect(() => sequentialUpdate({} as MultiAgentMdp, u, gpi())).toThrow(/mamdp: must be a MultiAgentMdp \(sequentialUpdate\)/);
    expect(() => sequentialUpdate(m, u, {} as AgentUpdate)).toThrow(/update: must be an update with step/);
    expect(() => sequentialUpdate(m, u, [gpi()])).toThrow(/per-agent list must hold N = 2 updates \(sequentialUpdate\) \(got 1\)/);
    expect(() => sequentialUpdate(m, u, gpi(), { order: "random" })).toThrow(/rng: an Rng is required with order "random"/);
    expect(() => sequentialUpdate(m, u, gpi(), { order: [0, 0] })).toThrow(/order: must be a permutation of 0..1/);
    expect(() => sequentialUpdate(m, u, gpi(), { order: [1] })).toThrow(/order: must be a permutation/);
    expect(() => sequentialUpdate(m, u, gpi(), { order: "backwards" as "fixed" })).toThrow(/order: must be "fixed", "random"/);
    expect(() => sequentialUpdate(m, u, gpi(), { k: -1 })).toThrow(/k: must be an integer >= 0/);
    expect(() => sequentialUpdate(m, [u[0]], gpi())).toThrow(/policies: must hold one policy per agent/);
    expect(() => simultaneousUpdate(m, u, gpi(), { logPolicies: [new Float64Array(3), undefined] })).toThrow(
      /logPolicies: must be a Float64Array of length S\*A_i = 4.*agent 0/,
    );
    expect(() => optimiseMultiAgent(m, gpi(), { iterations: 1.5 })).toThrow(/iterations: must be an integer >= 0/);
    expect(() => optimiseMultiAgent(m, gpi(), { iterations: 1, mode: "parallel" as "sequential" })).toThrow(/mode: must be/);
    expect(() => optimiseMultiAgent(m, gpi(), { iterations: 1, tolerance: -1 })).toThrow(/tolerance/);
    expect(() => optimiseMultiAgent(m, gpi(), { iterations: 1, seed: 3 } as never)).toThrow(/options: unknown option.*"seed"/);
  });

  it("rejects an update whose step returns something that is not a policy of the agent", () => {
    const broken: AgentUpdate = { step: (mdp) => ({ policy: new Float64Array(mdp.S * mdp.A).fill(0.7) }) };
    expect(() => sequentialUpdate(m, u, broken)).toThrow(ValidationError);
    expect(() => sequentialUpdate(m, u, broken)).toThrow(/policy of agent 0: policy row does not sum to 1/);
  });
});
