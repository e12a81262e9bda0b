// The greedy (policy-iteration) step. Plain-TypeScript twin: src/mirror/greedy.twin.ts.

/**
 * out_s = one-hot at argmax_a adv[s*A + a], ties to the lowest index: the
 * argmax of <p, adv_s> over the simplex (generalised policy iteration).
 * adv, out: S*A f64. Scalar only: the tie rule is a sequential scan.
 */
export function mirrorGreedy(adv: usize, S: i32, A: i32, out: usize): void {
  const rowBytes = <usize>A << 3;
  for (let s = 0; s < S; s++) {
    const base = <usize>s * rowBytes;
    let b = 0;
    let best = -Infinity;
    for (let a = 0; a < A; a++) {
      const q = load<f64>(adv + base + (<usize>a << 3));
      if (q > best) {
        best = q;
        b = a;
      }
    }
    for (let a = 0; a < A; a++) store<f64>(out + base + (<usize>a << 3), a == b ? 1.0 : 0.0);
  }
}
