// Helpers for suites that run each case in a child process, so that a case's
// peak resident memory (process.resourceUsage().maxRSS) is its own.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { QUICK } from "./harness.js";

const MARK = "@@result ";

/** In a child: prints the case's result for the parent to read. */
export function report(result) {
  console.log(MARK + JSON.stringify(result));
}

/** The `--case <name>` argument when this process is a child, else undefined. */
export function caseArgument() {
  const i = process.argv.indexOf("--case");
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/**
 * Runs `suiteUrl` (import.meta.url of the suite) with `--case name` in a child
 * process and returns what it reported; its other output is passed through.
 */
export function runCase(suiteUrl, name) {
  const child = spawnSync(
    process.execPath,
    ["--expose-gc", fileURLToPath(suiteUrl), "--case", name, ...(QUICK ? ["--quick"] : [])],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 * 1024 * 1024 },
  );
  let result;
  for (const line of child.stdout.split("\n")) {
    if (line.startsWith(MARK)) result = JSON.parse(line.slice(MARK.length));
    else if (line.trim()) console.log(line);
  }
  if (child.status !== 0 || !result) {
    return { name, error: `exit ${child.status ?? child.signal}` };
  }
  return result;
}

/** Total bytes of the model's WebAssembly blocks (P or CSR arrays, R, mu). */
export function modelBytes(mdp) {
  return Object.values(mdp.blocks)
    .filter(Boolean)
    .reduce((sum, block) => sum + block.view.byteLength, 0);
}
