// Loading builds of the package side by side, for the one-off A/B scripts in
// bench/investigations/: a compiled dist/ directory (`npm run build` output,
// with its build/ beside it) or a bare mirror.wasm, whose raw kernels are
// called without the library's loader.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./harness.js";

/** This checkout's compiled package. */
export const DIST = join(ROOT, "dist");

/** Imports `<distDir>/<path>` (e.g. "agents/index.js") of a compiled package. */
export function importFromDist(distDir, path) {
  return import(pathToFileURL(join(resolve(distDir), path)).href);
}

/** The exports of a fresh instance of a mirror.wasm build (its `abort` throws, naming the build). */
export function wasmExports(file, name = file) {
  const module = new WebAssembly.Module(readFileSync(file));
  const imports = { env: { abort: () => { throw new Error(`${name}: abort`); } } };
  return new WebAssembly.Instance(module, imports).exports;
}

/** The median of a list of numbers (the mean of the middle two for an even count). */
export function median(values) {
  const s = [...values].sort((x, y) => x - y);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
