/**
 * The tuned configs: every entry builds its agent (so every key is a real
 * setting), and the ones bench/agents/quality.js measures are the same
 * numbers there and here.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ZOO } from "./zoo.js";
import { PPO } from "./ppo.js";
import { A2C } from "./a2c.js";
import { TRPO } from "./trpo.js";
import { NPG } from "./npg.js";

const AGENTS = { PPO, A2C, TRPO, NPG } as const;

describe("ZOO", () => {
  it("every entry is a valid config of its agent", () => {
    for (const [algorithm, envs] of Object.entries(ZOO)) {
      const Agent = AGENTS[algorithm as keyof typeof AGENTS];
      expect(Agent, algorithm).toBeDefined();
      for (const [env, entry] of Object.entries(envs)) {
        expect(entry.steps).toBeGreaterThan(0);
        const agent = new Agent({ env, ...entry.config, seed: 0 } as never);
        agent.dispose();
      }
    }
    expect(Object.isFrozen(ZOO.PPO["CartPole-v1"].config)).toBe(true);
  });

  it("matches the cases of bench/agents/quality.js (config, steps, target)", () => {
    const text = readFileSync(join(import.meta.dirname, "..", "..", "bench", "agents", "quality.js"), "utf8");
    const literal = /export const CASES = (\{[\s\S]*?\n\});/.exec(text);
    expect(literal).not.toBeNull();
    const cases = new Function("PPO", "A2C", "TRPO", "NPG", `return ${literal![1]};`)("PPO", "A2C", "TRPO", "NPG") as Record<string, { algo: string; env: string; steps: number; target: number; config: object }>;
    expect(Object.keys(cases).length).toBeGreaterThanOrEqual(3);
    for (const c of Object.values(cases)) {
      const entry = ZOO[c.algo]?.[c.env];
      expect(entry, `${c.algo} ${c.env}`).toBeDefined();
      expect(entry.config).toEqual(c.config);
      expect(entry.steps).toBe(c.steps);
      expect(entry.target).toBe(c.target);
    }
  });
});
