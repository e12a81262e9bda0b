/**
 * The built package in a real browser: headless Debian Chromium (driven by
 * playwright-core) loads `dist/index.js` as an ES module from a local server,
 * fetches `build/mirror.wasm`, runs the shared scenario (seeded garnets through
 * `evaluate`, the kernels, the generator) and must return the same float64
 * bits as Node running the same built files. Needs /usr/bin/chromium: in CI
 * its absence is a failure, locally the test is skipped with a message.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { serveStatic, type StaticServer } from "./static-server.js";
import { fromHex, runScenario } from "./scenario.js";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
];
const SEEDS = [1, 20240607];

const ci = !!process.env.CI && process.env.CI !== "false" && process.env.CI !== "0";
const haveChromium = existsSync(CHROMIUM);
const useRoot = existsSync(join(ROOT, "dist/index.js"));
// The API comes from the package root once it is built; until then from the concept modules.
const MODULES = useRoot
  ? ["index.js"]
  : ["mdp/index.js", "policy/index.js", "evaluation/index.js", "planning/index.js"].filter((m) =>
      existsSync(join(ROOT, "dist", m)),
    );
// Once the package root and the evaluation module exist, the page must really run `evaluate`.
const evaluateRequired =
  existsSync(join(ROOT, "src/evaluation")) &&
  existsSync(join(ROOT, "src/index.ts")) &&
  /\bevaluate\b/.test(readFileSync(join(ROOT, "src/index.ts"), "utf8"));

if (!haveChromium && !ci) {
  console.warn(`browser test skipped: ${CHROMIUM} is missing (install it with: apt-get install -y chromium)`);
}

describe.runIf(ci && !haveChromium)("browser (CI without chromium)", () => {
  it("has Debian chromium at /usr/bin/chromium", () => {
    throw new Error(`${CHROMIUM} is missing in CI: .ci/run installs it with 'apt-get install -y chromium'`);
  });
});

/** Names and first differing entries of the results that are not bit-identical. */
function differences(node: Record<string, string>, browser: Record<string, string>): string[] {
  const out: string[] = [];
  for (const key of new Set([...Object.keys(node), ...Object.keys(browser)])) {
    const a = node[key];
    const b = browser[key];
    if (a === b) continue;
    if (a === undefined || b === undefined) {
      out.push(`${key}: only in ${a === undefined ? "browser" : "node"}`);
      continue;
    }
    const x = fromHex(a);
    const y = fromHex(b);
    const i = x.findIndex((v, j) => !Object.is(v, y[j]));
    out.push(`${key}: lengths ${x.length}/${y.length}, first difference at ${i}: node ${x[i]} browser ${y[i]}`);
  }
  return out;
}

