// The examples must run as written against the built package (the global
// set-up builds dist/): examples/compare-instances.js on both of its MDPs
// with a short iteration cap, in its own Node process as a user would run it. Its exit status is its
// own monotone-improvement check over every instance.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");

describe("examples/compare-instances.js", () => {
  it("runs every instance on FrozenLake 8x8 and the garnet S = 2000 and finds each improving monotonically", () => {
    const run = spawnSync(process.execPath, [join(ROOT, "examples", "compare-instances.js"), "--cap", "20"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).toContain("Every instance improved monotonically.");
    // Per MDP, both tables list the same 13 instances.
    const rows = out.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| instance") && !l.startsWith("| ---"));
    expect(rows.length).toBe(52);
    // FrozenLake's eta is a probability-weighted return in [0, 1].
    const etas = rows.slice(0, 13).flatMap((l) => l.split("|").slice(2, -1).map((c) => c.trim()).filter(Boolean).map(Number));
    expect(etas.length).toBeGreaterThan(13);
    for (const eta of etas) expect(eta >= 0 && eta <= 1).toBe(true);
    // gpi is policy iteration: it reaches the optimum on both MDPs, so its rows give an iteration count.
    expect(rows.slice(13, 26).find((l) => l.startsWith("| gpi |"))).toMatch(/^\| gpi \| \d+ \|/);
    expect(rows.slice(39).find((l) => l.startsWith("| gpi |"))).toMatch(/^\| gpi \| \d+ \|/);
    // qNpg with one-hot features on the garnet (dim 20,000, the CG fit) runs like NPG with the same steps.
    const garnetIterations = rows.slice(39);
    const cells = (label: string) => garnetIterations.find((l) => l.startsWith(`| ${label} |`))!.split("|")[2].trim();
    expect(cells("qNpg, one-hot features, eta_k = 2^k")).toBe(cells("npg, eta_k = 2^k"));
  });
});

describe("examples/multi-agent.js", () => {
  it("runs the four cases; sequential never loses return, simultaneous miscoordinates in the matrix games", () => {
    const run = spawnSync(process.execPath, [join(ROOT, "examples", "multi-agent.js"), "--sweeps", "3"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Every sequential run improved the joint return at every agent's step.");
    const rows = run.stdout.split("\n").filter((l) => l.startsWith("| sequential") || l.startsWith("| simultaneous"));
    expect(rows.length).toBe(8);
    const cells = (l: string) => l.split("|").slice(2, -2).map((c) => Number(c.trim()));
    // Penalty game with greedy steps: sequential -0.4 -> 10, simultaneous -0.4 -> -10.
    expect(cells(rows[0])).toEqual([-0.4, 10, 10, 10]);
    expect(cells(rows[1])).toEqual([-0.4, -10, -10, -10]);
    for (const l of rows.filter((r) => r.startsWith("| sequential"))) expect(l).toMatch(/\| 0 \(of \d+ agent steps\) \|$/);
  });
});

