/**
 * `Logger`: the files existing tools read, written from what an agent
 * reports through `TrainingLogger` (see types.ts):
 *
 *   "csv"          progress.csv   Stable-Baselines3's column names, one row per update
 *   "monitor"      monitor.csv    SB3's Monitor: one row per finished training episode
 *   "tensorboard"  events.out.tfevents.<time>.<host>...   TensorBoard scalars, SB3's tags
 *   "jsonl"        metrics.jsonl  CleanRL's metric names, one JSON object per update
 *
 * In a directory (`dir`, Node) or in memory (no `dir`; `toFiles()` gives
 * the files, e.g. to download them from a browser). Files are written once per
 * update.
 *
 *   const logger = new Logger({ dir: "runs/ppo-cartpole" });   // csv, monitor, tensorboard
 *   await agent.learn(100_000, { logger });
 */
import { ValidationError } from "../core/errors.js";
import { checkOptions, kindOf, nearestName } from "../core/validate.js";
import { MonitorCsv, ProgressCsv } from "./csv.js";
import { JsonlFile, JsonlLogger } from "./jsonl.js";
import { sb3Record, type Sb3Context, type Sb3Record } from "./sb3-names.js";
import { DirectorySink, MemorySink, type FileContent, type LogSink } from "./sink.js";
import { TensorBoardFile } from "./tensorboard-file.js";
import type { Metrics, RunInfo, TrainingLogger } from "./types.js";

