// In-place heapsort of an index array by f64 keys, for the per-state solvers
// that walk actions or slope segments in order. No allocation: the caller
// passes the index array. Not exported from the module.

// True when item i sorts before item j: smaller key first, then smaller index.
// @ts-ignore: decorator
@inline function before(keys: usize, i: i32, j: i32): bool {
  const ki = load<f64>(keys + (<usize>i << 3));
  const kj = load<f64>(keys + (<usize>j << 3));
  return ki < kj || (ki == kj && i < j);
}

function siftDown(idx: usize, keys: usize, root: i32, n: i32): void {
  while (true) {
    let child = 2 * root + 1;
    if (child >= n) return;
    const right = child + 1;
    if (right < n && before(keys, load<i32>(idx + (<usize>child << 2)), load<i32>(idx + (<usize>right << 2)))) {
      child = right;
    }
    const ir = load<i32>(idx + (<usize>root << 2));
    const ic = load<i32>(idx + (<usize>child << 2));
    if (!before(keys, ir, ic)) return;
    store<i32>(idx + (<usize>root << 2), ic);
    store<i32>(idx + (<usize>child << 2), ir);
    root = child;
  }
}

/**
 * Writes 0..n-1 into idx (n i32) and sorts it so that keys[idx[k]] ascends,
 * equal keys by ascending index (a total order: the result is deterministic).
 * keys: n f64, no NaN. O(n log n), in place.
 */
export function sortIndices(idx: usize, keys: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<i32>(idx + (<usize>i << 2), i);
  for (let start = (n >> 1) - 1; start >= 0; start--) siftDown(idx, keys, start, n);
  for (let end = n - 1; end > 0; end--) {
    const top = load<i32>(idx);
    store<i32>(idx, load<i32>(idx + (<usize>end << 2)));
    store<i32>(idx + (<usize>end << 2), top);
    siftDown(idx, keys, 0, end);
  }
}
