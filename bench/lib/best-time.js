// Microseconds per call of a short function: the best of many timed batches,
// each long enough (> 2 ms) for the timer, over about `budgetMs` in all. The
// machine is shared, so the minimum, not the median, is the reproducible
// figure: it is the speed without contention.
export function bestMicros(fn, budgetMs = 300) {
  fn();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    if (performance.now() - t0 > 2) break;
    reps *= 2;
  }
  let best = Infinity;
  let n = 0;
  const end = performance.now() + budgetMs;
  while (n < 20 || performance.now() < end) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    best = Math.min(best, ((performance.now() - t0) * 1000) / reps);
    n++;
  }
  return best;
}
