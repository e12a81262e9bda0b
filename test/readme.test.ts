// The README's example must run as written against the built package (the
// browser test's global set-up builds dist/). The sparse garnet is shrunk from
// 10^6 to 10^4 states to keep the suite fast; nothing else is changed.
import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = join(import.meta.dirname, "..");

describe("README", () => {
  it("runs its example against the built package", async () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const block = /```ts\n([\s\S]*?)```/.exec(readme);
    expect(block, "README.md has a ```ts example").not.toBeNull();
    const dist = pathToFileURL(join(ROOT, "dist", "index.js")).href;
    const code = block![1]
      .replace(/from "mirror-rl"/g, `from ${JSON.stringify(dist)}`)
      .replace("S: 1_000_000", "S: 10_000");
    expect(code).toContain(dist);
    const file = join(mkdtempSync(join(tmpdir(), "mirror-rl-readme-")), "example.mjs");
    writeFileSync(file, code);
    const logs: unknown[][] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => void logs.push(args);
    try {
      await import(pathToFileURL(file).href);
    } finally {
      console.log = original;
    }
    expect(logs.length).toBe(3);
    for (const line of logs) for (const v of line) expect(Number.isFinite(v as number)).toBe(true);
  });
});
