/**
 * The memory arena: TypeScript owns WebAssembly linear memory. Kernels never
 * allocate; callers take blocks here and pass their byte addresses to kernels.
 *
 * Blocks are 16-byte aligned (for v128 loads) and come from a first-fit free
 * list with coalescing, so repeated calls of the same shape reuse the same
 * memory instead of growing it. Typed-array views are rebuilt from the current
 * `memory.buffer` whenever the memory has grown: a view taken before a growth
 * is detached (it reads length 0 and drops writes), so never keep one across a
 * call that may allocate; use `block.view` again instead.
 */
import { kernels } from "./wasm.js";

const ALIGN = 16;
const PAGE = 65536;
/** wasm32 linear memory ends at 4 GiB. */
const MAX_BYTES = 65536 * PAGE;

/**
 * WebAssembly linear memory cannot hold a requested block: the wasm32 limit
 * (4 GiB) is reached, or the host refused to grow the memory. A RangeError,
 * as before; boundary checks turn it into a ValidationError naming the user's
 * field (`checkAllocation`, `allocatingFor` in src/core/validate.ts).
 */
export class WasmMemoryError extends RangeError {
  override readonly name = "WasmMemoryError";
  constructor(
    /** Bytes asked for. */
    readonly bytes: number,
    /** Bytes held by live blocks when it was asked. */
    readonly liveBytes: number,
    reason: string,
  ) {
    super(`mirror-rl: out of WebAssembly memory: ${bytes} more bytes asked with ${liveBytes} live (${reason})`);
  }
}

interface FreeRange {
  ptr: number;
  size: number;
}

const alignUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

class Arena {
  private readonly memory: WebAssembly.Memory;
  private top: number;
  private readonly free: FreeRange[] = [];
  private readonly live = new Map<number, number>();

  constructor() {
    const k = kernels();
    this.memory = k.memory;
    this.top = alignUp(k.heapBase());
  }

  get buffer(): ArrayBuffer {
    return this.memory.buffer;
  }

  /** Bytes currently in the module's memory (grows, never shrinks). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Bytes held by live blocks. */
  get liveBytes(): number {
    let total = 0;
    for (const size of this.live.values()) total += size;
    return total;
  }

  /** Number of live blocks. */
  get liveBlocks(): number {
    return this.live.size;
  }

  /**
   * Bytes that can still be allocated at most: the wasm32 limit minus the live
   * blocks (fragmentation or a host limit on growth may leave less).
   */
  get freeBytes(): number {
    return MAX_BYTES - this.liveBytes;
  }

  /** True when `x` is a view into this module's memory (it is detached when memory grows). */
  holds(x: unknown): boolean {
    return ArrayBuffer.isView(x) && x.buffer === this.memory.buffer;
  }

  /** Allocates `bytes` (rounded up to 16) and returns the byte address. */
  alloc(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes < 0) {
      throw new RangeError(`mirror-rl: cannot allocate ${bytes} bytes`);
    }
    const size = Math.max(ALIGN, alignUp(bytes));
    for (let i = 0; i < this.free.length; i++) {
      const range = this.free[i];
      if (range.size < size) continue;
      const ptr = range.ptr;
      if (range.size === size) this.free.splice(i, 1);
      else {
        range.ptr += size;
        range.size -= size;
      }
      this.live.set(ptr, size);
      return ptr;
    }
    const ptr = this.top;
    const end = ptr + size;
    if (end > MAX_BYTES) throw new WasmMemoryError(bytes, this.liveBytes, "wasm32 limit 4 GiB");
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const needPages = Math.ceil((end - have) / PAGE);
      // A little slack (1 MiB) so that many small allocations do not grow one page at a time.
      const slack = Math.min(16, 65536 - have / PAGE - needPages);
      try {
        this.memory.grow(needPages + Math.max(0, slack));
      } catch {
        try {
          this.memory.grow(needPages); // the slack may be what the host refused
        } catch {
          throw new WasmMemoryError(bytes, this.liveBytes, "the host refused to grow WebAssembly memory");
        }
      }
    }
    this.top = end;
    this.live.set(ptr, size);
    return ptr;
  }

  /** Returns a block to the free list. Freeing twice or a foreign address throws. */
  release(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) throw new Error(`mirror-rl: arena block at ${ptr} is not live (double free?)`);
    this.live.delete(ptr);
    let lo = 0;
    let hi = this.free.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.free[mid].ptr < ptr) lo = mid + 1;
      else hi = mid;
    }
    this.free.splice(lo, 0, { ptr, size });
    // Coalesce with the next and the previous range.
    const cur = this.free[lo];
    const next = this.free[lo + 1];
    if (next && cur.ptr + cur.size === next.ptr) {
      cur.size += next.size;
      this.free.splice(lo + 1, 1);
    }
    const prev = this.free[lo - 1];
    if (prev && prev.ptr + prev.size === cur.ptr) {
      prev.size += cur.size;
      this.free.splice(lo, 1);
    }
    // A free range touching the top goes back to the bump region.
    const last = this.free[this.free.length - 1];
    if (last && last.ptr + last.size === this.top) {
      this.top = last.ptr;
      this.free.pop();
    }
  }
}

