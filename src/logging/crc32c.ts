/**
 * CRC-32C (Castagnoli, Braun & Herrmann 1993; the checksum of iSCSI, RFC 3720
 * appendix B.4), and the "masked" form TFRecord files store. A table-driven
 * byte loop: the event files it checks hold a few hundred bytes per update, so
 * speed does not matter, and a hand-written loop keeps the library free of
 * runtime dependencies (the tests check it against RFC 3720's vectors).
 */

let table: Uint32Array | undefined;

/** CRC-32C of `bytes` (reflected polynomial 0x82F63B78, initial and final XOR 0xFFFFFFFF). */
export function crc32c(bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * TFRecord's masked CRC: rotate right by 15 bits and add 0xa282ead8 (mod 2^32).
 * TensorFlow masks stored checksums because a CRC of data that itself holds
 * CRCs is weak (tensorflow/core/lib/hash/crc32c.h).
 */
export function maskedCrc32c(bytes: Uint8Array): number {
  const c = crc32c(bytes);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}
