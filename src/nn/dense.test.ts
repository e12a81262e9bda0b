import { describe, expect, it } from "vitest";
import { kernels } from "../core/wasm.js";
import { f32Block, scratch } from "../core/arena.js";
import { PARITY_LENGTHS, randomArray, testRng } from "../../test/helpers/lengths.js";
import { denseBackwardInput, denseBackwardParams, denseForward, denseTanhForward } from "./dense.js";
import { denseBackwardInputTwin, denseBackwardParamsTwin, denseForwardTwin, denseTanhForwardTwin } from "./dense.twin.js";
import { ValidationError } from "../core/errors.js";

const k = kernels();
const rng = testRng(11);
const f32 = (n: number): Float32Array => Float32Array.from(randomArray(rng, n));
const abs = (a: Float32Array): Float32Array => a.map(Math.abs);

/**
 * Checks all three products for one shape: SIMD against scalar (bit-exact on
 * the columns the 4-wide blocks cover, to rounding on the at most 3 narrow
 * ones) and both against the plain-TypeScript twin, to f32 rounding relative
 * to sum |a||b| (the forward error bound's scale).
 */
function checkShape(batch: number, nIn: number, nOut: number): void {
  scratch((take) => {
    const xs = f32(batch * nIn);
    const ws = f32(nIn * nOut);
    const bs = f32(nOut);
    const dys = f32(batch * nOut);
    const dws = f32(nIn * nOut);
    const dbs = f32(nOut);
    const x = take(f32Block(batch * nIn, xs));
    const w = take(f32Block(nIn * nOut, ws));
    const b = take(f32Block(nOut, bs));
    const dy = take(f32Block(batch * nOut, dys));
    const y1 = take(f32Block(batch * nOut));
    const y2 = take(f32Block(batch * nOut));
    const dx1 = take(f32Block(batch * nIn));
    const dx2 = take(f32Block(batch * nIn));
    const wt = take(f32Block(nIn * nOut));
    const pack = take(f32Block(batch * Math.max(nIn, nOut)));
    const dw1 = take(f32Block(nIn * nOut, dws));
    const db1 = take(f32Block(nOut, dbs));
    const dw2 = take(f32Block(nIn * nOut, dws));
    const db2 = take(f32Block(nOut, dbs));
    const where = `batch ${batch}, nIn ${nIn}, nOut ${nOut}`;
    const eps = 1.2e-7;

    // forward
    k.nnDenseForwardSimd(x.ptr, w.ptr, b.ptr, y1.ptr, pack.ptr, batch, nIn, nOut);
    k.nnDenseForwardScalar(x.ptr, w.ptr, b.ptr, y2.ptr, pack.ptr, batch, nIn, nOut);
    const yRef = new Float64Array(batch * nOut);
    const yScale = new Float64Array(batch * nOut);
    denseForwardTwin(xs, ws, bs, yRef, batch, nIn, nOut);
    denseForwardTwin(abs(xs), abs(ws), abs(bs), yScale, batch, nIn, nOut);
    compare(y1.view, y2.view, yRef, yScale, nOut, nOut & ~3, nIn + 1, `forward ${where}`);

    // dX = dY W^T
    k.nnDenseBackwardInputSimd(dy.ptr, w.ptr, 0, 0, wt.ptr, pack.ptr, dx1.ptr, batch, nIn, nOut);
    k.nnDenseBackwardInputScalar(dy.ptr, w.ptr, 0, 0, wt.ptr, pack.ptr, dx2.ptr, batch, nIn, nOut);
    const dxRef = new Float64Array(batch * nIn);
    const dxScale = new Float64Array(batch * nIn);
    denseBackwardInputTwin(dys, ws, dxRef, batch, nIn, nOut);
    denseBackwardInputTwin(abs(dys), abs(ws), dxScale, batch, nIn, nOut);
    compare(dx1.view, dx2.view, dxRef, dxScale, nIn, nIn & ~3, nOut, `dX ${where}`);

    // dW, db, accumulating onto the initial contents (all columns bit-exact)
    for (const accumulate of [0, 1]) {
      dw1.set(dws); db1.set(dbs); dw2.set(dws); db2.set(dbs);
      k.nnDenseBackwardParamsSimd(x.ptr, dy.ptr, dw1.ptr, db1.ptr, batch, nIn, nOut, accumulate);
      k.nnDenseBackwardParamsScalar(x.ptr, dy.ptr, dw2.ptr, db2.ptr, batch, nIn, nOut, accumulate);
      expect(Array.from(dw1.view), `dW ${where}`).toEqual(Array.from(dw2.view));
      expect(Array.from(db1.view), `db ${where}`).toEqual(Array.from(db2.view));
      const dwRef = Float64Array.from(dws);
      const dbRef = Float64Array.from(dbs);
      const dwScale = Float64Array.from(abs(dws));
      const dbScale = Float64Array.from(abs(dbs));
      denseBackwardParamsTwin(xs, dys, dwRef, dbRef, batch, nIn, nOut, accumulate === 1);
      denseBackwardParamsTwin(abs(xs), abs(dys), dwScale, dbScale, batch, nIn, nOut, accumulate === 1);
      closeTo(dw1.view, dwRef, dwScale, (batch + 1) * eps, `dW twin ${where}`);
      closeTo(db1.view, dbRef, dbScale, (batch + 1) * eps, `db twin ${where}`);
    }
  });
}

