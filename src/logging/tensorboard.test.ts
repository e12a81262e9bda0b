/**
 * The TensorBoard event writer, read back three independent ways: a TFRecord
 * and protobuf decoder written here from the specifications (with its own
 * bitwise CRC-32C), protobufjs with TensorFlow's message definitions, and
 * (when Debian's python3-protobuf is installed) Google's protobuf runtime in
 * Python. Known bytes: what the Python package tensorboard_logger (Google's
 * protobuf runtime and TensorFlow's masked CRC) writes in its serialization
 * test for wall time 256.5.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import protobuf from "protobufjs";
import { encodeFileVersionEvent, encodeScalarEvent, eventFileName, tfRecord } from "./tensorboard.js";
import { Logger } from "./logger.js";

// ---- an independent reader, from the TFRecord and protobuf wire-format specifications ----

/** CRC-32C bit by bit (no table), Castagnoli's reflected polynomial. */
function crc32cBitwise(data: Uint8Array): number {
  let crc = ~0 >>> 0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? ((crc >>> 1) ^ 0x82f63b78) >>> 0 : crc >>> 1;
  }
  return ~crc >>> 0;
}
const mask = (crc: number): number => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;

/** The records of a TFRecord file, each CRC checked. */
function readRecords(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < file.length) {
    const length = Number(view.getBigUint64(at, true));
    expect(view.getUint32(at + 8, true), "masked CRC of the length").toBe(mask(crc32cBitwise(file.subarray(at, at + 8))));
    const data = file.subarray(at + 12, at + 12 + length);
    expect(view.getUint32(at + 12 + length, true), "masked CRC of the data").toBe(mask(crc32cBitwise(data)));
    out.push(data);
    at += 16 + length;
  }
  expect(at).toBe(file.length);
  return out;
}

type Field = { field: number; wire: number; value: number | bigint | Uint8Array };

/** The fields of one protobuf message (wire types 0, 1, 2, 5). */
function readFields(msg: Uint8Array): Field[] {
  const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  const fields: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = msg[at++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  };
  while (at < msg.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 0) fields.push({ field, wire, value: varint() });
    else if (wire === 1) {
      fields.push({ field, wire, value: view.getFloat64(at, true) });
      at += 8;
    } else if (wire === 2) {
      const n = Number(varint());
      fields.push({ field, wire, value: msg.subarray(at, at + n) });
      at += n;
    } else if (wire === 5) {
      fields.push({ field, wire, value: view.getFloat32(at, true) });
      at += 4;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return fields;
}

interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  values: { tag: string; simpleValue: number }[];
}

/** tensorflow.Event { wall_time = 1 (double), step = 2 (int64), file_version = 3, summary = 5 { value = 1 { tag = 1, simple_value = 2 (float) } } }. */
function decodeEvent(data: Uint8Array): DecodedEvent {
  const text = (b: unknown) => new TextDecoder().decode(b as Uint8Array);
  const e: DecodedEvent = { wallTime: 0, step: 0, values: [] };
  for (const f of readFields(data)) {
    if (f.field === 1 && f.wire === 1) e.wallTime = f.value as number;
    else if (f.field === 2 && f.wire === 0) e.step = Number(f.value);
    else if (f.field === 3 && f.wire === 2) e.fileVersion = text(f.value);
    else if (f.field === 5 && f.wire === 2) {
      for (const v of readFields(f.value as Uint8Array)) {
        expect(v.field).toBe(1);
        const value = { tag: "", simpleValue: NaN };
        for (const g of readFields(v.value as Uint8Array)) {
          if (g.field === 1) value.tag = text(g.value);
          else if (g.field === 2 && g.wire === 5) value.simpleValue = g.value as number;
        }
        e.values.push(value);
      }
    } else throw new Error(`unexpected field ${f.field}`);
  }
  return e;
}

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!.map((h) => parseInt(h, 16)));

