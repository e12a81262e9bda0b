import { describe, expect, it } from "vitest";
import { Rng } from "../core/rng.js";
import { HIDDEN_GAIN, orthogonal, POLICY_GAIN } from "./init.js";
import { Mlp } from "./mlp.js";
import { orthogonalQrTwin } from "./orthogonal.twin.js";

/** Largest |G - gain^2 I| over the Gram matrix of W's shorter side. */
function gramError(w: ArrayLike<number>, rows: number, cols: number, gain: number): number {
  const tall = rows >= cols;
  const n = tall ? cols : rows;
  const len = tall ? rows : cols;
  const at = (i: number, k: number): number => (tall ? w[k * cols + i] : w[i * cols + k]);
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < len; k++) s += at(i, k) * at(j, k);
      worst = Math.max(worst, Math.abs(s - (i === j ? gain * gain : 0)));
    }
  }
  return worst;
}

describe("orthogonal initialisation", () => {
  it.each([
    [64, 64], [4, 64], [64, 4], [64, 2], [1, 1], [1, 5], [5, 1], [17, 3], [3, 17], [256, 256],
  ])("%i x %i: W^T W (or W W^T) = gain^2 I to 1e-12", (rows, cols) => {
    for (const gain of [1, HIDDEN_GAIN, POLICY_GAIN]) {
      const w = orthogonal(rows, cols, gain, new Rng(rows * 1000 + cols));
      expect(w.length).toBe(rows * cols);
      expect(gramError(w, rows, cols, gain)).toBeLessThan(1e-12 * Math.max(1, gain * gain) * Math.max(rows, cols));
    }
  });

  it("is reproducible from the seed and differs between seeds", () => {
    const a = orthogonal(8, 5, 1, new Rng(1));
    expect(Array.from(orthogonal(8, 5, 1, new Rng(1)))).toEqual(Array.from(a));
    expect(Array.from(orthogonal(8, 5, 1, new Rng(2)))).not.toEqual(Array.from(a));
  });

  it("is uniformly distributed: entries of a random orthogonal 6 x 6 have mean 0 and variance 1/6", () => {
    // Haar-distributed Q has E[Q_ij] = 0 and E[Q_ij^2] = 1/n for every entry,
    // in particular on the diagonal, which a QR without the sign fix biases.
    const rng = new Rng(3);
    const n = 6;
    const trials = 4000;
    let diag = 0;
    let diag2 = 0;
    for (let t = 0; t < trials; t++) {
      const q = orthogonal(n, n, 1, rng);
      for (let i = 0; i < n; i++) {
        diag += q[i * n + i];
        diag2 += q[i * n + i] ** 2;
      }
    }
    const m = diag / (trials * n);
    expect(Math.abs(m)).toBeLessThan(5 * Math.sqrt(1 / n / (trials * n)));
    expect(diag2 / (trials * n)).toBeCloseTo(1 / n, 2);
  });

  it("an Mlp's layers are orthogonal with SB3's gains, biases 0", () => {
    const net = new Mlp({ inputSize: 4, outputSize: 2, netArch: [64, 64], outputGain: POLICY_GAIN, seed: 5 });
    const p = net.parameters();
    net.layers.forEach((layer, l) => {
      const gain = l === net.layers.length - 1 ? POLICY_GAIN : HIDDEN_GAIN;
      const w = p.subarray(layer.weightOffset, layer.weightOffset + layer.nIn * layer.nOut);
      expect(gramError(w, layer.nIn, layer.nOut, gain)).toBeLessThan(1e-5 * gain * gain * 64);
      expect(Array.from(p.subarray(layer.biasOffset, layer.biasOffset + layer.nOut)).every((b) => b === 0)).toBe(true);
    });
    net.dispose();
  });
});

describe("orthogonal initialisation: WASM QR kernel = TypeScript twin, bit for bit", () => {
  it.each([
    [64, 64], [4, 64], [64, 4], [64, 2], [1, 1], [1, 7], [7, 1], [17, 3], [3, 17], [5, 5], [65, 63],
  ])("%i x %i", (rows, cols) => {
    for (const gain of [1, HIDDEN_GAIN, POLICY_GAIN, -0.5]) {
      const seed = rows * 7919 + cols;
      const w = orthogonal(rows, cols, gain, new Rng(seed));
      // The twin from the same draws: orthogonal() draws max x min normals, row-major.
      const rng = new Rng(seed);
      const a = new Float64Array(Math.max(rows, cols) * Math.min(rows, cols));
      for (let i = 0; i < a.length; i++) a[i] = rng.normal();
      const t = orthogonalQrTwin(a, rows, cols, gain);
      expect(w.length).toBe(t.length);
      for (let i = 0; i < t.length; i++) {
        if (!Object.is(w[i], t[i])) expect.fail(`${rows} x ${cols} gain ${gain}: index ${i}: kernel ${w[i]} twin ${t[i]}`);
      }
    }
  });

  it("handles a column already zero below the diagonal (v^T v = 0) as the twin does", () => {
    // A draw cannot produce it, so feed the twin and the kernel a matrix directly.
    // Columns: (0, 0, 0) then (1, 2, 0): the first reflection's v is zero.
    const rows = 3;
    const cols = 2;
    const base = new Float64Array([0, 1, 0, 2, 0, 0]);
    const fake = { draws: Array.from(base), normal(): number { return this.draws.shift()!; } };
    const w = orthogonal(rows, cols, 1, fake as unknown as Rng);
    const t = orthogonalQrTwin(base.slice(), rows, cols, 1);
    expect(Array.from(w)).toEqual(Array.from(t));
  });
});