function compare(
  simd: Float32Array, scalar: Float32Array, ref: Float64Array, scale: Float64Array,
  cols: number, vectorCols: number, terms: number, what: string,
): void {
  const tol = (terms + 1) * 1.2e-7;
  for (let i = 0; i < simd.length; i++) {
    if (i % cols < vectorCols) {
      if (simd[i] !== scalar[i]) expect(simd[i], `${what}: SIMD = scalar at ${i}`).toBe(scalar[i]);
    } else if (!(Math.abs(simd[i] - scalar[i]) <= tol * scale[i])) {
      expect(Math.abs(simd[i] - scalar[i]), `${what}: SIMD ~ scalar at ${i}`).toBeLessThanOrEqual(tol * scale[i]);
    }
  }
  closeTo(simd, ref, scale, tol, `${what} twin`);
}

function closeTo(got: Float32Array, ref: Float64Array, scale: Float64Array, tol: number, what: string): void {
  expect(got.length).toBe(ref.length);
  for (let i = 0; i < got.length; i++) {
    if (!(Math.abs(got[i] - ref[i]) <= tol * scale[i] + 1e-30)) {
      expect(Math.abs(got[i] - ref[i]), `${what} at ${i} (${got[i]} vs ${ref[i]})`).toBeLessThanOrEqual(tol * scale[i]);
    }
  }
}

describe("dense kernels: SIMD = scalar = TypeScript twin", () => {
  const odd = [0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17];
  it("every shape with batch, nIn, nOut in {0,1,2,3,4,5,7,8,9,12,13,16,17}", () => {
    for (const batch of odd) for (const nIn of odd) for (const nOut of odd) checkShape(batch, nIn, nOut);
  });
  it("the walk 0..130 in each dimension (others 5 and 6)", () => {
    for (const n of PARITY_LENGTHS) {
      checkShape(n, 5, 6);
      checkShape(5, n, 6);
      checkShape(6, 5, n);
    }
  });
  it("shapes crossing the cache panels (KC = 256, dW's KC = 32, NC = 128), 2 x 16 tiles and RL sizes", () => {
    for (const [batch, nIn, nOut] of [
      [131, 130, 137], [300, 9, 3], [257, 64, 64], [64, 4, 64], [256, 64, 2], [33, 64, 1], [5, 260, 129],
      [7, 600, 9], [6, 9, 600], [601, 6, 10], [514, 13, 8], [300, 140, 128], [70, 20, 48], [33, 3, 160],
    ]) checkShape(batch, nIn, nOut);
  });
});

