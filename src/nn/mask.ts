/**
 * Legal-action masks for the categorical head (Huang & Ontañón 2022, "A
 * Closer Look at Invalid Action Masking in Policy Gradient Algorithms"; the
 * semantics of SB3-contrib's MaskablePPO): rows x actionCount bytes in
 * WebAssembly memory, 1 = legal, 0 = illegal. `categoricalForward` takes them
 * and writes log pi = -inf for illegal actions; the backward, KL, sampling
 * and mode read the mask from those -inf entries, so masked and unmasked rows
 * go through the same kernels (see assembly/nn/categorical.ts).
 *
 * Checking what users give (length, 0/1 entries, at least one legal action
 * per row) is `checkActionMask` in src/core/validate.ts.
 */
import { arena, disown, own, Block } from "../core/arena.js";
import type { U8Ref } from "./tensor.js";

/**
 * A u8 block of at least rows x actionCount bytes that grows on demand, freed
 * with `dispose` (or when its owner is collected). Contents are unspecified
 * after growing.
 */
export class MaskBlock {
  private readonly blocks: Block<"u8">[] = [];
  private rows = 0;

  constructor(
    owner: object,
    readonly actionCount: number,
  ) {
    own(owner, this.blocks, this.blocks);
  }

  /** The block, holding at least `rows` rows. */
  take(rows: number): Block<"u8"> {
    if (rows > this.rows || this.blocks.length === 0) {
      for (const b of this.blocks) b.free();
      this.blocks.length = 0;
      this.blocks.push(new Block("u8", Math.max(rows, 1) * this.actionCount));
      this.rows = Math.max(rows, 1);
    }
    return this.blocks[0];
  }

  /** Copies `rows` rows of 0/1 bytes into the block and returns it. */
  write(mask: ArrayLike<number>, rows: number): Block<"u8"> {
    const b = this.take(rows);
    const n = rows * this.actionCount;
    b.view.set(mask.length === n ? mask : Array.prototype.slice.call(mask, 0, n));
    return b;
  }

  dispose(): void {
    disown(this.blocks, this.blocks);
    this.blocks.length = 0;
    this.rows = 0;
  }
}

/**
 * out[i] = src[idx[i]] for rows i in [0, rows), each row actionCount bytes;
 * idx is the byte address of rows i32 row indices (e.g. a minibatch's
 * permutation). Allocates no WebAssembly memory.
 */
export function gatherMaskRows(src: U8Ref, idx: number, out: U8Ref, rows: number, actionCount: number): void {
  const buffer = arena().buffer;
  const heap = new Uint8Array(buffer);
  const index = new Int32Array(buffer, idx, rows);
  const A = actionCount;
  for (let i = 0; i < rows; i++) {
    const from = src.ptr + index[i] * A;
    heap.copyWithin(out.ptr + i * A, from, from + A);
  }
}
