/**
 * Logger's files parsed back as their readers would: progress.csv (SB3's
 * columns, header growth), monitor.csv (SB3's Monitor), JSON lines; and the
 * agents writing through one TrainingLogger (logDir, formats, a user logger,
 * the old logFile), with training unchanged by logging.
 */
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Logger, openTrainingLogger } from "./logger.js";
import { PPO } from "../agents/ppo.js";
import { A2C } from "../agents/a2c.js";
import { ValidationError } from "../core/errors.js";
import type { Metrics, TrainingLogger } from "./types.js";

/** A CSV file as header + rows of cells (no quoting needed: every cell here is a number). */
function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split("\n").filter(Boolean);
  return { header: lines[0].split(","), rows: lines.slice(1).map((l) => l.split(",")) };
}

const PPO_METRICS: Metrics = {
  "losses/policy_loss": -0.01, "losses/value_loss": 10, "losses/entropy": 0.69, "losses/approx_kl": 0.002, "losses/clipfrac": 0.05,
  "losses/explained_variance": 0.1, "charts/learning_rate": 3e-4, "charts/clip_range": 0.2, "charts/updates": 40, "charts/SPS": 12345.6,
  "charts/episodic_return": 22.5, "charts/episodic_length": 22.5,
};

describe("progress.csv", () => {
  it("has SB3's column names and values (ints as ints, floats as Python prints them)", () => {
    let t = 1_000_000;
    const logger = new Logger({ formats: ["csv"], now: () => (t += 1500) });
    logger.begin({ algorithm: "PPO", envId: "CartPole-v1", entCoef: 0.01, vfCoef: 0.5 });
    logger.metrics(2048, 1, PPO_METRICS);
    const { header, rows } = parseCsv(logger.toFiles()["progress.csv"] as string);
    expect(header).toEqual([...header].sort());
    expect(new Set(header)).toEqual(new Set([
      "rollout/ep_len_mean", "rollout/ep_rew_mean", "time/fps", "time/iterations", "time/time_elapsed", "time/total_timesteps",
      "train/approx_kl", "train/clip_fraction", "train/clip_range", "train/entropy_loss", "train/explained_variance",
      "train/learning_rate", "train/loss", "train/n_updates", "train/policy_gradient_loss", "train/value_loss",
    ]));
    const row = Object.fromEntries(header.map((h, i) => [h, rows[0][i]]));
    expect(row).toMatchObject({
      "time/fps": "12345", "time/iterations": "1", "time/total_timesteps": "2048", "time/time_elapsed": "1", "train/n_updates": "40",
      "rollout/ep_rew_mean": "22.5", "train/entropy_loss": "-0.69", "train/learning_rate": "0.0003", "train/policy_gradient_loss": "-0.01",
      "train/clip_range": "0.2",
    });
    expect(Number(row["train/loss"])).toBeCloseTo(-0.01 + 0.5 * 10 - 0.01 * 0.69, 15);
  });

  it("grows its header when new keys appear, padding earlier rows (SB3's CSVOutputFormat); skips NaN", () => {
    const logger = new Logger({ formats: ["csv"], now: () => 0 });
    logger.begin({ algorithm: "A2C" });
    logger.metrics(5, 1, { "losses/policy_loss": 1, "charts/episodic_return": NaN });
    logger.metrics(10, 2, { "losses/policy_loss": 2, "charts/episodic_return": 9 });
    logger.scalars(10, { "eval/mean_reward": 100 });
    const { header, rows } = parseCsv(logger.toFiles()["progress.csv"] as string);
    expect(header).toEqual([
      "time/iterations", "time/time_elapsed", "time/total_timesteps", "train/n_updates", "train/policy_loss", "rollout/ep_rew_mean", "eval/mean_reward",
    ]);
    expect(rows).toEqual([
      ["1", "0", "5", "1", "1.0", "", ""],
      ["2", "0", "10", "2", "2.0", "9.0", ""],
      ["", "", "10", "", "", "", "100.0"],
    ]);
  });
});

describe("monitor.csv", () => {
  it("is SB3's Monitor file: #{t_start, env_id}, r,l,t, one row per episode rounded to 6 decimals", () => {
    let t = 1_700_000_000_000;
    const logger = new Logger({ formats: ["monitor"], now: () => t });
    logger.begin({ algorithm: "PPO", envId: "CartPole-v1" });
    t += 1234.5678912;
    logger.episode(21, 21);
    t += 10;
    logger.episode(-0.1234567891, 7);
    logger.metrics(64, 1, {});
    const text = logger.toFiles()["monitor.csv"] as string;
    const lines = text.split("\n");
    expect(lines[0]).toBe('#{"t_start": 1700000000.0, "env_id": "CartPole-v1"}');
    expect(JSON.parse(lines[0].slice(1))).toEqual({ t_start: 1_700_000_000, env_id: "CartPole-v1" });
    expect(lines.slice(1)).toEqual(["r,l,t", "21.0,21,1.234568", "-0.123457,7,1.244568", ""]);
  });

  it("writes env_id null for an environment without an id", () => {
    const logger = new Logger({ formats: ["monitor"], now: () => 1500 });
    logger.begin({ algorithm: "PPO" });
    expect((logger.toFiles()["monitor.csv"] as string).split("\n")[0]).toBe('#{"t_start": 1.5, "env_id": null}');
  });
});

