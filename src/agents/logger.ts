/**
 * Metrics as CleanRL names them, one JSON object per line (JSONL) appended to a
 * file in Node; in a browser there is no file and `logFile` is an error.
 */
import { ValidationError } from "../core/errors.js";

export type Metrics = Record<string, number>;

interface NodeFsSync {
  appendFileSync(path: string, data: string): void;
  writeFileSync(path: string, data: string | Uint8Array): void;
  readFileSync(path: string): Uint8Array;
}

/** node:fs when running in Node (without a static import, so bundles for browsers stay clean). */
export function nodeFs(): NodeFsSync | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule ? (proc.getBuiltinModule("node:fs") as NodeFsSync) : undefined;
}

export class JsonlLogger {
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
}
