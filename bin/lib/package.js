// Loads the built package (dist/) for the command line, and says what to do
// when it is not built.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const DIST = new URL("../../dist/", import.meta.url);

/** The package root's exports, with the WebAssembly module initialised. */
export async function loadPackage() {
  const index = new URL("index.js", DIST);
  if (!existsSync(fileURLToPath(index))) {
    throw new Error("mirror-rl is not built (dist/index.js is missing): run `npm run build` first");
  }
  const lib = await import(index.href);
  await lib.init();
  return lib;
}

/** The lower-level subpath (mirror-rl/kernels): the agent file format, layers, optimisers. */
export async function loadKernels() {
  const lib = await loadPackage();
  const kernels = await import(new URL("kernels.js", DIST).href);
  return { lib, kernels };
}