describe("Logger options", () => {
  it("rejects unknown formats with the nearest name, and unknown options", () => {
    expect(() => new Logger({ formats: ["tensorbord" as never] })).toThrow(/unknown log format.*did you mean "tensorboard"/);
    expect(() => new Logger({ formats: [] })).toThrow(ValidationError);
    expect(() => new Logger({ formats: ["csv", "csv"] })).toThrow(/twice/);
    expect(() => new Logger({ dri: "x" } as never)).toThrow(/did you mean "dir"/);
  });

  it("openTrainingLogger checks learn's options", () => {
    const run = { algorithm: "PPO" };
    expect(openTrainingLogger({}, run)).toBeUndefined();
    expect(() => openTrainingLogger({ formats: ["csv"] }, run)).toThrow(/formats: needs logDir/);
    expect(() => openTrainingLogger({ logDir: "" }, run)).toThrow(/logDir/);
    expect(() => openTrainingLogger({ logger: {} as TrainingLogger }, run)).toThrow(/logger: must have metrics/);
  });
});

describe("agents writing through the logger", () => {
  const config = { env: "CartPole-v1", numEnvs: 4, nSteps: 32, batchSize: 64, nEpochs: 2, seed: 3 } as const;

  it("PPO: learn(steps, { logDir, formats }) writes every format; training is bit-identical to a run without logs", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "mirror-rl-logs-")), "run");
    const logged = new PPO(config);
    await logged.learn(1024, { logDir: dir, formats: ["csv", "monitor", "tensorboard", "jsonl"] });
    const plain = new PPO(config);
    await plain.learn(1024);
    expect(logged.save()).toEqual(plain.save());

    const files = readdirSync(dir).sort();
    expect(files.filter((f) => !f.startsWith("events."))).toEqual(["metrics.jsonl", "monitor.csv", "progress.csv"]);
    expect(files.some((f) => f.startsWith("events.out.tfevents."))).toBe(true);
    const { header, rows } = parseCsv(readFileSync(join(dir, "progress.csv"), "utf8"));
    expect(rows).toHaveLength(8); // 1024 steps / (4 x 32) per update
    const col = (name: string) => rows.map((r) => r[header.indexOf(name)]);
    expect(col("time/total_timesteps")).toEqual(["128", "256", "384", "512", "640", "768", "896", "1024"]);
    expect(col("train/n_updates")).toEqual(["4", "8", "12", "16", "20", "24", "28", "32"]); // 2 epochs x 2 minibatches
    const monitor = readFileSync(join(dir, "monitor.csv"), "utf8").split("\n").filter(Boolean);
    expect(monitor[1]).toBe("r,l,t");
    const episodes = monitor.slice(2).map((l) => l.split(",").map(Number));
    expect(episodes.length).toBeGreaterThan(10);
    for (const [r, l, t] of episodes) {
      expect(r).toBe(l); // CartPole: reward 1 per step
      expect(t).toBeGreaterThanOrEqual(0);
    }
    expect(episodes.reduce((n, [, l]) => n + l, 0)).toBeLessThanOrEqual(1024);
    // The mean of the last episodes is what progress.csv reports as rollout/ep_rew_mean at the end.
    const last = episodes.slice(-100).reduce((s, [r]) => s + r, 0) / Math.min(100, episodes.length);
    expect(Number(col("rollout/ep_rew_mean").at(-1))).toBeCloseTo(last, 9);
    const jsonl = readFileSync(join(dir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(jsonl.map((r) => r.global_step)).toEqual([128, 256, 384, 512, 640, 768, 896, 1024]);
    expect(Object.keys(jsonl[0])).toContain("losses/approx_kl");
    logged.dispose();
    plain.dispose();
  });

  it("A2C: a user's Logger in memory gives the files (as a browser would download them); logFile still writes JSON lines", async () => {
    const logger = new Logger();
    const logFile = join(mkdtempSync(join(tmpdir(), "mirror-rl-logfile-")), "m.jsonl");
    const agent = new A2C({ env: "CartPole-v1", numEnvs: 2, seed: 1 });
    await agent.learn(200, { logger, logFile });
    const files = logger.toFiles();
    expect(Object.keys(files).sort()).toEqual(["monitor.csv", "progress.csv", expect.stringMatching(/^events\.out\.tfevents\./)].sort());
    const { header, rows } = parseCsv(files["progress.csv"] as string);
    expect(rows).toHaveLength(20);
    expect(header).toContain("train/policy_loss");
    expect(header).not.toContain("train/policy_gradient_loss");
    const lines = readFileSync(logFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(20);
    expect(lines[0]).toMatchObject({ global_step: 10, iteration: 1 });
    agent.dispose();
  });

  it("any object with metrics() is a logger; learn rejects unknown options with the nearest name", async () => {
    const seen: number[] = [];
    let episodes = 0;
    const agent = new A2C({ env: "CartPole-v1", seed: 2 });
    await agent.learn(50, { logger: { metrics: (step) => void seen.push(step), episode: () => void episodes++ } });
    expect(seen).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
    expect(episodes).toBeGreaterThanOrEqual(1);
    await expect(agent.learn(10, { logdir: "x" } as never)).rejects.toThrow(/did you mean "logDir"/);
    await expect(agent.learn(10, { logDir: join(tmpdir(), "never-made"), formats: ["cvs" as never] })).rejects.toThrow(/did you mean "csv"/);
    expect(existsSync(join(tmpdir(), "never-made"))).toBe(false);
    agent.dispose();
  });
});
