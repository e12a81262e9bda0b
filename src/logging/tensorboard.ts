/**
 * TensorBoard event files: a TFRecord stream of `tensorflow.Event` protocol
 * buffers, as TensorFlow's and PyTorch's SummaryWriter write them.
 *
 * Record (tensorflow/core/lib/io/record_writer.cc):
 *   uint64 length (little-endian) | uint32 masked CRC-32C of those 8 bytes |
 *   data[length] | uint32 masked CRC-32C of data
 *
 * Messages (tensorflow/core/util/event.proto, framework/summary.proto), only
 * the fields written here:
 *   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 *   Summary { repeated Value value = 1; }
 *   Value   { string tag = 1; float simple_value = 2; }
 * The first event of a file carries `file_version: "brain.Event:2"`, then one
 * event per scalar (PyTorch's add_scalar). The encoder is written by hand:
 * four fields of three messages whose numbers have not changed since
 * TensorFlow 1.0 do not justify a protobuf runtime in the library (which has
 * no runtime dependencies and also runs in browsers); the tests decode its
 * output with protobufjs and TensorFlow's .proto, and with a decoder written
 * from the specification.
 */
import { maskedCrc32c } from "./crc32c.js";

const utf8 = new TextEncoder();

/** A growable byte buffer with the protobuf wire encodings needed here. */
class ProtoWriter {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** A base-128 varint of a non-negative safe integer. */
  varint(v: number): this {
    this.reserve(10);
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
    return this;
  }

  /** Field key: (field number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32). */
  key(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  double(field: number, v: number): this {
    this.key(field, 1).reserve(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
    return this;
  }

  float(field: number, v: number): this {
    this.key(field, 5).reserve(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2).varint(b.length).reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s));
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** The first event of every file: `file_version: "brain.Event:2"` at step 0. */
export function encodeFileVersionEvent(wallTime: number): Uint8Array {
  return new ProtoWriter().double(1, wallTime).string(3, "brain.Event:2").finish();
}

/** An event holding one scalar summary value (`simple_value` is a float32, as TensorBoard stores it). */
export function encodeScalarEvent(wallTime: number, step: number, tag: string, value: number): Uint8Array {
  const summaryValue = new ProtoWriter().string(1, tag).float(2, value).finish();
  const summary = new ProtoWriter().bytes(1, summaryValue).finish();
  const event = new ProtoWriter().double(1, wallTime);
  // int64 step: proto3 omits a zero scalar; steps are non-negative, so the varint is plain.
  if (step !== 0) event.key(2, 0).varint(step);
  return event.bytes(5, summary).finish();
}

/** One TFRecord: length, its masked CRC, the data, the data's masked CRC. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length % 2 ** 32, true);
  view.setUint32(4, Math.floor(data.length / 2 ** 32), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/**
 * The event file's name as TensorFlow's and PyTorch's writers form it:
 * `events.out.tfevents.<seconds>.<host>` (TensorBoard only needs
 * "tfevents" in the name); `.<pid>.<n>` follows in Node so that two runs
 * started in the same second into one directory do not share a file.
 */
export function eventFileName(wallTimeSeconds: number, host: string, suffix = ""): string {
  return `events.out.tfevents.${String(Math.floor(wallTimeSeconds)).padStart(10, "0")}.${host}${suffix}`;
}
