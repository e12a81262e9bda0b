import { describe, expect, it } from "vitest";
import { arena, f64Block, scratch } from "./arena.js";
import { kernels } from "./wasm.js";

describe("arena", () => {
  it("keeps a block readable and writable after memory grows", () => {
    const a = f64Block(1000);
    a.view.fill(3.5);
    const stale = a.view;
    const before = arena().memoryBytes;
    const big = f64Block(8 * 1024 * 1024); // 64 MiB: forces memory.grow
    expect(arena().memoryBytes).toBeGreaterThan(before);
    expect(stale.length).toBe(0); // the old view is detached, as WebAssembly specifies
    expect(a.view.length).toBe(1000);
    expect(a.view[999]).toBe(3.5);
    a.view[0] = -1;
    expect(kernels().normInfSimd(a.ptr, 1000)).toBe(3.5);
    a.view[1] = 7;
    expect(kernels().normInfSimd(a.ptr, 1000)).toBe(7);
    big.free();
    a.free();
  });

  it("reuses freed memory instead of growing", () => {
    scratch((take) => take(f64Block(100_000)));
    const bytes = arena().memoryBytes;
    const live = arena().liveBlocks;
    for (let i = 0; i < 1000; i++) {
      scratch((take) => {
        take(f64Block(100_000));
        take(f64Block(1 + (i % 17)));
      });
    }
    expect(arena().memoryBytes).toBe(bytes);
    expect(arena().liveBlocks).toBe(live);
  });

  it("aligns blocks to 16 bytes and rejects double frees", () => {
    const b = f64Block(3);
    expect(b.ptr % 16).toBe(0);
    const ptr = b.ptr;
    b.free();
    expect(() => arena().release(ptr)).toThrow(/not live/);
    expect(() => b.view).toThrow(/freed/);
  });
});
