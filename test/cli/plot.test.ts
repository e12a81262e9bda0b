/**
 * `mirror-rl plot`: the curve arithmetic (interpolation onto a common grid,
 * mean over seeds, percentile-bootstrap band of the mean) on hand-made
 * progress.csv files, and the command writing an SVG through Vega.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error: plain JavaScript module of the command line
import { bootstrapBand, curves, findRuns, interpolate } from "../../bin/lib/curves.js";

const ROOT = join(import.meta.dirname, "..", "..");

/** A log directory with a progress.csv of (steps, return) rows and a config.json. */
function run(dir: string, name: string, rows: [number, number][], config?: object): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, "progress.csv"), ["rollout/ep_rew_mean,time/total_timesteps,eval/mean_reward", ...rows.map(([x, y]) => `${y},${x},`), ",500,77.0"].join("\n") + "\n");
  if (config) writeFileSync(join(d, "config.json"), JSON.stringify(config));
  return d;
}

describe("learning curves", () => {
  it("interpolate linearly inside a run and hold its ends outside", () => {
    const pts = [[0, 0], [10, 10], [20, 0]];
    expect(interpolate(pts, 5)).toBe(5);
    expect(interpolate(pts, 15)).toBe(5);
    expect(interpolate(pts, -3)).toBe(0);
    expect(interpolate(pts, 30)).toBe(0);
  });

  it("bootstrap the mean: a band around it that shrinks to a point for equal values or one run", () => {
    expect(bootstrapBand([4, 4, 4])).toEqual([4, 4]);
    expect(bootstrapBand([7])).toEqual([7, 7]);
    const [lo, hi] = bootstrapBand([0, 10, 20, 30, 40]);
    expect(lo).toBeLessThan(20);
    expect(hi).toBeGreaterThan(20);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(40);
    expect(bootstrapBand([0, 10, 20, 30, 40])).toEqual([lo, hi]); // seeded: the same logs give the same band
  });

  it("average seeds of one setting (config.json) on a common grid; other settings are other curves", () => {
    const dir = mkdtempSync(join(tmpdir(), "mirror-rl-curves-"));
    const cfg = { algorithm: "PPO", env: "CartPole-v1" };
    run(dir, "s0", [[0, 0], [100, 10], [200, 20]], cfg);
    run(dir, "s1", [[0, 10], [100, 30], [200, 50]], cfg);
    run(dir, "other", [[0, 1], [200, 1]], { algorithm: "A2C", env: "CartPole-v1" });
    const runs = findRuns([dir]);
    expect(runs).toHaveLength(3);
    const data = curves(runs, { xColumn: "time/total_timesteps", metric: "rollout/ep_rew_mean", points: 3 });
    const ppo = data.filter((d: { label: string }) => d.label === "PPO on CartPole-v1");
    expect(ppo.map((d: { x: number; mean: number; runs: number }) => [d.x, d.mean, d.runs])).toEqual([[0, 5, 2], [100, 20, 2], [200, 35, 2]]);
    for (const d of ppo) expect(d.lo <= d.mean && d.mean <= d.hi).toBe(true);
    expect(data.filter((d: { label: string }) => d.label === "A2C on CartPole-v1").map((d: { mean: number }) => d.mean)).toEqual([1, 1, 1]);
  });

  it("mirror-rl plot writes an SVG with a curve per setting; a missing metric or directory is bad usage", () => {
    const dir = mkdtempSync(join(tmpdir(), "mirror-rl-plot-"));
    run(dir, "a", [[0, 0], [100, 10], [200, 20]], { algorithm: "PPO", env: "CartPole-v1" });
    run(dir, "b", [[0, 5], [100, 15], [200, 40]], { algorithm: "PPO", env: "CartPole-v1" });
    const out = join(dir, "curves.svg");
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "mirror-rl.js"), "plot", dir, "-o", out, "--points", "5", "--json"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.curves.map((c: { label: string }) => c.label)).toEqual(["PPO on CartPole-v1"]);
    expect(result.curves[0].points.at(-1)).toMatchObject({ x: 200, mean: 30, runs: 2 });
    const svg = readFileSync(out, "utf8");
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain("PPO on CartPole-v1");
    expect(svg).toContain("rollout/ep_rew_mean");
    const evalCurve = spawnSync(process.execPath, [join(ROOT, "bin", "mirror-rl.js"), "plot", dir, "-o", out, "--metric", "eval/mean_reward"], { encoding: "utf8" });
    expect(evalCurve.status).toBe(0);
    const bad = spawnSync(process.execPath, [join(ROOT, "bin", "mirror-rl.js"), "plot", dir, "--metric", "nope"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/no run has both time\/total_timesteps and nope \(columns: .*rollout\/ep_rew_mean/);
    const none = spawnSync(process.execPath, [join(ROOT, "bin", "mirror-rl.js"), "plot", join(dir, "nowhere")], { encoding: "utf8" });
    expect(none.status).toBe(2);
  });
});