describe.runIf(haveChromium)("browser: the built package gives Node's results to the last bit", () => {
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await serveStatic(ROOT, ["dist", "build", "test/browser", "web"]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
    page = await browser.newPage();
    page.on("pageerror", (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(`console.error: ${m.text()}`);
    });
    await page.goto(new URL("test/browser/page.html", server.url).href);
    await page.waitForFunction(() => (window as unknown as { scenarioReady?: boolean }).scenarioReady === true, null, {
      timeout: 30_000,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  type Outcome = Awaited<ReturnType<typeof runScenario>>;
  const outcomes = new Map<number, Promise<{ node: Outcome; browser: Outcome }>>();
  /** Runs the scenario for `seed` once on each side (cached across the tests below). */
  function both(seed: number): Promise<{ node: Outcome; browser: Outcome }> {
    let found = outcomes.get(seed);
    if (!found) {
      found = (async () => ({
        browser: await page.evaluate(
          ([modules, s]) =>
            (
              window as unknown as { runScenario(modules: string[], seed: number): ReturnType<typeof runScenario> }
            ).runScenario(modules, s),
          [MODULES, seed] as const,
        ),
        node: await runScenario(pathToFileURL(join(ROOT, "dist/")), MODULES, seed),
      }))();
      outcomes.set(seed, found);
    }
    return found;
  }
  const only = (results: Record<string, string>, keep: (key: string) => boolean): Record<string, string> =>
    Object.fromEntries(Object.entries(results).filter(([key]) => keep(key)));
  const isNormal = (key: string): boolean => key === "rng.normal";

  it.each(SEEDS)("seed %i: kernels, evaluate and solvers are bit-identical", async (seed) => {
    const { node, browser: inBrowser } = await both(seed);
    expect(pageErrors).toEqual([]);
    expect(inBrowser.ran).toEqual(node.ran);
    expect(node.ran).toContain("kernels");
    if (evaluateRequired) expect(node.ran).toContain("evaluate");
    if (node.ran.includes("evaluate")) {
      // The compared numbers are real: d is a distribution, V finite.
      for (const tag of ["small", "large"]) {
        const d = fromHex(node.results[`evaluate.${tag}.d`]);
        expect(Math.abs(d.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-9);
        expect(fromHex(node.results[`evaluate.${tag}.V`]).every(Number.isFinite)).toBe(true);
      }
    }
    const keep = (key: string): boolean => !isNormal(key);
    expect(differences(only(node.results, keep), only(inBrowser.results, keep))).toEqual([]);
  });

  // Separate because it fails for a reason outside our arithmetic: Rng.normal
  // uses Math.log, and engines do not round Math.log (exp, sin, pow...) alike:
  // Node 20's V8 uses fdlibm, recent Chromium's is (nearly) correctly rounded;
  // they differ in about 8% of logs, so a seed gives different normal draws.
  it.each(SEEDS)("seed %i: Rng.normal draws are bit-identical (Math.log is engine-dependent)", async (seed) => {
    const { node, browser: inBrowser } = await both(seed);
    expect(
      differences(only(node.results, isNormal), only(inBrowser.results, isNormal)),
      "Rng.normal differs between Node and Chromium: engines round Math.log differently; " +
        "draw normals without Math.* transcendental functions (e.g. a WebAssembly or pure-TS log)",
    ).toEqual([]);
  });

  // The demo page imports the package root, so it needs dist/index.js.
  it.runIf(useRoot)("the demo page web/index.html solves FrozenLake 8x8 as Node does", async () => {
    const demo = await browser.newPage();
    const errors: string[] = [];
    demo.on("pageerror", (e) => errors.push(e.message));
    await demo.goto(new URL("web/index.html", server.url).href);
    await demo.waitForFunction(() => document.getElementById("status")?.dataset.state !== "loading", null, {
      timeout: 30_000,
    });
    const state = await demo.evaluate(() => document.getElementById("status")?.dataset.state);
    const shown = await demo.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLTableRowElement>("#solvers tbody tr")).map((tr) => [
        tr.dataset.solver,
        tr.dataset.eta,
      ]),
    );
    await demo.close();
    expect(errors).toEqual([]);
    expect(state).toBe("solved");
    // Node: the same solvers on the same MDP; eta of each returned policy, printed the same way.
    const lib = await import(pathToFileURL(join(ROOT, "dist/index.js")).href);
    await lib.init();
    const mdp = lib.frozenLake({ map: "8x8", slippery: true, gamma: 0.99 });
    const expected = ["valueIteration", "policyIteration", "modifiedPolicyIteration"].map((name) => {
      const { policy } = lib[name](mdp);
      return [name, String(lib.evaluate(mdp, policy).eta)];
    });
    expect(shown).toEqual(expected);
    // A real number, not a blank page: the optimal success probability from the start is about 0.41.
    expect(Number(expected[1][1])).toBeGreaterThan(0.3);
  });

  it("served the module and the WebAssembly with the right Content-Type", () => {
    const wasm = server.requests.filter((r) => r.path === "/build/mirror.wasm");
    expect(wasm.length).toBeGreaterThan(0);
    expect(wasm.every((r) => r.status === 200 && r.contentType === "application/wasm")).toBe(true);
    const entry = useRoot ? "/dist/index.js" : "/dist/wasm/module.js";
    const js = server.requests.find((r) => r.path === entry);
    expect(js?.status).toBe(200);
    expect(js?.contentType).toMatch(/^text\/javascript/);
    expect(server.requests.filter((r) => r.status !== 200)).toEqual([]);
  });
});
