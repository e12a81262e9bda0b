import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PPO } from "./ppo.js";
import { A2C } from "./a2c.js";
import { crc32, decodeAgentFile, decodeF32, encodeAgentFile, encodeF32 } from "./agent-file.js";
import { makeEnv } from "../envs/registry.js";
import { Rng } from "../core/rng.js";
import { ValidationError } from "../core/errors.js";

const cfg = { env: "CartPole-v1", numEnvs: 2, nSteps: 32, batchSize: 16, nEpochs: 2, seed: 9 } as const;

function randomObs(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: 4 * n }, () => rng.uniform(-2, 2));
}

describe("agent file format", () => {
  it("CRC-32 gives the standard check value and f32 base64 round-trips exactly", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    for (const n of [0, 1, 2, 3, 4, 7]) {
      const a = Float32Array.from({ length: n }, (_, i) => (i - 2.5) / 3);
      expect(Array.from(decodeF32("x", encodeF32(a), n))).toEqual(Array.from(a));
    }
  });

  it("PPO round trip: same parameters, optimiser state, statistics and bit-identical predictions", async () => {
    const agent = new PPO({ ...cfg, normalize: true });
    await agent.learn(256);
    const bytes = agent.save();
    const back = PPO.load(bytes);
    expect(Array.from(back.policy.store.parameters())).toEqual(Array.from(agent.policy.store.parameters()));
    expect(Array.from(back.optimizer.getState().v)).toEqual(Array.from(agent.optimizer.getState().v));
    expect(Array.from(back.obsNormalizer!.stats.mean)).toEqual(Array.from(agent.obsNormalizer!.stats.mean));
    expect(back.obsNormalizer!.stats.count).toBe(agent.obsNormalizer!.stats.count);
    expect(back.numTimesteps).toBe(256);
    const obs = randomObs(64, 1);
    expect(Array.from(back.predict(obs, { deterministic: true, batch: true }) as Int32Array)).toEqual(
      Array.from(agent.predict(obs, { deterministic: true, batch: true }) as Int32Array),
    );
    // The predict stream is saved too: stochastic predictions continue identically.
    expect(Array.from(back.predict(obs, { batch: true }) as Int32Array)).toEqual(Array.from(agent.predict(obs, { batch: true }) as Int32Array));
    // Saving the loaded agent gives the same bytes.
    expect(Buffer.from(back.save()).equals(Buffer.from(agent.save()))).toBe(true);
    agent.dispose();
    back.dispose();
  });

  it("A2C round trip through a file; user environments need { env } at load", async () => {
    const agent = new A2C({ env: () => makeEnv("CartPole-v1"), numEnvs: 2, seed: 4 });
    await agent.learn(100);
    const path = join(mkdtempSync(join(tmpdir(), "mirror-save-")), "a2c.mrl");
    agent.saveFile(path);
    expect(() => A2C.loadFile(path)).toThrow(/pass \{ env \}/);
    const back = A2C.loadFile(path, { env: () => makeEnv("CartPole-v1") });
    const obs = randomObs(20, 2);
    expect(Array.from(back.predict(obs, { deterministic: true, batch: true }) as Int32Array)).toEqual(
      Array.from(agent.predict(obs, { deterministic: true, batch: true }) as Int32Array),
    );
    expect(() => PPO.load(agent.save())).toThrow(/holds a A2C agent, not PPO/);
    agent.dispose();
    back.dispose();
  });

  it("damaged files give clear errors", async () => {
    const agent = new PPO(cfg);
    const bytes = agent.save();
    const flipped = bytes.slice();
    flipped[100] ^= 0x20;
    expect(() => PPO.load(flipped)).toThrow(/checksum mismatch: stored CRC-32 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}/);
    expect(() => PPO.load(bytes.subarray(0, 500))).toThrow(new RegExp(`truncated at byte 500 of ${bytes.length}`));
    expect(() => PPO.load(bytes.subarray(0, 10))).toThrow(/truncated at byte 10 of the 20-byte header/);
    const magic = bytes.slice();
    magic[0] = 0x58;
    expect(() => PPO.load(magic)).toThrow(/bad magic/);
    const version = bytes.slice();
    new DataView(version.buffer).setUint32(8, 2, true);
    expect(() => PPO.load(version)).toThrow(/unsupported format version .*got 2/);
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expect(() => PPO.load(longer)).toThrow(/3 bytes after/);
    expect(() => PPO.load(flipped)).toThrow(ValidationError);
    agent.dispose();
  });
});
