// The examples must run as written against the built package (the global
// set-up builds dist/): examples/compare-instances.js with a short iteration
// cap, in its own Node process as a user would run it. Its exit status is its
// own monotone-improvement check over every instance.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");

describe("examples/compare-instances.js", () => {
  it("runs every instance on FrozenLake 8x8 and finds each improving monotonically", () => {
    const run = spawnSync(process.execPath, [join(ROOT, "examples", "compare-instances.js"), "--cap", "40"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).toContain("Every instance improved monotonically.");
    // Both tables list the same 13 instances; every eta printed is a probability-weighted return in [0, 1].
    const rows = out.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| instance") && !l.startsWith("| ---"));
    expect(rows.length).toBe(26);
    const etas = rows.slice(0, 13).flatMap((l) => l.split("|").slice(2, -1).map((c) => c.trim()).filter(Boolean).map(Number));
    expect(etas.length).toBeGreaterThan(13);
    for (const eta of etas) expect(eta >= 0 && eta <= 1).toBe(true);
    // gpi is policy iteration: it reaches the optimum, so its row gives an iteration count, not "not within".
    expect(rows.slice(13).find((l) => l.startsWith("| gpi |"))).toMatch(/^\| gpi \| \d+ \|/);
  });
});
