import { describe, expect, it } from "vitest";
import { kernels } from "../core/wasm.js";
import { Block, f32Block, i32Block, scratch } from "../core/arena.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";
import { Rng } from "../core/rng.js";
import { ValidationError } from "../core/errors.js";
import {
  categoricalBackward, categoricalForward, categoricalKl, categoricalKlBackward, categoricalMode, categoricalSample,
} from "./categorical.js";
import { categoricalBackwardTwin, categoricalForwardTwin, categoricalKlTwin } from "./categorical.twin.js";

const k = kernels();
const rng = testRng(3);

const u8Block = (n: number, init?: ArrayLike<number>): Block<"u8"> => {
  const b = new Block("u8", n);
  if (init) b.set(init);
  return b;
};
const bits = (v: Float32Array): number[] => Array.from(new Int32Array(v.buffer, v.byteOffset, v.length));

/** A random mask with at least one allowed action per row, and an allowed action per row. */
function maskAndActions(rows: number, A: number): { mask: Uint8Array; actions: Int32Array } {
  const mask = new Uint8Array(rows * A);
  const actions = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < A; j++) mask[r * A + j] = rng() < 0.7 ? 1 : 0;
    const keep = Math.floor(rng() * A);
    mask[r * A + keep] = 1;
    do actions[r] = Math.floor(rng() * A);
    while (mask[r * A + actions[r]] === 0);
  }
  return { mask, actions };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue; // also -inf = -inf
    m = Math.max(m, Math.abs(a[i] - b[i]));
  }
  return m;
}

describe("categorical kernels: SIMD = scalar = TypeScript twin", () => {
  for (const A of [1, 2, 3, 6]) {
    for (const masked of [false, true]) {
      it(`A = ${A}, ${masked ? "masked" : "no mask"}, rows 0..130`, () => {
        for (const rows of PARITY_LENGTHS) {
          scratch((take) => {
            const n = rows * A;
            const ls = Float32Array.from(randomArray(rng, n, -4, 4));
            const { mask: ms, actions: as } = maskAndActions(rows, A);
            if (!masked) ms.fill(1);
            // Masked logits may hold anything, even NaN: they must be ignored.
            if (masked) for (let i = 0; i < n; i++) if (ms[i] === 0 && i % 3 === 0) ls[i] = NaN;
            const logits = take(f32Block(n, ls));
            const mask = masked ? take(u8Block(n, ms)) : undefined;
            const actions = take(i32Block(rows, as));
            const out = [0, 1].map(() => ({
              logp: take(f32Block(n)), lpa: take(f32Block(rows)), h: take(f32Block(rows)),
            }));
            const args = (o: (typeof out)[0]) =>
              [logits.ptr, mask?.ptr ?? 0, actions.ptr, o.logp.ptr, o.lpa.ptr, o.h.ptr, rows, A] as const;
            expect(k.nnCategoricalForwardSimd(...args(out[0]))).toBe(-1);
            expect(k.nnCategoricalForwardScalar(...args(out[1]))).toBe(-1);
            for (const key of ["logp", "lpa", "h"] as const) {
              expect(bits(out[0][key].view), `${key} rows ${rows}`).toEqual(bits(out[1][key].view));
            }
            const ref = categoricalForwardTwin(ls, rows, A, ms, as);
            expect(maxAbsDiff(out[0].logp.view, ref.logp)).toBeLessThan(2e-6);
            expect(maxAbsDiff(out[0].lpa.view, ref.logpAct)).toBeLessThan(2e-6);
            expect(maxAbsDiff(out[0].h.view, ref.entropy)).toBeLessThan(2e-6);

            // Backward: per-row upstream gradients and scalar ones, overwrite and accumulate.
            const gl = take(f32Block(rows, randomArray(rng, rows)));
            const ge = take(f32Block(rows, randomArray(rng, rows)));
            const init = Float32Array.from(randomArray(rng, n));
            const d = [take(f32Block(n, init)), take(f32Block(n, init))];
            for (const accumulate of [0, 1]) {
              for (const perRow of [true, false]) {
                d[0].set(init);
                d[1].set(init);
                const bargs = (dd: Block<"f32">) =>
                  [out[0].logp.ptr, actions.ptr, perRow ? gl.ptr : 0, 0.37, out[0].h.ptr, perRow ? ge.ptr : 0, -0.01,
                    dd.ptr, rows, A, accumulate] as const;
                k.nnCategoricalBackwardSimd(...bargs(d[0]));
                k.nnCategoricalBackwardScalar(...bargs(d[1]));
                expect(bits(d[0].view)).toEqual(bits(d[1].view));
                const glv = perRow ? Float64Array.from(gl.view) : new Float64Array(rows).fill(Math.fround(0.37));
                const gev = perRow ? Float64Array.from(ge.view) : new Float64Array(rows).fill(Math.fround(-0.01));
                const dRef = categoricalBackwardTwin(ref.logp, rows, A, as, glv, gev);
                if (accumulate) for (let i = 0; i < n; i++) dRef[i] += init[i];
                expect(maxAbsDiff(d[0].view, dRef)).toBeLessThan(2e-6);
              }
            }

            // KL between this distribution and a second one, and its gradients.
            const ls2 = Float32Array.from(randomArray(rng, n, -4, 4));
            const logits2 = take(f32Block(n, ls2));
            const logq = take(f32Block(n));
            k.nnCategoricalForwardSimd(logits2.ptr, mask?.ptr ?? 0, 0, logq.ptr, 0, 0, rows, A);
            const kl = [take(f32Block(rows)), take(f32Block(rows))];
            k.nnCategoricalKlSimd(out[0].logp.ptr, logq.ptr, kl[0].ptr, rows, A);
            k.nnCategoricalKlScalar(out[0].logp.ptr, logq.ptr, kl[1].ptr, rows, A);
            expect(bits(kl[0].view)).toEqual(bits(kl[1].view));
            const klRef = categoricalKlTwin(ref.logp, categoricalForwardTwin(ls2, rows, A, ms).logp, rows, A);
            expect(maxAbsDiff(kl[0].view, klRef)).toBeLessThan(4e-6);
            const dp = [take(f32Block(n, init)), take(f32Block(n, init))];
            const dq = [take(f32Block(n, init)), take(f32Block(n, init))];
            for (let t = 0; t < 2; t++) {
              const fn = t === 0 ? k.nnCategoricalKlBackwardSimd : k.nnCategoricalKlBackwardScalar;
              fn(out[0].logp.ptr, logq.ptr, kl[0].ptr, gl.ptr, 0, dp[t].ptr, dq[t].ptr, rows, A, 1);
            }
            expect(bits(dp[0].view)).toEqual(bits(dp[1].view));
            expect(bits(dq[0].view)).toEqual(bits(dq[1].view));
          });
        }
      });
    }
  }
});