let arenaInstance: Arena | undefined;

/** The single arena over the module's memory. */
export function arena(): Arena {
  return (arenaInstance ??= new Arena());
}

export type { Arena };

type TypedArrayOf<K extends BlockKind> = K extends "f64"
  ? Float64Array
  : K extends "f32"
    ? Float32Array
    : K extends "i32"
      ? Int32Array
      : Uint8Array;

export type BlockKind = "f64" | "f32" | "i32" | "u8";

const BYTES: Record<BlockKind, number> = { f64: 8, f32: 4, i32: 4, u8: 1 };

/**
 * A typed block of WebAssembly memory. `view` is rebuilt from the current
 * buffer when memory has grown, so it is always live at the moment it is read.
 */
export class Block<K extends BlockKind = "f64"> {
  readonly ptr: number;
  private cached: TypedArrayOf<K> | undefined;
  private freed = false;

  constructor(
    readonly kind: K,
    readonly length: number,
  ) {
    if (!Number.isInteger(length) || length < 0) {
      throw new RangeError(`mirror-rl: block length must be a non-negative integer, got ${length}`);
    }
    this.ptr = arena().alloc(length * BYTES[kind]);
  }

  /** A typed-array view of the block over the current memory buffer. */
  get view(): TypedArrayOf<K> {
    if (this.freed) throw new Error("mirror-rl: this WebAssembly block was freed (disposed object?)");
    const buffer = arena().buffer;
    if (this.cached === undefined || this.cached.buffer !== buffer) {
      const ctor = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u8: Uint8Array }[this.kind];
      this.cached = new ctor(buffer, this.ptr, this.length) as TypedArrayOf<K>;
    }
    return this.cached;
  }

  /** Copies `source` into the block (lengths must match). Returns this. */
  set(source: ArrayLike<number>): this {
    if (source.length !== this.length) {
      throw new RangeError(`mirror-rl: copying ${source.length} values into a block of ${this.length}`);
    }
    this.view.set(source);
    return this;
  }

  /** A fresh copy of the block's contents outside WebAssembly memory. */
  toArray(): TypedArrayOf<K> {
    return this.view.slice() as TypedArrayOf<K>;
  }

  get isFreed(): boolean {
    return this.freed;
  }

  /** Frees the block; further use of `view` throws. Idempotent. */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.cached = undefined;
    arena().release(this.ptr);
  }
}

/**
 * `x` itself, or a copy when it is a view into WebAssembly memory (another
 * block's `view`, an MDP's `P`): allocating may grow the memory and detach such
 * a view before it is read.
 */
export function outsideWasm<T extends ArrayLike<number>>(x: T): T {
  return arena().holds(x) ? ((x as unknown as Float64Array).slice() as unknown as T) : x;
}

/** A new block of `kind` filled from `init` (copied out first if it is a view of WebAssembly memory); freed if the copy fails. */
function filledBlock<K extends BlockKind>(kind: K, n: number, init: ArrayLike<number> | undefined): Block<K> {
  const source = init === undefined ? undefined : outsideWasm(init);
  const b = new Block(kind, n);
  if (source) {
    try {
      b.set(source);
    } catch (error) {
      b.free();
      throw error;
    }
  }
  return b;
}

/** Allocates a block of `n` f64 values (contents unspecified unless `init` is given). */
export function f64Block(n: number, init?: ArrayLike<number>): Block<"f64"> {
  return filledBlock("f64", n, init);
}

/** Allocates a block of `n` i32 values. */
export function i32Block(n: number, init?: ArrayLike<number>): Block<"i32"> {
  return filledBlock("i32", n, init);
}

/** Allocates a block of `n` f32 values. */
export function f32Block(n: number, init?: ArrayLike<number>): Block<"f32"> {
  return filledBlock("f32", n, init);
}

/**
 * Runs `fn` with scratch blocks that are freed when it returns or throws:
 * `scratch(take => { const x = take(f64Block(n)); ... })`.
 */
export function scratch<T>(fn: (take: <B extends Block<BlockKind>>(block: B) => B) => T): T {
  const taken: Block<BlockKind>[] = [];
  try {
    return fn((block) => {
      taken.push(block);
      return block;
    });
  } finally {
    for (const b of taken) b.free();
  }
}

/**
 * Frees the blocks of objects the user forgot to dispose when they are
 * garbage-collected, so long programs do not leak WebAssembly memory.
 */
const registry = new FinalizationRegistry<Block<BlockKind>[]>((blocks) => {
  for (const b of blocks) b.free();
});

/** Ties the lifetime of `blocks` to `owner` (freed when it is collected). */
export function own(owner: object, blocks: Block<BlockKind>[], token: object = owner): void {
  registry.register(owner, blocks, token);
}

/** Frees `blocks` now and forgets the finaliser registered under `token`. */
export function disown(token: object, blocks: Block<BlockKind>[]): void {
  registry.unregister(token);
  for (const b of blocks) b.free();
}
