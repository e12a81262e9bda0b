/**
 * Compressed-sparse-row helpers for transition models over the S*A rows
 * r = s*A + a: row r holds entries `rowPtr[r] .. rowPtr[r+1]-1`, next states
 * `cols[k]` and probabilities `probs[k]`. They work in place on typed arrays
 * (usually views of WebAssembly blocks) and never allocate per row.
 */

/** Rows at most this long are sorted by insertion; longer ones by heapsort. */
const INSERTION_LIMIT = 24;

/**
 * Sorts every row's entries by next state (columns must be distinct: the
 * validator rejects duplicates first, so the order among equal keys never
 * arises). In place; rows already increasing cost one comparison per entry.
 */
export function sortCsrRows(rowPtr: Int32Array, cols: Int32Array, probs: Float64Array): void {
  const rows = rowPtr.length - 1;
  for (let r = 0; r < rows; r++) {
    const lo = rowPtr[r];
    const hi = rowPtr[r + 1];
    let sorted = true;
    for (let k = lo + 1; k < hi; k++) {
      if (cols[k] < cols[k - 1]) {
        sorted = false;
        break;
      }
    }
    if (sorted) continue;
    if (hi - lo <= INSERTION_LIMIT) insertionSort(cols, probs, lo, hi);
    else heapSort(cols, probs, lo, hi);
  }
}

function insertionSort(cols: Int32Array, probs: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const c = cols[i];
    const p = probs[i];
    let j = i - 1;
    while (j >= lo && cols[j] > c) {
      cols[j + 1] = cols[j];
      probs[j + 1] = probs[j];
      j--;
    }
    cols[j + 1] = c;
    probs[j + 1] = p;
  }
}

function heapSort(cols: Int32Array, probs: Float64Array, lo: number, hi: number): void {
  const n = hi - lo;
  const swap = (i: number, j: number): void => {
    const c = cols[lo + i];
    cols[lo + i] = cols[lo + j];
    cols[lo + j] = c;
    const p = probs[lo + i];
    probs[lo + i] = probs[lo + j];
    probs[lo + j] = p;
  };
  const siftDown = (start: number, end: number): void => {
    let root = start;
    for (;;) {
      let child = 2 * root + 1;
      if (child >= end) return;
      if (child + 1 < end && cols[lo + child + 1] > cols[lo + child]) child++;
      if (cols[lo + root] >= cols[lo + child]) return;
      swap(root, child);
      root = child;
    }
  };
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(i, n);
  for (let end = n - 1; end > 0; end--) {
    swap(0, end);
    siftDown(0, end);
  }
}

/** Number of non-zero entries of the dense rows `P[r*S .. r*S+S)` for r < rows. */
export function countNonZeros(P: Float64Array): number {
  let nnz = 0;
  // Branch-free: in random MDPs zero and non-zero entries alternate unpredictably.
  for (let i = 0; i < P.length; i++) nnz += P[i] !== 0 ? 1 : 0;
  return nnz;
}

/** Writes the non-zero entries of dense `P` (rows of length S) into CSR arrays sized by `countNonZeros`. */
export function denseToCsr(P: Float64Array, S: number, rowPtr: Int32Array, cols: Int32Array, probs: Float64Array): void {
  const rows = rowPtr.length - 1;
  let k = 0;
  rowPtr[0] = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * S;
    for (let j = 0; j < S; j++) {
      // Branch-free: always write, advance only past non-zeros (a write at
      // index nnz, past the end, is dropped by the typed array).
      const v = P[base + j];
      cols[k] = j;
      probs[k] = v;
      k += v !== 0 ? 1 : 0;
    }
    rowPtr[r + 1] = k;
  }
}

/** Scatters CSR rows into dense `P` (rows of length S), which the caller has zeroed. */
export function csrToDense(rowPtr: Int32Array, cols: Int32Array, probs: Float64Array, S: number, P: Float64Array): void {
  const rows = rowPtr.length - 1;
  for (let r = 0; r < rows; r++) {
    const base = r * S;
    for (let k = rowPtr[r]; k < rowPtr[r + 1]; k++) P[base + cols[k]] = probs[k];
  }
}