/** f64 loss of the categorical head as a function of the logits, for finite differences. */
function headLoss(
  logits: Float64Array, rows: number, A: number, mask: Uint8Array, actions: Int32Array,
  gl: Float32Array, ge: Float32Array,
): number {
  const f = categoricalForwardTwin(logits, rows, A, mask, actions);
  let s = 0;
  for (let r = 0; r < rows; r++) s += gl[r] * f.logpAct[r] + ge[r] * f.entropy[r];
  return s;
}

describe("categorical gradients against central finite differences in f64", () => {
  const rows = 9;
  const A = 5;
  const h = 1e-6;

  it("log-prob and entropy terms, with a mask", () => {
    const { mask, actions } = maskAndActions(rows, A);
    const ls = Float32Array.from(randomArray(rng, rows * A, -2, 2));
    const gls = Float32Array.from(randomArray(rng, rows));
    const ges = Float32Array.from(randomArray(rng, rows));
    scratch((take) => {
      const logits = take(f32Block(rows * A, ls));
      const m = take(u8Block(rows * A, mask));
      const act = take(i32Block(rows, actions));
      const logp = take(f32Block(rows * A));
      const lpa = take(f32Block(rows));
      const ent = take(f32Block(rows));
      const d = take(f32Block(rows * A));
      categoricalForward({ logits, logp, rows, actionCount: A, mask: m, actions: act, logpAct: lpa, entropy: ent });
      categoricalBackward({
        logp, rows, actionCount: A, dLogits: d, actions: act, gLogp: take(f32Block(rows, gls)),
        entropy: ent, gEntropy: take(f32Block(rows, ges)),
      });
      const x = Float64Array.from(ls);
      for (let i = 0; i < rows * A; i++) {
        if (mask[i] === 0) {
          expect(d.view[i]).toBe(0);
          continue;
        }
        const xi = x[i];
        x[i] = xi + h;
        const up = headLoss(x, rows, A, mask, actions, gls, ges);
        x[i] = xi - h;
        const down = headLoss(x, rows, A, mask, actions, gls, ges);
        x[i] = xi;
        expect(Math.abs(d.view[i] - (up - down) / (2 * h)), `logit ${i}`).toBeLessThan(2e-6);
      }
    });
  });

  it("KL(P || Q) with respect to both sets of logits", () => {
    const lp = Float32Array.from(randomArray(rng, rows * A, -2, 2));
    const lq = Float32Array.from(randomArray(rng, rows * A, -2, 2));
    const g = Float32Array.from(randomArray(rng, rows));
    const klLoss = (p: Float64Array, q: Float64Array): number => {
      const kl = categoricalKlTwin(
        categoricalForwardTwin(p, rows, A).logp, categoricalForwardTwin(q, rows, A).logp, rows, A,
      );
      return kl.reduce((s, v, r) => s + g[r] * v, 0);
    };
    scratch((take) => {
      const logpP = take(f32Block(rows * A));
      const logpQ = take(f32Block(rows * A));
      categoricalForward({ logits: take(f32Block(rows * A, lp)), logp: logpP, rows, actionCount: A });
      categoricalForward({ logits: take(f32Block(rows * A, lq)), logp: logpQ, rows, actionCount: A });
      const kl = take(f32Block(rows));
      categoricalKl({ logpP, logpQ, out: kl, rows, actionCount: A });
      const dP = take(f32Block(rows * A));
      const dQ = take(f32Block(rows * A));
      categoricalKlBackward({ logpP, logpQ, kl, g: take(f32Block(rows, g)), dP, dQ, rows, actionCount: A });
      const p = Float64Array.from(lp);
      const q = Float64Array.from(lq);
      for (let i = 0; i < rows * A; i++) {
        for (const [x, dv] of [[p, dP.view], [q, dQ.view]] as const) {
          const xi = x[i];
          x[i] = xi + h;
          const up = klLoss(p, q);
          x[i] = xi - h;
          const down = klLoss(p, q);
          x[i] = xi;
          expect(Math.abs(dv[i] - (up - down) / (2 * h))).toBeLessThan(2e-6);
        }
      }
    });
  });
});

