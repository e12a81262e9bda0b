// The maths of action masking in the categorical head (Huang & Ontañón 2022):
// a masked row is the distribution renormalised over its legal actions, whose
// log-probabilities, entropy, KL and gradients equal those of the head run on
// the legal logits alone; illegal logits get gradient 0 whatever they hold;
// an all-legal mask is bit-identical to no mask. (SIMD = scalar = twin for
// masked rows: categorical.test.ts.)
import { describe, expect, it } from "vitest";
import { kernels } from "../core/wasm.js";
import { Block, f32Block, i32Block, scratch } from "../core/arena.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";
import { Rng } from "../core/rng.js";
import {
  categoricalBackward, categoricalForward, categoricalKl, categoricalKlBackward, categoricalMode, categoricalSample,
} from "./categorical.js";
import { gatherMaskRows } from "./mask.js";

const k = kernels();
const rng = testRng(11);
const bits = (v: Float32Array): number[] => Array.from(new Int32Array(v.buffer, v.byteOffset, v.length));
const u8Block = (n: number, init?: ArrayLike<number>): Block<"u8"> => {
  const b = new Block("u8", n);
  if (init) b.set(init);
  return b;
};

/** Random masks with at least one legal action per row, and a legal action per row. */
function randomMasks(rows: number, A: number, pLegal = 0.5): { mask: Uint8Array; actions: Int32Array } {
  const mask = new Uint8Array(rows * A);
  const actions = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < A; j++) mask[r * A + j] = rng() < pLegal ? 1 : 0;
    mask[r * A + Math.floor(rng() * A)] = 1;
    do actions[r] = Math.floor(rng() * A);
    while (mask[r * A + actions[r]] === 0);
  }
  return { mask, actions };
}

/** The head without a mask on row r's legal logits only (rows = 1): log-probabilities and entropy. */
function compacted(logits: Float32Array, mask: Uint8Array, r: number, A: number): { logp: Float32Array; entropy: number; legal: number[] } {
  const legal: number[] = [];
  for (let j = 0; j < A; j++) if (mask[r * A + j]) legal.push(j);
  return scratch((take) => {
    const l = take(f32Block(legal.length, legal.map((j) => logits[r * A + j])));
    const logp = take(f32Block(legal.length));
    const h = take(f32Block(1));
    categoricalForward({ logits: l, logp, rows: 1, actionCount: legal.length, entropy: h });
    return { logp: logp.toArray(), entropy: h.view[0], legal };
  });
}

