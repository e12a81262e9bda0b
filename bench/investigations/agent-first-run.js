#!/usr/bin/env node
// First-run (cold process) timing of PPO CartPole, what `node train.js` sees:
// each repetition starts FRESH Node processes (A and B alternately, so both
// see the same machine load) that each time the constructor and learn() of
// run 0 (cold: interpreter, Liftoff, lazy wasm compilation, young heap) and
// run 1 (same seed, same process: warm) and hash the trained parameters.
//
//   node bench/investigations/agent-first-run.js --a <dist dir> [--b <dist dir>] [--reps 4] [--seed 1] [--steps 100000]
//
// Prints every process's row, then medians and best per build, the B/A
// ratios, and whether the final save() hashes agree between builds (training
// must stay bit-identical). The child is this same file with --child.
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { DIST, importFromDist, median } from "../lib/builds.js";

const { values } = parseArgs({
  options: {
    a: { type: "string", default: DIST },
    b: { type: "string" },
    reps: { type: "string", default: "4" },
    seed: { type: "string", default: "1" },
    steps: { type: "string", default: "100000" },
    child: { type: "string" },
  },
});

const CONFIG = { env: "CartPole-v1", numEnvs: 8, nSteps: 32, batchSize: 256, nEpochs: 20, gamma: 0.98, gaeLambda: 0.8,
  learningRate: "lin_1e-3", clipRange: "lin_0.2", entCoef: 0 };

if (values.child) {
  const { PPO } = await importFromDist(values.child, "agents/index.js");
  const out = [];
  for (let run = 0; run < 2; run++) {
    const t0 = performance.now();
    const agent = new PPO({ ...CONFIG, seed: Number(values.seed) });
    const t1 = performance.now();
    await agent.learn(Number(values.steps));
    const t2 = performance.now();
    const hash = createHash("sha256").update(agent.save()).digest("hex").slice(0, 16);
    agent.dispose();
    out.push({ ctor: t1 - t0, learn: t2 - t1, hash });
  }
  console.log(JSON.stringify(out));
} else {
  const builds = [["A", values.a]];
  if (values.b) builds.push(["B", values.b]);
  const rows = Object.fromEntries(builds.map(([n]) => [n, []]));
  const self = fileURLToPath(import.meta.url);
  for (let r = 0; r < Number(values.reps); r++) {
    for (const [name, dir] of r % 2 ? [...builds].reverse() : builds) {
      const text = execFileSync(process.execPath, [self, "--child", dir, "--seed", values.seed, "--steps", values.steps], { encoding: "utf8" });
      const [r0, r1] = JSON.parse(text.trim().split("\n").pop());
      rows[name].push([r0, r1]);
      console.log(`${name} rep ${r}: run 0 ctor ${r0.ctor.toFixed(1)} ms learn ${r0.learn.toFixed(0)} ms; ` +
        `run 1 ctor ${r1.ctor.toFixed(1)} ms learn ${r1.learn.toFixed(0)} ms; hash ${r0.hash}${r1.hash === r0.hash ? "" : " (run 1 DIFFERS)"}`);
    }
  }
  const stats = {};
  for (const [name] of builds) {
    const pick = (run, key) => rows[name].map((x) => x[run][key]);
    stats[name] = {};
    for (const [label, run, key] of [["ctor0", 0, "ctor"], ["learn0", 0, "learn"], ["ctor1", 1, "ctor"], ["learn1", 1, "learn"]]) {
      const v = pick(run, key);
      stats[name][label] = { med: median(v), best: Math.min(...v) };
    }
    const s = stats[name];
    console.log(`${name}: ` + Object.entries(s).map(([k, v]) => `${k} median ${v.med.toFixed(1)} best ${v.best.toFixed(1)}`).join("; ") + " (ms)");
  }
  if (values.b) {
    const ratio = (k) => `${k} ${(stats.B[k].med / stats.A[k].med).toFixed(3)}`;
    console.log(`B/A medians: ${["ctor0", "learn0", "ctor1", "learn1"].map(ratio).join(", ")}`);
    const hashes = new Set([...rows.A, ...rows.B].map((x) => x[0].hash));
    console.log(hashes.size === 1 ? `final parameters identical across builds (${[...hashes][0]})` : `final parameters DIFFER: ${[...hashes].join(" ")}`);
  }
}