describe("dense wrappers", () => {
  it("compute what the kernels compute and check shapes", () => {
    scratch((take) => {
      const x = take(f32Block(6, [1, 2, 3, 4, 5, 6])); // 2 x 3
      const w = take(f32Block(6, [1, 0, 0, 1, 1, 1])); // 3 x 2
      const b = take(f32Block(2, [0.5, -0.5]));
      const y = take(f32Block(4));
      denseForward(x, w, b, y, 2, 3, 2);
      // By hand: row 0 = [1 + 3, 2 + 3] + b, row 1 = [4 + 6, 5 + 6] + b.
      expect(Array.from(y.view)).toEqual([4.5, 4.5, 10.5, 10.5]);
      const dx = take(f32Block(6));
      denseBackwardInput(y, w, dx, 2, 3, 2);
      expect(Array.from(dx.view)).toEqual([4.5, 4.5, 9, 10.5, 10.5, 21]);
      // Times relu'(H) = [H > 0] and tanh'(H) = 1 - H^2 for a given H (the layer input's activation output).
      const h = take(f32Block(6, [1, -1, 0.5, 0, 2, -0.5]));
      denseBackwardInput(y, w, dx, 2, 3, 2, { activation: { kind: "relu", output: h } });
      expect(Array.from(dx.view)).toEqual([4.5, 0, 9, 0, 10.5, 0]);
      denseBackwardInput(y, w, dx, 2, 3, 2, { activation: { kind: "tanh", output: h } });
      expect(Array.from(dx.view)).toEqual([0, 0, 9 * 0.75, 10.5, 10.5 * -3, 21 * 0.75]);
      expect(() => denseBackwardInput(y, w, dx, 2, 3, 2, { activation: { kind: "elu" as "tanh", output: h } })).toThrow(/activation.kind/);
      expect(() => denseBackwardInput(y, w, dx, 2, 3, 2, { activation: { kind: "tanh", output: b } })).toThrow(/activation.output/);
      expect(() => denseBackwardInput(y, w, dx, 2, 3, 2, { pack: b })).toThrow(/pack/);
      const dw = take(f32Block(6));
      const db = take(f32Block(2));
      denseBackwardParams(x, y, dw, db, 2, 3, 2);
      expect(Array.from(db.view)).toEqual([15, 15]);
      expect(Array.from(dw.view)).toEqual([46.5, 46.5, 61.5, 61.5, 76.5, 76.5]);
      expect(() => denseForward(x, w, b, y, 3, 3, 2)).toThrow(ValidationError);
      expect(() => denseForward(x, w, b, y, 2, 3.5, 2)).toThrow(/nIn/);
      expect(() => denseForward(x, w, b, x, 2, 3, 2)).toThrow(/overlap/);
      expect(() => denseBackwardParams(x, y, dw, db, 2, 3, 3)).toThrow(/dy/);
    });
  });
});

/**
 * The fused dense + tanh forward: SIMD equals the unfused SIMD pair and the
 * scalar twin equals the unfused scalar pair bit for bit, and both are within
 * f32 rounding (tanh' <= 1 keeps the dense error bound) of the TypeScript twin.
 */
