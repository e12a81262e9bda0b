import { describe, expect, it } from "vitest";
import { crc32c, maskedCrc32c } from "./crc32c.js";

const bytes = (xs: number[]): Uint8Array => Uint8Array.from(xs);
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("crc32c", () => {
  it("gives the check value of the CRC catalogue: CRC-32C('123456789') = 0xE3069283", () => {
    expect(crc32c(ascii("123456789"))).toBe(0xe3069283);
  });

  it("gives RFC 3720's (iSCSI, appendix B.4) test vectors", () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(bytes(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32c(bytes(Array.from({ length: 32 }, (_, i) => 31 - i)))).toBe(0x113fdb5c);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it("masks as TFRecord does: rotate right 15, add 0xa282ead8; unmasking gives the CRC back", () => {
    const c = crc32c(ascii("123456789"));
    const m = maskedCrc32c(ascii("123456789"));
    const rotated = ((c >>> 15) | (c << 17)) >>> 0;
    expect(m).toBe((rotated + 0xa282ead8) >>> 0);
    const unmasked = (m - 0xa282ead8) >>> 0;
    expect((((unmasked << 15) | (unmasked >>> 17)) >>> 0)).toBe(c);
    // The length field of a 24-byte record (every event file's first record): TensorFlow's files start a3 7f 4b 22.
    const len = new Uint8Array(8);
    len[0] = 24;
    expect(maskedCrc32c(len)).toBe(0x224b7fa3);
  });
});
