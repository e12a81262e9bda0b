/**
 * The command line as a user runs it: `node bin/mirror-rl.js ...` in its own
 * process against the built package (the global set-up builds dist/), with
 * small step counts. Checks exit codes (0 success, 1 failure, 2 bad usage or
 * input), --json output, the files written, and the plain progress lines a
 * non-terminal gets.
 */
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "mirror-rl.js");

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000, env: { ...process.env, NO_COLOR: "1" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), "mirror-rl-cli-"));

/** A usage error: exit code 2, one line on stderr, no stack trace. */
function expectUsageError(r: ReturnType<typeof cli>, pattern: RegExp): void {
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("mirror-rl", () => {
  it("lists its commands, shows each command's help, and exits 2 on an unknown command", () => {
    const top = cli("--help");
    expect(top.status).toBe(0);
    for (const c of ["train", "eval", "solve", "compare", "plot", "bench", "demo", "serve"]) expect(top.stdout).toContain(c);
    const none = cli();
    expect(none.status).toBe(0);
    expect(none.stdout).toContain("Commands:");
    const help = cli("train", "--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--log-dir <dir>/);
    expect(cli("--version").stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expectUsageError(cli("trian"), /unknown command 'trian'[\s\S]*train/);
    expectUsageError(cli("train", "ppo", "CartPole-v1", "--bogus"), /unknown option '--bogus'/);
  });
});

describe("mirror-rl train", () => {
  it("trains, logs, evaluates periodically and saves; --json prints the result and progress goes to stderr as plain lines", () => {
    const dir = tmp();
    const logDir = join(dir, "logs");
    const model = join(dir, "ppo.mrl");
    const r = cli("train", "ppo", "CartPole-v1", "--steps", "2048", "--seed", "1", "--log-dir", logDir, "--save", model,
      "--eval-every", "1024", "--eval-episodes", "2", "--json");
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ algorithm: "PPO", env: "CartPole-v1", seed: 1, steps: 2048, iterations: 8, saved: model, logDir });
    expect(result.tuned).toMatch(/zoo/);
    expect(result.eval.returns).toHaveLength(2);
    expect(result.evaluations.map((e: { timesteps: number }) => e.timesteps)).toEqual([1024, 2048]);
    // Not a terminal: one plain line per tenth of the run, on stderr because stdout carries the JSON.
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("train: "));
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines.at(-1)).toMatch(/^train: 100% 2048\/2048 steps, \d+ steps\/s, return [\d.]+, ETA 0 s$/);
    expect(r.stderr).toMatch(/eval at 1024 steps: [\d.]+ ± [\d.]+ over 2 episodes/);
    expect(r.stderr).not.toMatch(/\x1b\[/); // no terminal control codes
    // Files: the three default formats and the run's config.
    const files = readdirSync(logDir);
    expect(files).toEqual(expect.arrayContaining(["progress.csv", "monitor.csv", "config.json"]));
    expect(files.some((f) => f.startsWith("events.out.tfevents."))).toBe(true);
    const progress = readFileSync(join(logDir, "progress.csv"), "utf8").trim().split("\n");
    const header = progress[0].split(",");
    expect(header).toEqual(expect.arrayContaining(["rollout/ep_rew_mean", "time/fps", "train/approx_kl", "train/clip_fraction", "eval/mean_reward"]));
    expect(progress).toHaveLength(1 + 8 + 2); // header, 8 updates, 2 evaluations
    expect(readFileSync(join(logDir, "monitor.csv"), "utf8")).toMatch(/^#\{"t_start": [\d.]+, "env_id": "CartPole-v1"\}\nr,l,t\n/);
    expect(JSON.parse(readFileSync(join(logDir, "config.json"), "utf8"))).toMatchObject({ algorithm: "PPO", env: "CartPole-v1", steps: 2048, seed: 1 });
    expect(existsSync(model)).toBe(true);

    // The saved agent evaluates with the same seeds to the same returns.
    const ev = cli("eval", model, "--episodes", "2", "--seed", String(10_000 + 1), "--json");
    expect(ev.status, ev.stderr).toBe(0);
    const evaluation = JSON.parse(ev.stdout);
    expect(evaluation).toMatchObject({ algorithm: "PPO", env: "CartPole-v1", episodes: 2, deterministic: true, trainedSteps: 2048 });
    expect(evaluation.returns).toEqual(result.eval.returns);
  });

  it("prints progress lines and the final evaluation on stdout without --json; reads --config (YAML) and typed --set", () => {
    const dir = tmp();
    const yaml = join(dir, "a2c.yaml");
    writeFileSync(yaml, "# a zoo-style file\nnetArch: [32, 32]\nnormalizeAdvantage: false\nlearningRate: lin_7e-4\n");
    const r = cli("train", "A2C", "cartpole", "--steps", "400", "--config", yaml, "--set", "nSteps=10", "--set", "normalize.obs=true",
      "--eval-episodes", "1", "--log-dir", join(dir, "logs"), "--formats", "csv,jsonl");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/A2C on CartPole-v1: 400 steps, seed 0/);
    expect(r.stdout).toContain('"netArch":[32,32]');
    expect(r.stdout).toContain('"normalize":{"obs":true}');
    expect(r.stdout).toMatch(/train: 100% 400\/400 steps/);
    expect(r.stdout).toMatch(/evaluation: [\d.]+ ± [\d.]+ over 1 episodes \(deterministic\)/);
    expect(readdirSync(join(dir, "logs")).sort()).toEqual(["config.json", "metrics.jsonl", "progress.csv"]);
  });

  it("rejects bad settings with one line naming the key and the nearest name (exit 2)", () => {
    expectUsageError(cli("train", "ppo", "CartPole-v1", "--set", "learning_rate=1e-3"), /^mirror-rl train: config: unknown option for PPO; did you mean "learningRate"\? \(got "learning_rate"\)\n$/);
    expectUsageError(cli("train", "a2c", "CartPole-v1", "--set", "clipRange=0.1"), /clipRange: is a PPO setting/);
    expectUsageError(cli("train", "ppo", "CartPole-v1", "--set", "gamma=2"), /gamma: must be a number in \[0, 1\] \(got 2\)/);
    expectUsageError(cli("train", "ppo", "CartPole-v1", "--set", "gamma"), /--set takes key=value/);
    expectUsageError(cli("train", "ppx", "CartPole-v1"), /unknown algorithm "ppx".*did you mean "PPO"/);
    expectUsageError(cli("train", "ppo", "CartPol"), /unknown environment "CartPol".*did you mean "CartPole-v1"/);
    expectUsageError(cli("train", "ppo", "CartPole-v1", "--steps", "lots"), /--steps must be an integer/);
    expectUsageError(cli("train", "ppo", "CartPole-v1", "--steps", "64", "--log-dir", join(tmp(), "x"), "--formats", "csv,tensorbord"),
      /unknown log format.*did you mean "tensorboard"/);
    expectUsageError(cli("train", "ppo", "CartPole-v1", "--config", join(tmp(), "missing.json")), /--config: cannot read/);
  });

  it("exits 1 when training fails (diverges)", () => {
    const r = cli("train", "a2c", "Pendulum-v1", "--steps", "20000", "--set", "learningRate=1e30", "--set", "maxGradNorm=1e30", "--eval-episodes", "1");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^mirror-rl train: .*diverged/m);
  });
});