function checkTanhShape(batch: number, nIn: number, nOut: number): void {
  scratch((take) => {
    const xs = f32(batch * nIn);
    const ws = f32(nIn * nOut);
    const bs = f32(nOut);
    const x = take(f32Block(batch * nIn, xs));
    const w = take(f32Block(nIn * nOut, ws));
    const b = take(f32Block(nOut, bs));
    const fused = take(f32Block(batch * nOut));
    const fusedScalar = take(f32Block(batch * nOut));
    const split = take(f32Block(batch * nOut));
    const splitScalar = take(f32Block(batch * nOut));
    const where = `batch ${batch}, nIn ${nIn}, nOut ${nOut}`;
    const pack = take(f32Block(batch * nIn));
    k.nnDenseTanhForwardSimd(x.ptr, w.ptr, b.ptr, fused.ptr, pack.ptr, batch, nIn, nOut);
    k.nnDenseTanhForwardScalar(x.ptr, w.ptr, b.ptr, fusedScalar.ptr, pack.ptr, batch, nIn, nOut);
    k.nnDenseForwardSimd(x.ptr, w.ptr, b.ptr, split.ptr, pack.ptr, batch, nIn, nOut);
    k.nnTanhForwardSimd(split.ptr, split.ptr, batch * nOut);
    k.nnDenseForwardScalar(x.ptr, w.ptr, b.ptr, splitScalar.ptr, pack.ptr, batch, nIn, nOut);
    k.nnTanhForwardScalar(splitScalar.ptr, splitScalar.ptr, batch * nOut);
    expect(Array.from(fused.view), `SIMD ${where}`).toEqual(Array.from(split.view));
    expect(Array.from(fusedScalar.view), `scalar ${where}`).toEqual(Array.from(splitScalar.view));
    const ref = new Float64Array(batch * nOut);
    const scale = new Float64Array(batch * nOut);
    denseTanhForwardTwin(xs, ws, bs, ref, batch, nIn, nOut);
    denseForwardTwin(abs(xs), abs(ws), abs(bs), scale, batch, nIn, nOut);
    // Sum error (nIn + 1 roundings of the scale) plus tanh's 3.3e-7 relative error.
    for (let i = 0; i < scale.length; i++) scale[i] = (nIn + 1) * 1.2e-7 * scale[i] + 4e-7 * Math.abs(ref[i]);
    closeTo(fused.view, ref, scale, 1, `twin ${where}`);
    closeTo(fusedScalar.view, ref, scale, 1, `twin scalar ${where}`);
  });
}

describe("fused dense + tanh forward", () => {
  it("matches the unfused kernels bit for bit and the twin to rounding", () => {
    const odd = [0, 1, 3, 4, 5, 8, 9, 13, 17];
    for (const batch of odd) for (const nIn of odd) for (const nOut of odd) checkTanhShape(batch, nIn, nOut);
    // Batches that end inside a 2- or 4-row group, k beyond one panel, wide rows.
    for (const [batch, nIn, nOut] of [[131, 130, 137], [256, 4, 64], [257, 64, 64], [5, 260, 129], [33, 64, 1], [18, 7, 8], [35, 64, 64], [30, 5, 12], [47, 260, 16], [6, 9, 600]]) {
      checkTanhShape(batch, nIn, nOut);
    }
  });
  it("wrapper checks shapes and overlap", () => {
    scratch((take) => {
      const x = take(f32Block(6, [1, 2, 3, 4, 5, 6]));
      const w = take(f32Block(6, [1, 0, 0, 1, 1, 1]));
      const b = take(f32Block(2, [0.5, -0.5]));
      const y = take(f32Block(4));
      denseTanhForward(x, w, b, y, 2, 3, 2);
      // By hand: X W + b = [4.5, 4.5, 10.5, 10.5]; our tanh is within 3.3e-7 of Math.tanh.
      [4.5, 4.5, 10.5, 10.5].forEach((v, i) => expect(Math.abs(y.view[i] - Math.tanh(v))).toBeLessThan(4e-7));
      expect(() => denseTanhForward(x, w, b, y, 3, 3, 2)).toThrow(ValidationError);
      expect(() => denseTanhForward(x, w, b, x, 2, 3, 2)).toThrow(/overlap/);
    });
  });
});

/**
 * The input gradient fused with the previous activation's derivative: SIMD
 * equals the unfused SIMD pair (dX then tanh / relu backward) and the scalar
 * twin the unfused scalar pair, bit for bit.
 */
