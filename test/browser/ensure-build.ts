/**
 * vitest global setup: rebuilds `build/` (asc) and `dist/` (tsc) when they are
 * missing or older than their sources, before any test file starts, so that
 * tests reading the built module (the browser test loads `dist/index.js` and
 * `build/mirror.wasm`) never see stale output and no test reads a file while
 * it is rewritten. When everything is up to date it only compares mtimes.
 *
 * A build failure fails the run in CI; locally it prints the compiler's error
 * and goes on with the old output (another engineer's half-written file should
 * not stop everyone's tests). Set MIRROR_RL_NO_BUILD=1 to skip the check.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const LOCK = join(ROOT, "node_modules", ".cache", "mirror-rl-build.lock");

/** Newest mtime (ms) of files under `dir` accepted by `keep`; 0 when there are none. */
function newest(dir: string, keep: (name: string) => boolean): number {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) t = Math.max(t, newest(path, keep));
    else if (keep(entry.name)) t = Math.max(t, statSync(path).mtimeMs);
  }
  return t;
}

const mtime = (path: string): number => (existsSync(path) ? statSync(path).mtimeMs : 0);
const isTs = (name: string): boolean => name.endsWith(".ts");
const isSource = (name: string): boolean => name.endsWith(".ts") && !name.endsWith(".test.ts");

interface Target {
  script: string;
  stale(): boolean;
}

const TARGETS: Target[] = [
  {
    script: "build:wasm",
    stale() {
      const out = Math.min(mtime(join(ROOT, "build/mirror.wasm")), mtime(join(ROOT, "build/mirror.js")));
      const src = Math.max(newest(join(ROOT, "assembly"), isTs), mtime(join(ROOT, "asconfig.json")));
      return out === 0 || src > out;
    },
  },
  {
    script: "build:ts",
    stale() {
      const out = newest(join(ROOT, "dist"), (n) => n.endsWith(".js"));
      const src = Math.max(
        newest(join(ROOT, "src"), isSource),
        mtime(join(ROOT, "tsconfig.json")),
        mtime(join(ROOT, "tsconfig.build.json")),
        mtime(join(ROOT, "build/mirror.d.ts")),
      );
      const indexMissing = existsSync(join(ROOT, "src/index.ts")) && !existsSync(join(ROOT, "dist/index.js"));
      return out === 0 || src > out || indexMissing;
    },
  },
];

function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci !== "false";
}

/** A cross-process lock (mkdir is atomic) so parallel test runs do not build at once. */
async function withLock<T>(fn: () => T): Promise<T> {
  mkdirSync(join(LOCK, ".."), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A lock left by a killed run is taken over after three minutes.
      if (Date.now() - mtime(LOCK) > 180_000 || Date.now() > deadline) {
        rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function run(script: string): void {
  const started = performance.now();
  try {
    execFileSync("npm", ["run", "--silent", script], { cwd: ROOT, stdio: "pipe", encoding: "utf8" });
    console.log(`[ensure-build] npm run ${script}: rebuilt in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    const output = `${e.stdout ?? ""}${e.stderr ?? ""}`.trim().split("\n").slice(-30).join("\n");
    const message = `[ensure-build] npm run ${script} failed:\n${output || e.message}`;
    if (inCi()) throw new Error(message);
    console.warn(`${message}\n[ensure-build] going on with the previous build output`);
  }
}

export default async function setup(): Promise<void> {
  if (process.env.MIRROR_RL_NO_BUILD) return;
  if (!TARGETS.some((t) => t.stale())) return;
  await withLock(() => {
    // Re-check inside the lock: a parallel run may have just built.
    for (const target of TARGETS) if (target.stale()) run(target.script);
  });
}
