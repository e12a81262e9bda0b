/**
 * Training logs that existing tools read: Stable-Baselines3's progress.csv and
 * monitor.csv, TensorBoard event files, and CleanRL-named JSON lines, written
 * by every agent through one `TrainingLogger` interface.
 */
export { Logger, LOG_FORMATS, DEFAULT_LOG_FORMATS, openTrainingLogger, checkFormats, type LogFormat, type LoggerOptions, type LearnLogOptions } from "./logger.js";
export type { Metrics, RunInfo, TrainingLogger } from "./types.js";
export { JsonlLogger, jsonlLine, METRICS_JSONL } from "./jsonl.js";
export { PROGRESS_CSV, MONITOR_CSV } from "./csv.js";
export { sb3Record, TENSORBOARD_EXCLUDED, type Sb3Record, type Sb3Value, type Sb3Context } from "./sb3-names.js";
export { crc32c, maskedCrc32c } from "./crc32c.js";
export { encodeFileVersionEvent, encodeScalarEvent, tfRecord, eventFileName } from "./tensorboard.js";
export { pythonFloat, pythonInt } from "./python-format.js";
export { MemorySink, DirectorySink, nodeFs, type LogSink, type FileContent } from "./sink.js";