describe("categorical identities, stability and masking", () => {
  it("uniform logits give log(#allowed) entropy; KL(P || P) = 0; probabilities sum to 1", () => {
    scratch((take) => {
      const A = 7;
      const rows = 6;
      const mask = new Uint8Array(rows * A);
      for (let r = 0; r < rows; r++) for (let j = 0; j <= r; j++) mask[r * A + j] = 1;
      const logits = take(f32Block(rows * A, new Float32Array(rows * A).fill(2.5)));
      const logp = take(f32Block(rows * A));
      const ent = take(f32Block(rows));
      categoricalForward({ logits, logp, rows, actionCount: A, mask: take(u8Block(rows * A, mask)), entropy: ent });
      for (let r = 0; r < rows; r++) {
        expect(ent.view[r]).toBeCloseTo(Math.log(r + 1), 6);
        let s = 0;
        for (let j = 0; j < A; j++) s += Math.exp(logp.view[r * A + j]);
        expect(s).toBeCloseTo(1, 6);
        for (let j = r + 1; j < A; j++) expect(logp.view[r * A + j]).toBe(-Infinity);
      }
      const kl = take(f32Block(rows));
      categoricalKl({ logpP: logp, logpQ: logp, out: kl, rows, actionCount: A });
      for (const v of kl.view) expect(v).toBe(0);
    });
  });

  it("stays finite and exact with huge logits", () => {
    scratch((take) => {
      const rows = 5;
      const A = 3;
      const ls = [
        3e38, -3e38, 0, // the difference overflows f32: clamped, no NaN
        1e30, 1e30, -1e30,
        -1e30, -1e30, -1e30,
        100, 0, 0,
        -3.4e38, 3.4e38, 3.4e38,
      ];
      const logits = take(f32Block(rows * A, ls));
      const logp = take(f32Block(rows * A));
      const ent = take(f32Block(rows));
      const act = take(i32Block(rows, [1, 2, 0, 1, 0]));
      const lpa = take(f32Block(rows));
      categoricalForward({ logits, logp, rows, actionCount: A, actions: act, logpAct: lpa, entropy: ent });
      const lp = logp.toArray();
      for (const v of [...lp, ...ent.view, ...lpa.view]) expect(Number.isFinite(v)).toBe(true);
      expect(lp[0]).toBe(0);
      expect(lp[2]).toBe(Math.fround(-3e38));
      expect(ent.view[0]).toBe(0);
      expect(lp[3]).toBeCloseTo(-Math.LN2, 6);
      expect(lp[4]).toBeCloseTo(-Math.LN2, 6);
      expect(ent.view[1]).toBeCloseTo(Math.LN2, 6);
      expect(ent.view[2]).toBeCloseTo(Math.log(3), 6);
      expect(lp[9]).toBe(0);
      expect(lp[10]).toBe(-100);
      expect(lp[13]).toBeCloseTo(-Math.LN2, 6);
      expect(lpa.view[3]).toBe(-100);
      const d = take(f32Block(rows * A));
      categoricalBackward({ logp, rows, actionCount: A, dLogits: d, actions: act, gLogp: 1, entropy: ent, gEntropy: 0.1 });
      for (const v of d.view) expect(Number.isFinite(v)).toBe(true);
    });
  });

  it("reports a fully masked row, a masked or out-of-range action and a bad logit by row", () => {
    scratch((take) => {
      const A = 3;
      const logits = take(f32Block(15, [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, NaN, 2]));
      const logp = take(f32Block(15));
      const mask = take(u8Block(15, [1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 1]));
      const run = (rows: number, actions?: number[]) =>
        categoricalForward({
          logits, logp, rows, actionCount: A, mask,
          actions: actions ? take(i32Block(actions.length, actions)) : undefined,
        });
      expect(() => run(3)).not.toThrow();
      expect(() => run(5)).toThrow(/mask: allows no action in this row .* at row 3/);
      expect(() => run(3, [0, 1, 2])).toThrow(/actions: chooses an action the mask forbids \(got 1\) at row 1/);
      expect(() => run(3, [0, 2, 3])).toThrow(/actions: must be in \[0, 3\) \(got 3\) at row 2/);
      expect(() => run(3, [-1, 2, 0])).toThrow(/at row 0/);
      // Row 4's NaN logit is masked out; without the mask it is an error.
      mask.view.set([1, 1, 1], 9);
      expect(() => run(5)).not.toThrow();
      expect(() =>
        categoricalForward({ logits, logp, rows: 5, actionCount: A }),
      ).toThrow(/logits: must be finite for allowed actions \(got NaN\) at row 4, action 1/);
      // Also the SIMD path (four rows at a time) finds the first bad row of a group.
      const big = take(f32Block(8 * 2, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Infinity, 0, 0, 0, 0, 0]));
      expect(() => categoricalForward({ logits: big, logp: big, rows: 8, actionCount: 2 })).toThrow(
        /at row 5, action 0/,
      );
      expect(() => categoricalForward({ logits, logp, rows: 2, actionCount: 0 })).toThrow(ValidationError);
      expect(() => categoricalBackward({ logp, rows: 2, actionCount: 3, dLogits: logp, actions: take(i32Block(2)) }))
        .toThrow(/gLogp: is needed/);
    });
  });

  it("samples with the right frequencies, never a masked action, and the mode is the argmax", () => {
    scratch((take) => {
      const A = 4;
      const rows = 20000;
      const row = [Math.log(0.1), Math.log(0.6), -Infinity, Math.log(0.3)];
      const lp = new Float32Array(rows * A);
      for (let r = 0; r < rows; r++) lp.set(row, r * A);
      const logp = take(f32Block(rows * A, lp));
      const out = categoricalSample(logp, rows, A, new Rng(42), new Int32Array(rows));
      const counts = [0, 0, 0, 0];
      for (const a of out) counts[a]++;
      expect(counts[2]).toBe(0);
      // Within 5 standard errors of the expected counts.
      for (const [j, p] of [[0, 0.1], [1, 0.6], [3, 0.3]]) {
        expect(Math.abs(counts[j] - rows * p)).toBeLessThan(5 * Math.sqrt(rows * p * (1 - p)));
      }
      const again = categoricalSample(logp, rows, A, new Rng(42), new Int32Array(rows));
      expect(Array.from(again)).toEqual(Array.from(out));
      const mode = categoricalMode(logp, 2, A, new Int32Array(2));
      expect(Array.from(mode)).toEqual([1, 1]);
    });
  });
});
