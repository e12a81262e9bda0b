/**
 * Metrics as CleanRL names them, one JSON object per line (JSONL):
 * `{"global_step": ..., "iteration": ..., "losses/approx_kl": ..., ...}`
 * (NaN, e.g. the return before the first episode ends, becomes null).
 */
import { ValidationError } from "../core/errors.js";
import { nodeFs, type LogSink, type NodeFsSync } from "./sink.js";
import type { Metrics, TrainingLogger } from "./types.js";

/** The line of one update (the record learn's `logFile` has always written). */
export function jsonlLine(step: number, iteration: number, metrics: Metrics): string {
  return JSON.stringify({ global_step: step, iteration, ...metrics }) + "\n";
}

/** JSON lines appended to one file (learn's `logFile` option); Node only. */
export class JsonlLogger implements TrainingLogger {
  private readonly fs: NodeFsSync;
  constructor(readonly path: string) {
    const fs = nodeFs();
    if (!fs) throw new ValidationError("logFile", "needs Node's file system (not available here)", path);
    this.fs = fs;
    fs.writeFileSync(path, "");
  }

  write(record: Record<string, unknown>): void {
    this.fs.appendFileSync(this.path, JSON.stringify(record) + "\n");
  }

  metrics(step: number, iteration: number, metrics: Metrics): void {
    this.fs.appendFileSync(this.path, jsonlLine(step, iteration, metrics));
  }
}

export const METRICS_JSONL = "metrics.jsonl";

/** The JSON-lines backend of `Logger` (metrics.jsonl in its directory or memory). */
export class JsonlFile {
  constructor(private readonly sink: LogSink) {}

  write(step: number, iteration: number | undefined, metrics: Metrics): void {
    const line = iteration === undefined ? JSON.stringify({ global_step: step, ...metrics }) + "\n" : jsonlLine(step, iteration, metrics);
    this.sink.append(METRICS_JSONL, line);
  }
}
