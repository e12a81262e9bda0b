import { it } from "vitest";
import { kernels } from "../wasm/module.js";
import { f64Block, scratch } from "../wasm/arena.js";
import { testRng } from "../../test/helpers/lengths.js";
import { randomAdvantage, randomPolicy } from "../../test/helpers/mirror.js";
import { expUpdateTwin } from "./exp-update.twin.js";
import { trlSolveTwin } from "./trl.twin.js";
import { perStateKlTwin } from "./kl.twin.js";
import { l2SolveTwin } from "./l2.twin.js";
import { clipSolveTwin } from "./clip.twin.js";
import { tvSolveTwin } from "./tv.twin.js";

function time(fn: () => void, minMs = 400): number {
  fn();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) { fn(); n++; t = performance.now(); }
  return (t - t0) / n;
}

it("bench", () => {
  const k = kernels();
  const rng = testRng(1);
  for (const [S, A] of [[25000, 4], [2500, 40], [250000, 4], [25000, 40]]) {
    const n = S * A;
    const pi = randomPolicy(rng, S, A);
    const logPi = pi.map(Math.log);
    const adv = randomAdvantage(rng, pi, S, A);
    const coef = new Float64Array(S).fill(1.3);
    const out = new Float64Array(n), lo = new Float64Array(n);
    scratch((take) => {
      const l = take(f64Block(n, logPi)), q = take(f64Block(n, adv)), c = take(f64Block(S, coef));
      const p = take(f64Block(n, pi));
      const o = take(f64Block(n)), lb = take(f64Block(n)), ks = take(f64Block(S)), w = take(f64Block(5 * A));
      const row = (name: string, simd: () => void, scalar: (() => void) | undefined, twin: () => void) => {
        const ts = time(simd), tc = scalar ? time(scalar) : NaN, tt = time(twin);
        console.log(`${name} S=${S} A=${A} (S*A=${n}): simd ${ts.toFixed(3)} ms, scalar ${tc.toFixed(3)} ms, twin ${tt.toFixed(3)} ms, twin/simd ${(tt / ts).toFixed(2)}x, scalar/simd ${(tc / ts).toFixed(2)}x`);
      };
      row("expUpdate", () => k.mirrorExpUpdateSimd(l.ptr, q.ptr, c.ptr, S, A, o.ptr, lb.ptr), () => k.mirrorExpUpdateScalar(l.ptr, q.ptr, c.ptr, S, A, o.ptr, lb.ptr), () => expUpdateTwin(logPi, adv, coef, S, A, out, lo));
      row("trlSolve", () => k.mirrorTrlSolveSimd(p.ptr, q.ptr, c.ptr, S, A, o.ptr), () => k.mirrorTrlSolveScalar(p.ptr, q.ptr, c.ptr, S, A, o.ptr), () => trlSolveTwin(pi, adv, coef, S, A, out));
      row("kl", () => k.mirrorKlSimd(p.ptr, l.ptr, S, A, ks.ptr), () => k.mirrorKlScalar(p.ptr, l.ptr, S, A, ks.ptr), () => perStateKlTwin(pi, logPi, S, A));
      row("l2Solve", () => k.mirrorL2SolveSimd(p.ptr, q.ptr, c.ptr, S, A, o.ptr), () => k.mirrorL2SolveScalar(p.ptr, q.ptr, c.ptr, S, A, o.ptr), () => l2SolveTwin(pi, adv, coef, S, A, out));
      row("clipSolve", () => k.mirrorClipSolve(p.ptr, q.ptr, c.ptr, S, A, 0.2, o.ptr, w.ptr), undefined, () => clipSolveTwin(pi, adv, coef, S, A, 0.2, out));
      row("tvSolve", () => k.mirrorTvSolve(p.ptr, q.ptr, c.ptr, Infinity, S, A, o.ptr, w.ptr), undefined, () => tvSolveTwin(pi, adv, coef, Infinity, S, A, out));
    });
  }
}, 300000);
