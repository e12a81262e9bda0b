/**
 * Long kernel calls made as several shorter ones. WebAssembly engines run a
 * function in baseline code first and switch to optimised code for the calls
 * that come after it is found hot (V8: Liftoff, then TurboFan); there is no
 * switch inside a running call, so one call over S = 10^6 states (40+ ms)
 * stays in baseline code to its end the first time. Measured on the garnet
 * S = 10^6, A = 4 (Q from V, fresh process): first call 250-480 ms, later ones
 * 60-120 ms; the same first call as 16 chunks 80-130 ms. Per-state kernels
 * give the same numbers in chunks; a chunk costs ~1 µs of call overhead.
 */

/** States per call: 16 calls at S = 10^6. */
export const CHUNK_STATES = 65536;

/** Calls body(start, count) over [0, n) in chunks of `size` (one call when n <= size). */
export function forChunks(n: number, body: (start: number, count: number) => void, size = CHUNK_STATES): void {
  if (n <= size) {
    body(0, n);
    return;
  }
  for (let start = 0; start < n; start += size) body(start, Math.min(size, n - start));
}
