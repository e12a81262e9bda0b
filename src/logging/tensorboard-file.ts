/**
 * The TensorBoard backend of `Logger`: one event file per logger, its first
 * record the file-version event, then one event per scalar with SB3's tags
 * and step = environment steps (SB3's `logger.dump(num_timesteps)`); SB3's
 * counters that it keeps out of TensorBoard stay out.
 */
import { encodeFileVersionEvent, encodeScalarEvent, eventFileName, tfRecord } from "./tensorboard.js";
import { TENSORBOARD_EXCLUDED, type Sb3Record } from "./sb3-names.js";
import type { LogSink } from "./sink.js";

export class TensorBoardFile {
  private name?: string;
  private pending: Uint8Array[] = [];

  constructor(
    private readonly sink: LogSink,
    private readonly host: string,
    private readonly suffix: string,
  ) {}

  /** The file's name (set by the first write). */
  get fileName(): string | undefined {
    return this.name;
  }

  private open(wallTime: number): void {
    if (this.name) return;
    this.name = eventFileName(wallTime, this.host, this.suffix);
    this.pending.push(tfRecord(encodeFileVersionEvent(wallTime)));
  }

  /** Queues one event per recorded scalar at `step`; `wallTime` in Unix seconds. */
  write(wallTime: number, step: number, record: Sb3Record): void {
    this.open(wallTime);
    for (const [tag, { value }] of record) {
      if (!TENSORBOARD_EXCLUDED.has(tag)) this.pending.push(tfRecord(encodeScalarEvent(wallTime, step, tag, value)));
    }
  }

  flush(wallTime: number): void {
    this.open(wallTime);
    if (!this.pending.length) return;
    const total = this.pending.reduce((n, b) => n + b.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const b of this.pending) {
      out.set(b, at);
      at += b.length;
    }
    this.pending = [];
    this.sink.append(this.name!, out);
  }
}