describe("masked categorical head: the distribution renormalised over the legal actions", () => {
  it("an all-legal mask gives the same bits as no mask (forward, SIMD and scalar)", () => {
    for (const A of [1, 2, 3, 5, 7]) {
      for (const rows of PARITY_LENGTHS) {
        scratch((take) => {
          const n = rows * A;
          const logits = take(f32Block(n, randomArray(rng, n, -6, 6)));
          const ones = take(u8Block(n, new Uint8Array(n).fill(1)));
          const actions = take(i32Block(rows, Array.from({ length: rows }, () => Math.floor(rng() * A))));
          for (const fn of [k.nnCategoricalForwardSimd, k.nnCategoricalForwardScalar]) {
            const outs = [0, 1].map(() => ({ logp: take(f32Block(n)), lpa: take(f32Block(rows)), h: take(f32Block(rows)) }));
            expect(fn(logits.ptr, 0, actions.ptr, outs[0].logp.ptr, outs[0].lpa.ptr, outs[0].h.ptr, rows, A)).toBe(-1);
            expect(fn(logits.ptr, ones.ptr, actions.ptr, outs[1].logp.ptr, outs[1].lpa.ptr, outs[1].h.ptr, rows, A)).toBe(-1);
            for (const key of ["logp", "lpa", "h"] as const) expect(bits(outs[1][key].view)).toEqual(bits(outs[0][key].view));
          }
        });
      }
    }
  });

  it("log-probabilities sum to 1 over the legal actions, are -inf elsewhere, and the entropy is the legal distribution's", () => {
    const A = 9;
    const rows = 37; // SIMD groups of four rows and a scalar tail
    const { mask } = randomMasks(rows, A, 0.4);
    const ls = Float32Array.from(randomArray(rng, rows * A, -5, 5));
    scratch((take) => {
      const logp = take(f32Block(rows * A));
      const ent = take(f32Block(rows));
      categoricalForward({ logits: take(f32Block(rows * A, ls)), logp, rows, actionCount: A, mask: take(u8Block(rows * A, mask)), entropy: ent });
      const lp = logp.toArray();
      const h = ent.toArray();
      for (let r = 0; r < rows; r++) {
        let s = 0;
        let hRef = 0;
        for (let j = 0; j < A; j++) {
          const v = lp[r * A + j];
          if (!mask[r * A + j]) {
            expect(v).toBe(-Infinity);
            continue;
          }
          s += Math.exp(v);
          hRef -= Math.exp(v) * v;
        }
        expect(Math.abs(s - 1)).toBeLessThan(1e-6);
        const c = compacted(ls, mask, r, A);
        c.legal.forEach((j, i) => expect(Math.abs(lp[r * A + j] - c.logp[i]), `row ${r} action ${j}`).toBeLessThan(1e-6));
        expect(Math.abs(h[r] - c.entropy)).toBeLessThan(2e-6);
        expect(Math.abs(h[r] - hRef)).toBeLessThan(2e-6);
        // A row with one legal action is certain: log pi = 0, H = 0.
        if (c.legal.length === 1) {
          expect(lp[r * A + c.legal[0]]).toBe(0);
          expect(h[r]).toBe(0);
        }
      }
    });
  });

  it("gradients with respect to illegal logits are exactly 0, whatever those logits hold; no NaN anywhere", () => {
    const A = 5;
    for (const rows of [1, 3, 4, 5, 8, 17, 64]) {
      const { mask, actions } = randomMasks(rows, A);
      const ls = Float32Array.from(randomArray(rng, rows * A, -3, 3));
      const junk = [NaN, Infinity, -Infinity, 3e38, -3e38];
      for (let i = 0; i < rows * A; i++) if (!mask[i]) ls[i] = junk[i % junk.length];
      scratch((take) => {
        const m = take(u8Block(rows * A, mask));
        const act = take(i32Block(rows, actions));
        const logp = take(f32Block(rows * A));
        const lpa = take(f32Block(rows));
        const ent = take(f32Block(rows));
        categoricalForward({ logits: take(f32Block(rows * A, ls)), logp, rows, actionCount: A, mask: m, actions: act, logpAct: lpa, entropy: ent });
        const logq = take(f32Block(rows * A));
        categoricalForward({ logits: take(f32Block(rows * A, randomArray(rng, rows * A, -3, 3))), logp: logq, rows, actionCount: A, mask: m });
        const kl = take(f32Block(rows));
        categoricalKl({ logpP: logp, logpQ: logq, out: kl, rows, actionCount: A });
        const g = take(f32Block(rows, randomArray(rng, rows)));
        for (const simd of [true, false]) {
          const d = take(f32Block(rows * A));
          const dP = take(f32Block(rows * A));
          const dQ = take(f32Block(rows * A));
          if (simd) {
            categoricalBackward({ logp, rows, actionCount: A, dLogits: d, actions: act, gLogp: g, entropy: ent, gEntropy: 0.3 });
            categoricalKlBackward({ logpP: logp, logpQ: logq, kl, g, dP, dQ, rows, actionCount: A });
          } else {
            k.nnCategoricalBackwardScalar(logp.ptr, act.ptr, g.ptr, 0, ent.ptr, 0, 0.3, d.ptr, rows, A, 0);
            k.nnCategoricalKlBackwardScalar(logp.ptr, logq.ptr, kl.ptr, g.ptr, 0, dP.ptr, dQ.ptr, rows, A, 0);
          }
          for (const [name, b] of [["dLogits", d], ["dP", dP], ["dQ", dQ]] as const) {
            const v = b.view;
            for (let i = 0; i < rows * A; i++) {
              expect(Number.isFinite(v[i]), `${name}[${i}] rows ${rows}`).toBe(true);
              if (!mask[i]) expect(Object.is(v[i], 0) || Object.is(v[i], -0), `${name}[${i}]`).toBe(true);
            }
          }
        }
        for (const v of [...lpa.view, ...ent.view, ...kl.view]) expect(Number.isFinite(v)).toBe(true);
      });
    }
  });

  it("the masked gradients and KL equal those of the head on the legal logits alone", () => {
    const A = 6;
    const rows = 13;
    const { mask, actions } = randomMasks(rows, A);
    const lp = Float32Array.from(randomArray(rng, rows * A, -2, 2));
    const lq = Float32Array.from(randomArray(rng, rows * A, -2, 2));
    const g = Float32Array.from(randomArray(rng, rows));
    scratch((take) => {
      const m = take(u8Block(rows * A, mask));
      const act = take(i32Block(rows, actions));
      const logp = take(f32Block(rows * A));
      const logq = take(f32Block(rows * A));
      const ent = take(f32Block(rows));
      categoricalForward({ logits: take(f32Block(rows * A, lp)), logp, rows, actionCount: A, mask: m, entropy: ent });
      categoricalForward({ logits: take(f32Block(rows * A, lq)), logp: logq, rows, actionCount: A, mask: m });
      const d = take(f32Block(rows * A));
      categoricalBackward({ logp, rows, actionCount: A, dLogits: d, actions: act, gLogp: take(f32Block(rows, g)), entropy: ent, gEntropy: -0.7 });
      const kl = take(f32Block(rows));
      categoricalKl({ logpP: logp, logpQ: logq, out: kl, rows, actionCount: A });
      const dP = take(f32Block(rows * A));
      const dQ = take(f32Block(rows * A));
      categoricalKlBackward({ logpP: logp, logpQ: logq, kl, g: take(f32Block(rows, g)), dP, dQ, rows, actionCount: A });
      const klSelf = take(f32Block(rows));
      categoricalKl({ logpP: logp, logpQ: logp, out: klSelf, rows, actionCount: A });
      for (let r = 0; r < rows; r++) {
        expect(klSelf.view[r]).toBe(0);
        const legal: number[] = [];
        for (let j = 0; j < A; j++) if (mask[r * A + j]) legal.push(j);
        const L = legal.length;
        scratch((t2) => {
          const cp = t2(f32Block(L, legal.map((j) => lp[r * A + j])));
          const cq = t2(f32Block(L, legal.map((j) => lq[r * A + j])));
          const clp = t2(f32Block(L));
          const clq = t2(f32Block(L));
          const ch = t2(f32Block(1));
          const ca = t2(i32Block(1, [legal.indexOf(actions[r])]));
          categoricalForward({ logits: cp, logp: clp, rows: 1, actionCount: L, entropy: ch });
          categoricalForward({ logits: cq, logp: clq, rows: 1, actionCount: L });
          const cd = t2(f32Block(L));
          categoricalBackward({ logp: clp, rows: 1, actionCount: L, dLogits: cd, actions: ca, gLogp: g[r], entropy: ch, gEntropy: -0.7 });
          const ckl = t2(f32Block(1));
          categoricalKl({ logpP: clp, logpQ: clq, out: ckl, rows: 1, actionCount: L });
          const cdP = t2(f32Block(L));
          const cdQ = t2(f32Block(L));
          categoricalKlBackward({ logpP: clp, logpQ: clq, kl: ckl, g: g[r], dP: cdP, dQ: cdQ, rows: 1, actionCount: L });
          expect(Math.abs(kl.view[r] - ckl.view[0])).toBeLessThan(2e-6);
          legal.forEach((j, i) => {
            expect(Math.abs(d.view[r * A + j] - cd.view[i])).toBeLessThan(2e-6);
            expect(Math.abs(dP.view[r * A + j] - cdP.view[i])).toBeLessThan(2e-6);
            expect(Math.abs(dQ.view[r * A + j] - cdQ.view[i])).toBeLessThan(2e-6);
          });
        });
      }
    });
  });

  it("samples legal actions with the renormalised frequencies; the mode is the most probable legal action", () => {
    scratch((take) => {
      const A = 5;
      const rows = 20000;
      const logits = [0.3, 2, -1, 1.5, 0.7];
      const allowed = [1, 0, 1, 0, 1];
      const ls = new Float32Array(rows * A);
      const ms = new Uint8Array(rows * A);
      for (let r = 0; r < rows; r++) {
        ls.set(logits, r * A);
        ms.set(allowed, r * A);
      }
      const logp = take(f32Block(rows * A));
      categoricalForward({ logits: take(f32Block(rows * A, ls)), logp, rows, actionCount: A, mask: take(u8Block(rows * A, ms)) });
      const out = categoricalSample(logp, rows, A, new Rng(5), new Int32Array(rows));
      const counts = new Array(A).fill(0);
      for (const a of out) counts[a]++;
      const z = Math.exp(0.3) + Math.exp(-1) + Math.exp(0.7);
      for (let j = 0; j < A; j++) {
        if (!allowed[j]) {
          expect(counts[j]).toBe(0);
          continue;
        }
        const p = Math.exp(logits[j]) / z;
        expect(Math.abs(counts[j] - rows * p)).toBeLessThan(5 * Math.sqrt(rows * p * (1 - p)));
      }
      // The largest logit (action 1) is illegal: the mode is the best legal one.
      expect(Array.from(categoricalMode(logp, 1, A, new Int32Array(1)))).toEqual([4]);
      // Ties among legal actions go to the lowest legal index, even when action 0 is illegal.
      const tie = take(f32Block(A));
      categoricalForward({ logits: take(f32Block(A, [9, 1, 1, 1, 9])), logp: tie, rows: 1, actionCount: A, mask: take(u8Block(A, [0, 0, 1, 1, 0])) });
      expect(categoricalMode(tie, 1, A, new Int32Array(1))[0]).toBe(2);
    });
  });

  it("gatherMaskRows copies the rows a minibatch's permutation names", () => {
    scratch((take) => {
      const A = 3;
      const src = take(u8Block(12, [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]));
      const idx = take(i32Block(5, [3, 0, 2, 2, 1]));
      const out = take(u8Block(15));
      gatherMaskRows(src, idx.ptr, out, 5, A);
      expect(Array.from(out.view)).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0]);
    });
  });
});
