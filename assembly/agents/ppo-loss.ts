// PPO's clipped policy objective per sample, written as Mirror Learning's
// surrogate minus the clip drift (Schulman et al. 2017; Kuba et al. 2022,
// "Mirror Learning"): with r = exp(logpNew - logpOld) and advantage A,
//   surrogate = r A,   drift = max(0, (r - clip(r, 1 - eps, 1 + eps)) A)
//   objective = r A - drift = min(r A, clip(r) A)
// and the loss is -mean(objective) over the rows. The drift's derivative in
// log pi is r A where the clip is active ((A > 0, r > 1 + eps) or (A < 0,
// r < 1 - eps)) and 0 elsewhere, so d loss / d logpNew = -(r A - active r A) / rows.
// exp has no SIMD instruction, so this kernel is scalar (and compiled, so the
// same bits in every engine). stats gets [sum objective, sum drift, clipped
// count, sum ((r - 1) - log r)] (the last is SB3's approx_kl estimator, with
// log r = logpNew - logpOld exactly).

/** Per-row gradient of the PPO clip loss and summed statistics (see file comment). */
export function agentsPpoClipLoss(
  logpOld: usize, logpNew: usize, adv: usize, gLogp: usize, stats: usize, rows: i32, epsilon: f64,
): void {
  const hi = 1.0 + epsilon;
  const lo = 1.0 - epsilon;
  const inv = 1.0 / <f64>rows;
  let obj = 0.0;
  let drift = 0.0;
  let clipped = 0.0;
  let kl = 0.0;
  for (let i = 0; i < rows; i++) {
    const o = <usize>i << 2;
    const logRatio = <f64>load<f32>(logpNew + o) - <f64>load<f32>(logpOld + o);
    const r = Math.exp(logRatio);
    const a = <f64>load<f32>(adv + o);
    const c = r > hi ? hi : r < lo ? lo : r;
    const d = (r - c) * a;
    const active = d > 0.0;
    const dr = active ? d : 0.0;
    obj += r * a - dr;
    drift += dr;
    // SB3's clip fraction counts |r - 1| > eps whatever the advantage's sign.
    if (r > hi || r < lo) clipped += 1.0;
    kl += r - 1.0 - logRatio;
    store<f32>(gLogp + o, <f32>(active ? 0.0 : -r * a * inv));
  }
  store<f64>(stats, obj);
  store<f64>(stats + 8, drift);
  store<f64>(stats + 16, clipped);
  store<f64>(stats + 24, kl);
}

/**
 * Copies rows idx[0..rows) of src (cols 4-byte values per row) to consecutive
 * rows of dst. Rows are copied with loads and stores (16 bytes at a time):
 * memory.copy is a call into the engine, which costs more than a short row.
 */
export function agentsGatherRowsF32(src: usize, idx: usize, dst: usize, rows: i32, cols: i32): void {
  const bytes = <usize>cols << 2;
  if (cols == 1) {
    for (let i = 0; i < rows; i++) {
      const j = <usize>load<i32>(idx + (<usize>i << 2));
      store<i32>(dst + (<usize>i << 2), load<i32>(src + (j << 2)));
    }
    return;
  }
  const vecBytes = bytes & ~15;
  let d = dst;
  for (let i = 0; i < rows; i++) {
    const s = src + <usize>load<i32>(idx + (<usize>i << 2)) * bytes;
    let o: usize = 0;
    for (; o < vecBytes; o += 16) v128.store(d + o, v128.load(s + o));
    for (; o < bytes; o += 4) store<i32>(d + o, load<i32>(s + o));
    d += bytes;
  }
}

/**
 * A minibatch's advantages, value targets and rollout values (f64) for rows
 * idx[0..rows): retOut[i] = ret[idx[i]], valOut[i] = val[idx[i]] and
 * advOut[i] = adv[idx[i]] as f32, normalised when normalize != 0 as SB3 does
 * per minibatch (src/returns/advantage.ts, the same f64 operations in the same
 * order, so the same bits):
 *   A' = (A - mean) / (sqrt(sum (A - mean)^2 / (rows - 1)) + 1e-8),  rows >= 2.
 */
export function agentsGatherAdvantages(
  adv: usize, ret: usize, val: usize, idx: usize, advOut: usize, retOut: usize, valOut: usize, rows: i32, normalize: i32,
): void {
  let mean = 0.0;
  for (let i = 0; i < rows; i++) {
    const j = <usize>load<i32>(idx + (<usize>i << 2)) << 3;
    const o = <usize>i << 3;
    const a = load<f64>(adv + j);
    store<f64>(retOut + o, load<f64>(ret + j));
    store<f64>(valOut + o, load<f64>(val + j));
    mean += a;
  }
  if (!normalize || rows <= 1) {
    for (let i = 0; i < rows; i++) {
      const j = <usize>load<i32>(idx + (<usize>i << 2)) << 3;
      store<f32>(advOut + (<usize>i << 2), <f32>load<f64>(adv + j));
    }
    return;
  }
  mean /= <f64>rows;
  let ss = 0.0;
  for (let i = 0; i < rows; i++) {
    const c = load<f64>(adv + (<usize>load<i32>(idx + (<usize>i << 2)) << 3)) - mean;
    ss += c * c;
  }
  const denom = Math.sqrt(ss / <f64>(rows - 1)) + 1e-8;
  for (let i = 0; i < rows; i++) {
    const a = load<f64>(adv + (<usize>load<i32>(idx + (<usize>i << 2)) << 3));
    store<f32>(advOut + (<usize>i << 2), <f32>((a - mean) / denom));
  }
}
