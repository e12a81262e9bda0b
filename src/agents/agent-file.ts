/**
 * The agent file format: a 20-byte header and a UTF-8 JSON payload.
 *
 *   bytes 0..7    magic "MIRRORRL"
 *   bytes 8..11   format version (u32, little-endian), currently 1
 *   bytes 12..15  payload length in bytes (u32 LE)
 *   bytes 16..19  CRC-32 (IEEE 802.3, as zlib and PNG) of the payload (u32 LE)
 *   bytes 20..    payload: JSON; f32 vectors as base64 of their little-endian
 *                 bytes, f64 statistics as JSON numbers (exact: JavaScript
 *                 prints the shortest string that reads back the same double)
 *
 * Decoding says exactly what is wrong with a damaged file: bad magic,
 * unsupported version, truncated at byte N of M, checksum mismatch with the
 * stored and the computed values.
 */
import { ValidationError } from "../core/errors.js";
import { kindOf } from "../core/validate.js";

export const FORMAT_MAGIC = "MIRRORRL";
export const FORMAT_VERSION = 1;
const HEADER = 20;

let crcTable: Uint32Array | undefined;

/** CRC-32 (reflected polynomial 0xEDB88320, initial and final xor 0xFFFFFFFF). */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i], b = bytes[i + 1] ?? 0, c = bytes[i + 2] ?? 0;
    const n = (a << 16) | (b << 8) | c;
    s += B64[n >>> 18] + B64[(n >>> 12) & 63] + (i + 1 < bytes.length ? B64[(n >>> 6) & 63] : "=") + (i + 2 < bytes.length ? B64[n & 63] : "=");
  }
  return s;
}

function fromBase64(field: string, s: string): Uint8Array {
  if (typeof s !== "string" || s.length % 4 !== 0) throw new ValidationError(field, "must be base64 text", typeof s === "string" ? s.length : s);
  const pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const ch = s[i + j];
      const v = ch === "=" ? 0 : B64.indexOf(ch);
      if (v < 0) throw new ValidationError(field, "has a character that is not base64", ch, { index: i + j });
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = n >>> 16;
    if (o < out.length) out[o++] = (n >>> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

/** f32 values as base64 of their little-endian bytes. */
export function encodeF32(a: ArrayLike<number>): string {
  const bytes = new Uint8Array(4 * a.length);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) dv.setFloat32(4 * i, a[i], true);
  return toBase64(bytes);
}

/** Inverse of encodeF32; `length` (if given) is checked. */
export function decodeF32(field: string, s: string, length?: number): Float32Array {
  const bytes = fromBase64(field, s);
  if (bytes.length % 4 !== 0) throw new ValidationError(field, "byte length must be a multiple of 4", bytes.length);
  const n = bytes.length / 4;
  if (length !== undefined && n !== length) throw new ValidationError(field, `must hold ${length} values`, n);
  const dv = new DataView(bytes.buffer);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true);
  return out;
}

/** Wraps a JSON-able payload in the header. */
export function encodeAgentFile(payload: unknown): Uint8Array {
  const body = new TextEncoder().encode(JSON.stringify(payload));
  const out = new Uint8Array(HEADER + body.length);
  for (let i = 0; i < 8; i++) out[i] = FORMAT_MAGIC.charCodeAt(i);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, FORMAT_VERSION, true);
  dv.setUint32(12, body.length, true);
  dv.setUint32(16, crc32(body), true);
  out.set(body, HEADER);
  return out;
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, "0")}`;

/** Why a file's length or checksum is off, most often. */
const REENCODED = "(the file was changed, cut or re-encoded, e.g. read or written as text: keep agent files as bytes)";

/** Checks the header and checksum and returns the parsed payload. */
export function decodeAgentFile(bytes: Uint8Array): Record<string, unknown> {
  const F = "model file";
  if (!(bytes instanceof Uint8Array)) {
    const hint = typeof bytes === "string" ? ": pass the bytes save() returned (decode base64 or read the file as bytes first)" : " (the bytes save() returned)";
    throw new ValidationError(F, `must be a Uint8Array${hint}`, kindOf(bytes));
  }
  if (bytes.length < HEADER) {
    throw new ValidationError(F, `truncated at byte ${bytes.length} of the ${HEADER}-byte header`, bytes.length);
  }
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== FORMAT_MAGIC) {
    const base64 = magic === "TUlSUk9S" ? " (it is base64 text of one: decode it to bytes first)" : "";
    throw new ValidationError(F, `bad magic: expected "${FORMAT_MAGIC}", not a mirror-rl agent file${base64}`, magic);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(8, true);
  if (version !== FORMAT_VERSION) {
    throw new ValidationError(F, `unsupported format version (this library reads version ${FORMAT_VERSION})`, version);
  }
  const length = dv.getUint32(12, true);
  const total = HEADER + length;
  if (bytes.length < total) throw new ValidationError(F, `truncated at byte ${bytes.length} of ${total} ${REENCODED}`, bytes.length);
  if (bytes.length > total) {
    throw new ValidationError(F, `has ${bytes.length - total} bytes after the payload's end at byte ${total} ${REENCODED}`, bytes.length);
  }
  const body = bytes.subarray(HEADER, total);
  const stored = dv.getUint32(16, true);
  const computed = crc32(body);
  if (stored !== computed) {
    throw new ValidationError(F, `checksum mismatch: stored CRC-32 ${hex(stored)}, computed ${hex(computed)} ${REENCODED}`, hex(stored));
  }
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch (e) {
    throw new ValidationError(F, `payload is not valid JSON: ${(e as Error).message}`, length);
  }
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) throw new ValidationError(F, "payload must be a JSON object", kindOf(payload));
  return payload as Record<string, unknown>;
}
