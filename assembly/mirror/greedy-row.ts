// One row of the greedy step, shared by the greedy kernel (greedy.ts) and the
// c -> 0 limit of the L2 step (l2.ts). Internal: not exported from the module.

/** One row, scalar: out = one-hot at the first maximum of q (ties: the lowest action). */
// @ts-ignore: decorator
@inline export function greedyRow(qr: usize, A: i32, or: usize): void {
  let b = 0;
  let best = -Infinity;
  for (let a = 0; a < A; a++) {
    const q = load<f64>(qr + (<usize>a << 3));
    if (q > best) {
      best = q;
      b = a;
    }
  }
  for (let a = 0; a < A; a++) store<f64>(or + (<usize>a << 3), a == b ? 1.0 : 0.0);
}
