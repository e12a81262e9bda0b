// End to end: an Mlp with the categorical head, global-norm clipping and Adam
// learns a small classification task, and a Gaussian head with a learned
// log-std fits a continuous target, through the same flat parameter store.
import { describe, expect, it } from "vitest";
import { f32Block, i32Block, scratch } from "../../src/core/arena.js";
import { Rng } from "../../src/core/rng.js";
import {
  categoricalBackward, categoricalForward, gaussianLogProb, gaussianLogProbBackward, Mlp, ParameterStore,
} from "../../src/nn/index.js";
import { Adam, clipGradNormScale } from "../../src/optim/index.js";

describe("training through the neural layer", () => {
  it("fits four Gaussian blobs with cross-entropy (categorical head, clipping, Adam)", () => {
    const rng = new Rng(5);
    const B = 128;
    const A = 4;
    const centres = [[1, 1], [-1, 1], [-1, -1], [1, -1]];
    const xs = new Float32Array(B * 2);
    const labels = new Int32Array(B);
    for (let r = 0; r < B; r++) {
      const c = r % A;
      labels[r] = c;
      xs[2 * r] = centres[c][0] + 0.3 * rng.normal();
      xs[2 * r + 1] = centres[c][1] + 0.3 * rng.normal();
    }
    const store = new ParameterStore();
    const net = new Mlp({ inputSize: 2, outputSize: A, netArch: [16, 16], store, seed: 1, outputGain: 0.01 });
    const adam = new Adam(store, { learningRate: 0.01, eps: 1e-5 });
    scratch((take) => {
      const actions = take(i32Block(B, labels));
      const logp = take(f32Block(B * A));
      const lpa = take(f32Block(B));
      const ent = take(f32Block(B));
      const dLogits = take(f32Block(B * A));
      const loss = (): number => {
        const logits = net.forward(xs);
        categoricalForward({ logits, logp, rows: B, actionCount: A, actions, logpAct: lpa, entropy: ent });
        return -lpa.view.reduce((s, v) => s + v, 0) / B;
      };
      const first = loss();
      expect(first).toBeCloseTo(Math.log(A), 1); // a 0.01-gain head starts near uniform
      for (let step = 0; step < 150; step++) {
        loss();
        // Minimise mean(-log pi(label)): dLoss/dlog pi = -1/B for every row.
        categoricalBackward({ logp, rows: B, actionCount: A, dLogits, actions, gLogp: -1 / B });
        net.backward(dLogits);
        adam.step({ gradScale: clipGradNormScale(store, 0.5).scale });
      }
      const last = loss();
      expect(last).toBeLessThan(0.15);
      let correct = 0;
      const l = logp.view;
      for (let r = 0; r < B; r++) {
        let best = 0;
        for (let j = 1; j < A; j++) if (l[r * A + j] > l[r * A + best]) best = j;
        if (best === labels[r]) correct++;
      }
      expect(correct / B).toBeGreaterThan(0.95);
    });
    adam.dispose();
    store.dispose();
  });

  it("fits a Gaussian policy's mean and log-std to data by maximum likelihood", () => {
    // Targets a = 2 x - 1 + 0.5 noise: the mean learns the line, exp(logStd) the 0.5.
    const rng = new Rng(6);
    const B = 256;
    const xs = new Float32Array(B);
    const ys = new Float32Array(B);
    for (let r = 0; r < B; r++) {
      xs[r] = rng.uniform(-1, 1);
      ys[r] = 2 * xs[r] - 1 + 0.5 * rng.normal();
    }
    const store = new ParameterStore();
    const net = new Mlp({ inputSize: 1, outputSize: 1, netArch: [], store, seed: 2 }); // linear
    const logStd = store.reserve(1, [0]);
    const adam = new Adam(store, { learningRate: 0.05 });
    scratch((take) => {
      const actions = take(f32Block(B, ys));
      const lp = take(f32Block(B));
      const dMean = take(f32Block(B));
      for (let step = 0; step < 400; step++) {
        const mean = net.forward(xs);
        const args = { mean, logStd: logStd.value, actions, rows: B, actionDim: 1 };
        gaussianLogProb({ ...args, out: lp });
        gaussianLogProbBackward({ ...args, g: -1 / B, dMean, dLogStd: logStd.grad });
        net.backward(dMean);
        adam.step();
      }
      const [w, b] = net.parameters();
      expect(w).toBeCloseTo(2, 0);
      expect(b).toBeCloseTo(-1, 1);
      expect(Math.exp(logStd.get()[0])).toBeCloseTo(0.5, 1);
    });
    adam.dispose();
    store.dispose();
  });
});
