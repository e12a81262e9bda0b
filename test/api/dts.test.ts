/**
 * The emitted declarations compile in a user's project under the strictest
 * settings a user may have (strict, exactOptionalPropertyTypes, skipLibCheck
 * false, NodeNext modules), and give the types the API promises: the
 * consumer file test/api/consumer/main.ts imports "mirror-rl" and
 * "mirror-rl/kernels" from the built package (dist/, which the test run's
 * global set-up rebuilds) through node_modules/mirror-rl -> the repository.
 */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

describe("published types", () => {
  it("a strict consumer project type-checks against dist/*.d.ts", () => {
    const dir = mkdtempSync(join(tmpdir(), "mirror-rl-consumer-"));
    try {
      mkdirSync(join(dir, "node_modules"));
      symlinkSync(ROOT, join(dir, "node_modules", "mirror-rl"), "dir");
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022", "DOM"], types: [],
            strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false, noEmit: true,
          },
          files: ["main.ts"],
        }),
      );
      copyFileSync(join(ROOT, "test/api/consumer/main.ts"), join(dir, "main.ts"));
      let output = "";
      let status = 0;
      try {
        execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", dir], { encoding: "utf8" });
      } catch (error) {
        const e = error as { status: number; stdout: string; stderr: string };
        status = e.status;
        output = `${e.stdout}${e.stderr}`;
      }
      expect(output).toBe("");
      expect(status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