function checkBackwardActShape(batch: number, nIn: number, nOut: number): void {
  scratch((take) => {
    const dy = take(f32Block(batch * nOut, f32(batch * nOut)));
    const w = take(f32Block(nIn * nOut, f32(nIn * nOut)));
    // H as a tanh output (|H| < 1) with zeros and negatives for relu's mask.
    const hs = f32(batch * nIn).map((v, i) => (i % 7 === 3 ? 0 : Math.tanh(3 * v)));
    const h = take(f32Block(batch * nIn, hs));
    const wt = take(f32Block(nIn * nOut));
    const pack = take(f32Block(batch * nOut));
    const fused = take(f32Block(batch * nIn));
    const split = take(f32Block(batch * nIn));
    const where = `batch ${batch}, nIn ${nIn}, nOut ${nOut}`;
    for (const [act, simdBack, scalarBack] of [
      [1, k.nnTanhBackwardSimd, k.nnTanhBackwardScalar],
      [2, k.nnReluBackwardSimd, k.nnReluBackwardScalar],
    ] as const) {
      k.nnDenseBackwardInputSimd(dy.ptr, w.ptr, h.ptr, act, wt.ptr, pack.ptr, fused.ptr, batch, nIn, nOut);
      k.nnDenseBackwardInputSimd(dy.ptr, w.ptr, 0, 0, wt.ptr, pack.ptr, split.ptr, batch, nIn, nOut);
      simdBack(h.ptr, split.ptr, split.ptr, batch * nIn);
      expect(Array.from(fused.view), `SIMD act ${act} ${where}`).toEqual(Array.from(split.view));
      k.nnDenseBackwardInputScalar(dy.ptr, w.ptr, h.ptr, act, wt.ptr, pack.ptr, fused.ptr, batch, nIn, nOut);
      k.nnDenseBackwardInputScalar(dy.ptr, w.ptr, 0, 0, wt.ptr, pack.ptr, split.ptr, batch, nIn, nOut);
      scalarBack(h.ptr, split.ptr, split.ptr, batch * nIn);
      expect(Array.from(fused.view), `scalar act ${act} ${where}`).toEqual(Array.from(split.view));
    }
  });
}

describe("input gradient fused with the activation derivative", () => {
  it("matches dX followed by tanh / relu backward bit for bit", () => {
    const odd = [0, 1, 3, 4, 5, 8, 9, 13, 17];
    for (const batch of odd) for (const nIn of odd) for (const nOut of odd) checkBackwardActShape(batch, nIn, nOut);
    for (const [batch, nIn, nOut] of [[131, 130, 137], [256, 64, 2], [257, 64, 64], [5, 129, 260], [33, 64, 1]]) {
      checkBackwardActShape(batch, nIn, nOut);
    }
  });
});

describe("input gradient of a tiny layer (nOut 1-3: gemmTinyK)", () => {
  it("equals the scalar twin bit for bit, signed zeros included, on every vector column and finish", () => {
    // Zeros in dY and W give products of -0 and +0: the sums must start from
    // +0 as the twin's do (0 + (-0) = +0), and fail if a term is dropped or reordered.
    const withZeros = (n: number): Float32Array => f32(n).map((v, i) => (i % 5 === 2 ? (i % 2 ? -0 : 0) : v));
    for (const nOut of [1, 2, 3]) {
      for (const nIn of [4, 8, 12, 16, 20, 24, 28, 32, 36, 64, 70]) {
        for (const batch of [0, 1, 3, 7, 64]) {
          scratch((take) => {
            const dy = take(f32Block(batch * nOut, withZeros(batch * nOut)));
            const w = take(f32Block(nIn * nOut, withZeros(nIn * nOut)));
            const hs = f32(batch * nIn).map((v, i) => (i % 7 === 3 ? 0 : Math.tanh(3 * v)));
            const h = take(f32Block(batch * nIn, hs));
            const wt = take(f32Block(nIn * nOut));
            const pack = take(f32Block(batch * nOut));
            const dx1 = take(f32Block(batch * nIn));
            const dx2 = take(f32Block(batch * nIn));
            for (const act of [0, 1, 2]) {
              k.nnDenseBackwardInputSimd(dy.ptr, w.ptr, h.ptr, act, wt.ptr, pack.ptr, dx1.ptr, batch, nIn, nOut);
              k.nnDenseBackwardInputScalar(dy.ptr, w.ptr, h.ptr, act, wt.ptr, pack.ptr, dx2.ptr, batch, nIn, nOut);
              const a = dx1.view, b = dx2.view, NV = nIn & ~3;
              for (let i = 0; i < a.length; i++) {
                if (i % nIn < NV && !Object.is(a[i], b[i])) {
                  expect(a[i], `act ${act}, batch ${batch}, nIn ${nIn}, nOut ${nOut} at ${i}`).toBe(b[i]);
                }
              }
            }
          });
        }
      }
    }
  });
});
