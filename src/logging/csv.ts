/**
 * Stable-Baselines3's two CSV files.
 *
 * progress.csv (SB3's CSVOutputFormat): one row per dump, a header of every
 * key seen so far; when a dump brings new keys the header grows and earlier
 * rows get empty cells (SB3 rewrites the file the same way). SB3 adds new
 * keys in Python's set order, which varies between processes; here they are
 * added sorted, so the columns are the same in every run.
 *
 * monitor.csv (SB3's Monitor / ResultsWriter): a first line
 * `#{"t_start": <unix seconds>, "env_id": "<id>"}`, the header `r,l,t`, then
 * one row per finished episode: return and seconds since t_start rounded to
 * 6 decimals, length. Lines end in "\n" (Python's csv module writes "\r\n";
 * pandas and SB3's load_results read both).
 */
import { pythonFloat, pythonInt } from "./python-format.js";
import type { Sb3Record } from "./sb3-names.js";
import type { LogSink } from "./sink.js";

export const PROGRESS_CSV = "progress.csv";
export const MONITOR_CSV = "monitor.csv";

export class ProgressCsv {
  private keys: string[] = [];
  private readonly rows: string[][] = [];

  constructor(private readonly sink: LogSink) {}

  write(record: Sb3Record): void {
    const extra = [...record.keys()].filter((k) => !this.keys.includes(k)).sort();
    if (extra.length) {
      this.keys = [...this.keys, ...extra];
      for (const row of this.rows) row.push(...extra.map(() => ""));
    }
    const row = this.keys.map((k) => {
      const v = record.get(k);
      return v === undefined ? "" : v.int ? pythonInt(v.value) : pythonFloat(v.value);
    });
    this.rows.push(row);
    if (extra.length) this.sink.replace(PROGRESS_CSV, [this.keys, ...this.rows].map((r) => r.join(",") + "\n").join(""));
    else this.sink.append(PROGRESS_CSV, row.join(",") + "\n");
  }
}

export class MonitorCsv {
  private pending: string[] = [];
  private tStart = 0;
  private started = false;

  constructor(private readonly sink: LogSink) {}

  /** Writes the two header lines (once per file); `tStart` in Unix seconds. */
  begin(tStart: number, envId: string | undefined): void {
    if (this.started) return;
    this.started = true;
    this.tStart = tStart;
    // json.dumps' separators: ", " and ": "; a float t_start prints as Python's repr.
    const id = envId === undefined ? "null" : JSON.stringify(envId);
    this.sink.append(MONITOR_CSV, `#{"t_start": ${pythonFloat(tStart)}, "env_id": ${id}}\nr,l,t\n`);
  }

  /** One finished episode at Unix time `now` (seconds); written out at the next flush. */
  episode(episodeReturn: number, length: number, now: number): void {
    const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
    this.pending.push(`${pythonFloat(round6(episodeReturn))},${pythonInt(length)},${pythonFloat(round6(now - this.tStart))}\n`);
  }

  flush(): void {
    if (!this.pending.length) return;
    this.sink.append(MONITOR_CSV, this.pending.join(""));
    this.pending = [];
  }
}