export const LOG_FORMATS = ["csv", "monitor", "tensorboard", "jsonl"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
/** The formats of a logger given none: what SB3 users read (progress.csv, monitor.csv, TensorBoard). */
export const DEFAULT_LOG_FORMATS: readonly LogFormat[] = ["csv", "monitor", "tensorboard"];

export interface LoggerOptions {
  /** Directory for the files (created if missing; Node). Without it the files are kept in memory. */
  dir?: string;
  /** Which files; default csv, monitor and tensorboard. */
  formats?: readonly LogFormat[];
  /** The clock, in milliseconds since the Unix epoch; default Date.now. */
  now?: () => number;
}

const LOGGER_OPTIONS = ["dir", "formats", "now"] as const;

/** The formats option: a non-empty array of known names, each once. */
export function checkFormats(field: string, formats: unknown): readonly LogFormat[] {
  if (formats === undefined) return DEFAULT_LOG_FORMATS;
  if (!Array.isArray(formats) || formats.length === 0) {
    throw new ValidationError(field, `must be a non-empty array of ${LOG_FORMATS.map((f) => `"${f}"`).join(", ")}`, Array.isArray(formats) ? formats : kindOf(formats));
  }
  formats.forEach((f, i) => {
    if (!(LOG_FORMATS as readonly unknown[]).includes(f)) {
      const near = typeof f === "string" ? nearestName(f, LOG_FORMATS) : undefined;
      throw new ValidationError(field, `unknown log format (known: ${LOG_FORMATS.join(", ")})${near ? `; did you mean "${near}"?` : ""}`, f, { index: i });
    }
    if (formats.indexOf(f) !== i) throw new ValidationError(field, "lists a format twice", f, { index: i });
  });
  return formats as LogFormat[];
}

function hostAndSuffix(): { host: string; suffix: string } {
  const proc = (globalThis as { process?: { pid?: number; getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.("node:os") as { hostname(): string } | undefined;
  if (!os || proc?.pid === undefined) return { host: "browser", suffix: "" };
  loggerCount++;
  return { host: os.hostname(), suffix: `.${proc.pid}.${loggerCount}` };
}
let loggerCount = 0;

export class Logger implements TrainingLogger {
  readonly formats: readonly LogFormat[];
  readonly dir: string | undefined;
  private readonly sink: LogSink;
  private readonly now: () => number;
  private readonly csv?: ProgressCsv;
  private readonly monitor?: MonitorCsv;
  private readonly tensorboard?: TensorBoardFile;
  private readonly jsonl?: JsonlFile;
  private run: Sb3Context & { envId?: string } = { algorithm: "" };
  private startMs: number;
  private nUpdates = 0;

  constructor(options: LoggerOptions = {}) {
    const o = checkOptions("options", options, LOGGER_OPTIONS, "Logger");
    if (o.dir !== undefined && (typeof o.dir !== "string" || o.dir === "")) throw new ValidationError("dir", "must be a directory path", o.dir);
    if (o.now !== undefined && typeof o.now !== "function") throw new ValidationError("now", "must be a function returning milliseconds", kindOf(o.now));
    this.formats = checkFormats("formats", o.formats);
    this.dir = o.dir;
    this.now = o.now ?? Date.now;
    this.sink = o.dir === undefined ? new MemorySink() : new DirectorySink(o.dir);
    const has = (f: LogFormat): boolean => this.formats.includes(f);
    if (has("csv")) this.csv = new ProgressCsv(this.sink);
    if (has("monitor")) this.monitor = new MonitorCsv(this.sink);
    if (has("tensorboard")) {
      const { host, suffix } = hostAndSuffix();
      this.tensorboard = new TensorBoardFile(this.sink, host, suffix);
    }
    if (has("jsonl")) this.jsonl = new JsonlFile(this.sink);
    this.startMs = this.now();
  }

  begin(run: RunInfo): void {
    this.run = { algorithm: run.algorithm, envId: run.envId, entCoef: run.entCoef, vfCoef: run.vfCoef };
    this.startMs = this.now();
    this.monitor?.begin(this.startMs / 1000, run.envId);
  }

  episode(episodeReturn: number, length: number): void {
    if (!this.monitor) return;
    this.monitor.begin(this.startMs / 1000, this.run.envId);
    this.monitor.episode(episodeReturn, length, this.now() / 1000);
  }

  metrics(step: number, iteration: number, metrics: Metrics): void {
    const t = this.now();
    this.nUpdates += metrics["charts/updates"] ?? 1;
    const record = sb3Record(step, iteration, (t - this.startMs) / 1000, metrics, this.nUpdates, this.run);
    this.write(t, step, record);
    this.jsonl?.write(step, iteration, metrics);
    this.flush();
  }

  /**
   * Values under names of your choosing, e.g. SB3's `eval/mean_reward`, at
   * `step`: a progress.csv row of their own (with `time/total_timesteps`,
   * as SB3's EvalCallback dumps), TensorBoard scalars and a JSON line.
   */
  scalars(step: number, values: Record<string, number>): void {
    const t = this.now();
    const record: Sb3Record = new Map();
    for (const [k, v] of Object.entries(values)) if (Number.isFinite(v)) record.set(k, { value: v, int: false });
    record.set("time/total_timesteps", { value: step, int: true });
    this.write(t, step, record);
    this.jsonl?.write(step, undefined, values);
    this.flush();
  }

  private write(t: number, step: number, record: Sb3Record): void {
    this.csv?.write(record);
    this.tensorboard?.write(t / 1000, step, record);
  }

  flush(): void {
    this.monitor?.flush();
    this.tensorboard?.flush(this.now() / 1000);
  }

  /** Every file written so far, by name (text as strings, the event file as bytes). */
  toFiles(): Record<string, FileContent> {
    this.flush();
    return this.sink.files();
  }
}

/** learn()'s logging options. */
export interface LearnLogOptions {
  logFile?: string;
  logDir?: string;
  formats?: readonly LogFormat[];
  logger?: TrainingLogger;
}

/**
 * The one TrainingLogger learn() writes through, from its options (undefined
 * when none is set): `logFile` (JSON lines), `logDir` with `formats`, and a
 * user's `logger`, in that order. Checks the options (ValidationError naming
 * the field).
 */
export function openTrainingLogger(o: LearnLogOptions, run: RunInfo): TrainingLogger | undefined {
  if (o.logFile !== undefined && (typeof o.logFile !== "string" || o.logFile === "")) throw new ValidationError("logFile", "must be a file path", o.logFile);
  if (o.logDir !== undefined && (typeof o.logDir !== "string" || o.logDir === "")) throw new ValidationError("logDir", "must be a directory path", o.logDir);
  if (o.formats !== undefined && o.logDir === undefined) throw new ValidationError("formats", "needs logDir (or pass { logger: new Logger({ formats }) })", o.formats);
  const user = o.logger;
  if (user !== undefined && (user === null || typeof user !== "object" || typeof user.metrics !== "function")) {
    throw new ValidationError("logger", "must have metrics(step, iteration, metrics) (e.g. a Logger)", kindOf(user));
  }
  const list: TrainingLogger[] = [];
  if (o.logFile !== undefined) list.push(new JsonlLogger(o.logFile));
  if (o.logDir !== undefined) list.push(new Logger({ dir: o.logDir, formats: checkFormats("formats", o.formats) }));
  if (user) list.push(user);
  if (list.length === 0) return undefined;
  for (const l of list) l.begin?.(run);
  if (list.length === 1) return list[0];
  return {
    episode: (r, n) => list.forEach((l) => l.episode?.(r, n)),
    metrics: (s, i, m) => list.forEach((l) => l.metrics(s, i, m)),
    flush: () => list.forEach((l) => l.flush?.()),
  };
}
