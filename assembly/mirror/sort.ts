// Index sorts by f64 keys for the per-state solvers that walk actions or
// slope segments in order. No allocation: the caller passes the index array.
// Not exported from the module.

// Up to this many items sortIndices ranks them (O(n^2) comparisons, two per
// vector instruction, no branch on the data); above, it heapsorts
// (O(n log n), but every comparison is a branch the predictor misses about
// half the time). Measured on random keys: ranking is faster up to about n = 300.
const RANK_MAX = 256;

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

function heapSort(idx: usize, keys: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<i32>(idx + (<usize>i << 2), i);
  for (let start = (n >> 1) - 1; start >= 0; start--) siftDown(idx, keys, start, n);
  for (let end = n - 1; end > 0; end--) {
    const top = load<i32>(idx);
    store<i32>(idx, load<i32>(idx + (<usize>end << 2)));
    store<i32>(idx + (<usize>end << 2), top);
    siftDown(idx, keys, 0, end);
  }
}

/**
 * The rank of item j: how many items sort before it, i.e. keys below k_j,
 * and keys equal to it at a lower index. Two keys per comparison; a true
 * lane is all ones (-1 as an integer), so subtracting masks counts them.
 */
// @ts-ignore: decorator
@inline function rankOf(keys: usize, n: i32, j: i32): i32 {
  const kj = load<f64>(keys + (<usize>j << 3));
  const kv = f64x2.splat(kj);
  let cnt = i64x2.splat(0);
  let r = 0;
  let i = 0;
  // Items before j count when k_i <= k_j.
  for (; i + 2 <= j; i += 2) cnt = i64x2.sub(cnt, f64x2.le(v128.load(keys + (<usize>i << 3)), kv));
  if (i < j) r += i32(load<f64>(keys + (<usize>i << 3)) <= kj);
  // Items after j count when k_i < k_j.
  for (i = j + 1; i + 2 <= n; i += 2) cnt = i64x2.sub(cnt, f64x2.lt(v128.load(keys + (<usize>i << 3)), kv));
  if (i < n) r += i32(load<f64>(keys + (<usize>i << 3)) < kj);
  return r + <i32>(i64x2.extract_lane(cnt, 0) + i64x2.extract_lane(cnt, 1));
}

/**
 * Writes the indices 0..n-1 into idx (n i32) so that keys[idx[k]] ascends,
 * equal keys by ascending index (a total order: the result is deterministic
 * and the same whichever way it is computed). keys: n f64, no NaN.
 * Up to RANK_MAX items each goes straight to its rank; above, heapsort.
 */
export function sortIndices(idx: usize, keys: usize, n: i32): void {
  if (n > RANK_MAX) {
    heapSort(idx, keys, n);
    return;
  }
  for (let j = 0; j < n; j++) store<i32>(idx + (<usize>rankOf(keys, n, j) << 2), j);
}