describe("mirror-rl eval", () => {
  it("exits 2 for a file that is not an agent or cannot be read", () => {
    const dir = tmp();
    writeFileSync(join(dir, "junk.mrl"), "not an agent file, only some text");
    expectUsageError(cli("eval", join(dir, "junk.mrl")), /model file: bad magic/);
    expectUsageError(cli("eval", join(dir, "missing.mrl")), /cannot read/);
  });
});

describe("mirror-rl solve and compare", () => {
  it("solve runs a planner or an exact instance; --json gives iterations, eta, gap, monotone", () => {
    const trpo = cli("solve", "frozenlake:4x4", "--method", "trpo", "--json");
    expect(trpo.status, trpo.stderr).toBe(0);
    const r = JSON.parse(trpo.stdout);
    expect(r).toMatchObject({ method: "trpo", label: "trpo, delta = 0.1", reached: true, monotone: true, mdp: { S: 16, A: 4, gamma: 0.99 } });
    expect(r.gap).toBeLessThanOrEqual(1e-8);
    expect(r.actions).toHaveLength(16);
    const pi = JSON.parse(cli("solve", "frozenlake:4x4", "--json").stdout);
    expect(pi).toMatchObject({ method: "pi", label: "policy iteration" });
    expect(pi.eta).toBeCloseTo(r.optimum, 12);
    const garnet = cli("solve", "garnet:50,3,2,7", "--method", "vi", "--gamma", "0.9");
    expect(garnet.status).toBe(0);
    expect(garnet.stdout).toMatch(/value iteration: \d+ iterations/);
  });

  it("solve reads an MDP JSON file; bad MDPs and methods exit 2", () => {
    const file = join(tmp(), "two.json");
    writeFileSync(file, JSON.stringify({ format: "mirror-rl/tabular-mdp", version: 1, S: 2, A: 2, gamma: 0.9, storage: "dense",
      P: [1, 0, 0, 1, 1, 0, 0.5, 0.5], R: [0, 1, 2, 0], mu: [0.5, 0.5] }));
    const r = cli("solve", file, "--method", "npg", "--json");
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ method: "npg", reached: true, mdp: { S: 2, A: 2 } });
    const bad = join(tmp(), "bad.json");
    writeFileSync(bad, JSON.stringify({ format: "mirror-rl/tabular-mdp", version: 1, S: 2, A: 2, gamma: 0.9, storage: "dense",
      P: [1, 0, 0, 1, 1, 0, 0.5, 0.4], R: [0, 1, 2, 0] }));
    expectUsageError(cli("solve", bad), /P: .*sum/);
    expectUsageError(cli("solve", "frozenlake", "--method", "npq"), /unknown method "npq".*did you mean "npg"/);
    expectUsageError(cli("solve", "garnet:10"), /garnet takes garnet:S,A,branching/);
    expectUsageError(cli("solve", "nowhere.json"), /neither a file nor a known MDP/);
  });

  it("compare runs every instance on each MDP: a table, or JSON with monotone improvement", () => {
    const r = cli("compare", "frozenlake:4x4", "small", "--iterations", "100", "--json");
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.monotone).toBe(true);
    expect(out.results).toHaveLength(2);
    expect(out.results[0].runs.map((x: { key: string }) => x.key)).toEqual([
      "gpi", "npg-100", "npg-geometric", "npg", "trl", "trpo", "ppo", "cpi-optimal", "cpi", "analytical", "qnpg", "ampo", "ampo-tsallis",
    ]);
    for (const run of out.results[0].runs) expect(run.monotone).toBe(true);
    const gpi = out.results[0].runs[0];
    expect(gpi).toMatchObject({ reached: true });
    const table = cli("compare", "frozenlake:4x4", "--instances", "gpi,trpo");
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/instance\s+iterations\s+final eta\s+gap\s+monotone\s+time/);
    expect(table.stdout.split("\n").filter((l) => /^\s+(gpi|trpo, delta = 0.1)\s/.test(l))).toHaveLength(2);
    expect(table.stdout).toContain("Every instance improved monotonically.");
  });
});

describe("mirror-rl demo, serve and bench", () => {
  it("demo still runs (JSON)", () => {
    const r = cli("demo", "--states", "40", "--actions", "3", "--branching", "2", "--json");
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.frozenLake.solvers).toHaveLength(3);
    expect(out.garnet.S).toBe(40);
    expectUsageError(cli("demo", "--states", "zero"), /--states must be an integer/);
  });

  it("serve serves the demo page on a free port", async () => {
    const child = spawn(process.execPath, [BIN, "serve", "--port", "0"], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d) => {
          out += d;
          const m = /http:\/\/\S+/.exec(out);
          if (m) resolve(m[0]);
        });
        child.on("exit", (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<html/i);
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("bench shows its suites; an unknown suite is bench/run.js's usage error (exit 2)", () => {
    const help = cli("bench", "--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/kernels, evaluate, policy, mirror/);
    const r = cli("bench", "nosuchsuite");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown suite nosuchsuite/);
  });
});