describe("TensorBoard event records", () => {
  it("are byte for byte what Google's protobuf runtime and TensorFlow's CRC give (tensorboard_logger's test vectors)", () => {
    const file = new Uint8Array([
      ...tfRecord(encodeFileVersionEvent(256.5)),
      ...tfRecord(encodeScalarEvent(256.5, 1, "v/1", 1.5)),
      ...tfRecord(encodeScalarEvent(256.5, 2, "v/22", 16)),
    ]);
    // Per record: length (8) | masked CRC (4) | wall_time 256.5 | [step] | payload | masked CRC (4).
    const expected = hex(`
      1800000000000000 a37f4b22  09 0000000000087040  1a0d 627261696e2e4576656e743a32  bc98212b
      1900000000000000 8bf10828  09 0000000000087040  1001  2a0c 0a0a 0a03 762f31 15 0000c03f  2cecc087
      1a00000000000000 129bd82d  09 0000000000087040  1002  2a0d 0a0b 0a04 762f3232 15 00008041  8fa3b688`);
    expect(Array.from(file)).toEqual(Array.from(expected));
  });

  it("decode with a reader written from the TFRecord and protobuf specifications", () => {
    const big = 3_000_000_123; // steps beyond 2^31 stay exact (varint int64)
    const records = readRecords(new Uint8Array([
      ...tfRecord(encodeFileVersionEvent(1700000000.25)),
      ...tfRecord(encodeScalarEvent(1700000001.5, big, "rollout/ep_rew_mean", 22.5)),
      ...tfRecord(encodeScalarEvent(1700000002, 0, "train/ünïcode", -1e-3)),
    ]));
    const events = records.map(decodeEvent);
    expect(events[0]).toEqual({ wallTime: 1700000000.25, step: 0, fileVersion: "brain.Event:2", values: [] });
    expect(events[1]).toEqual({ wallTime: 1700000001.5, step: big, values: [{ tag: "rollout/ep_rew_mean", simpleValue: 22.5 }] });
    expect(events[2].values[0].tag).toBe("train/ünïcode");
    expect(events[2].values[0].simpleValue).toBe(Math.fround(-1e-3)); // simple_value is a float32
  });

  it("decode with protobufjs and TensorFlow's message definitions", () => {
    // From tensorflow/core/util/event.proto and tensorflow/core/framework/summary.proto (fields used here and their neighbours).
    const { root } = protobuf.parse(`
      syntax = "proto3";
      package tensorflow;
      message Summary {
        message Value { string node_name = 7; string tag = 1; oneof value { float simple_value = 2; bytes obsolete_old_style_histogram = 3; } }
        repeated Value value = 1;
      }
      message Event {
        double wall_time = 1;
        int64 step = 2;
        oneof what { string file_version = 3; bytes graph_def = 4; Summary summary = 5; }
      }`);
    const Event = root.lookupType("tensorflow.Event");
    const first = Event.toObject(Event.decode(encodeFileVersionEvent(12.5)), { longs: Number, oneofs: true });
    expect(first).toMatchObject({ wallTime: 12.5, fileVersion: "brain.Event:2", what: "fileVersion" });
    const scalar = Event.toObject(Event.decode(encodeScalarEvent(13.25, 4096, "train/approx_kl", 0.0123)), { longs: Number, oneofs: true });
    expect(scalar).toMatchObject({ wallTime: 13.25, step: 4096, what: "summary" });
    expect(scalar.summary.value).toEqual([{ tag: "train/approx_kl", simpleValue: Math.fround(0.0123), value: "simpleValue" }]);
  });

  it("decode with Google's protobuf runtime in Python (python3-protobuf; skipped when not installed)", (ctx) => {
    const python = ["/usr/bin/python3", "python3"].find((p) => spawnSync(p, ["-c", "import google.protobuf"]).status === 0);
    if (!python) return ctx.skip();
    const dir = mkdtempSync(join(tmpdir(), "mirror-rl-tb-"));
    const logger = new Logger({ formats: ["tensorboard"], now: () => 1_700_000_000_000 });
    logger.begin({ algorithm: "PPO", envId: "CartPole-v1" });
    logger.metrics(2048, 1, { "charts/episodic_return": 21.5, "losses/approx_kl": 0.01, "charts/SPS": 31234.5 });
    const [[name, bytes]] = Object.entries(logger.toFiles());
    writeFileSync(join(dir, name), bytes);
    // The messages are built from descriptors (no protoc needed); the reader checks each record's masked CRC-32C with its own code.
    const script = `
import struct, sys, json, os
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
fd = descriptor_pb2.FileDescriptorProto(name="event.proto", package="tensorflow", syntax="proto3")
summary = fd.message_type.add(name="Summary")
value = summary.nested_type.add(name="Value")
F = descriptor_pb2.FieldDescriptorProto
value.field.add(name="tag", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
value.field.add(name="simple_value", number=2, type=F.TYPE_FLOAT, label=F.LABEL_OPTIONAL)
summary.field.add(name="value", number=1, type=F.TYPE_MESSAGE, label=F.LABEL_REPEATED, type_name=".tensorflow.Summary.Value")
event = fd.message_type.add(name="Event")
event.field.add(name="wall_time", number=1, type=F.TYPE_DOUBLE, label=F.LABEL_OPTIONAL)
event.field.add(name="step", number=2, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
event.field.add(name="file_version", number=3, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
event.field.add(name="summary", number=5, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL, type_name=".tensorflow.Summary")
pool = descriptor_pool.DescriptorPool()
pool.Add(fd)
desc = pool.FindMessageTypeByName("tensorflow.Event")
Event = message_factory.GetMessageClass(desc) if hasattr(message_factory, "GetMessageClass") else message_factory.MessageFactory(pool).GetPrototype(desc)
def crc32c(data):
    crc = 0xffffffff
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82f63b78 if crc & 1 else crc >> 1
    return crc ^ 0xffffffff
def masked(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xa282ead8) & 0xffffffff
raw = open(sys.argv[1], "rb").read()
at, out = 0, []
while at < len(raw):
    (n,) = struct.unpack("<Q", raw[at:at + 8])
    assert struct.unpack("<I", raw[at + 8:at + 12])[0] == masked(raw[at:at + 8])
    data = raw[at + 12:at + 12 + n]
    assert struct.unpack("<I", raw[at + 12 + n:at + 16 + n])[0] == masked(data)
    e = Event()
    e.ParseFromString(data)
    out.append({"wall_time": e.wall_time, "step": e.step, "file_version": e.file_version,
                "values": [[v.tag, v.simple_value] for v in e.summary.value]})
    at += 16 + n
print(json.dumps(out))
`;
    const run = spawnSync(python, ["-c", script, join(dir, name)], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    const events = JSON.parse(run.stdout) as { wall_time: number; step: number; file_version: string; values: [string, number][] }[];
    expect(events[0]).toEqual({ wall_time: 1_700_000_000, step: 0, file_version: "brain.Event:2", values: [] });
    const scalars = Object.fromEntries(events.slice(1).map((e) => [e.values[0][0], [e.step, e.values[0][1]]]));
    expect(scalars).toEqual({
      "rollout/ep_rew_mean": [2048, 21.5], "train/approx_kl": [2048, Math.fround(0.01)], "time/fps": [2048, 31234],
    });
  });
});

describe("the TensorBoard file of a Logger", () => {
  it("starts with the file-version event, then one event per scalar at step = timesteps, without SB3's CSV-only counters", () => {
    let t = 1_700_000_000_000;
    const logger = new Logger({ formats: ["tensorboard"], now: () => (t += 250) });
    logger.begin({ algorithm: "A2C", envId: "CartPole-v1", entCoef: 0, vfCoef: 0.5 });
    logger.metrics(40, 1, { "losses/policy_loss": 0.5, "losses/value_loss": 2, "losses/entropy": 0.69, "charts/SPS": 1000, "charts/episodic_return": NaN });
    logger.metrics(80, 2, { "losses/policy_loss": 0.25, "losses/value_loss": 1, "losses/entropy": 0.6, "charts/SPS": 1100, "charts/episodic_return": 12 });
    logger.scalars(80, { "eval/mean_reward": 99.5 });
    const files = logger.toFiles();
    const names = Object.keys(files);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^events\.out\.tfevents\.\d{10}\.[^.]+/);
    const events = readRecords(files[names[0]] as Uint8Array).map(decodeEvent);
    expect(events[0].fileVersion).toBe("brain.Event:2");
    const tags = events.slice(1).map((e) => `${e.step}:${e.values[0].tag}`);
    expect(tags).toEqual([
      "40:time/fps", "40:train/policy_loss", "40:train/value_loss", "40:train/entropy_loss", "40:train/loss",
      "80:rollout/ep_rew_mean", "80:time/fps", "80:train/policy_loss", "80:train/value_loss", "80:train/entropy_loss", "80:train/loss",
      "80:eval/mean_reward",
    ]);
    const at80 = Object.fromEntries(events.filter((e) => e.step === 80).map((e) => [e.values[0].tag, e.values[0].simpleValue]));
    expect(at80["train/entropy_loss"]).toBe(Math.fround(-0.6));
    expect(at80["train/loss"]).toBe(Math.fround(0.25 + 0.5 * 1 - 0 * 0.6));
    expect(at80["time/fps"]).toBe(1100);
    for (let i = 1; i < events.length; i++) expect(events[i].wallTime).toBeGreaterThan(1_700_000_000);
  });

  it("is named events.out.tfevents.<seconds>.<host>", () => {
    expect(eventFileName(1_700_000_000.9, "box")).toBe("events.out.tfevents.1700000000.box");
    expect(eventFileName(5, "box", ".12.1")).toBe("events.out.tfevents.0000000005.box.12.1");
  });
});
