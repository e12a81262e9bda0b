/**
 * Where log files go: a directory (Node) or memory (browsers, or when no
 * directory is given), behind the same two operations. Files are written with
 * synchronous appends once per update, so a run that stops with an error
 * keeps every update logged before it, and no file handle stays open.
 */
import { ValidationError } from "../core/errors.js";

export interface NodeFsSync {
  appendFileSync(path: string, data: string | Uint8Array): void;
  writeFileSync(path: string, data: string | Uint8Array): void;
  readFileSync(path: string): Uint8Array;
  mkdirSync(path: string, options: { recursive: boolean }): unknown;
}

/** node:fs when running in Node (without a static import, so bundles for browsers stay clean). */
export function nodeFs(): NodeFsSync | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule ? (proc.getBuiltinModule("node:fs") as NodeFsSync) : undefined;
}

export type FileContent = string | Uint8Array;

export interface LogSink {
  /** Appends to the file `name` (created on first use). */
  append(name: string, data: FileContent): void;
  /** Replaces the whole content of `name`. */
  replace(name: string, data: FileContent): void;
  /** Every file written, by name: text files as strings, binary ones as bytes. */
  files(): Record<string, FileContent>;
}

/** Files kept in memory. */
export class MemorySink implements LogSink {
  private readonly chunks = new Map<string, FileContent[]>();

  append(name: string, data: FileContent): void {
    const list = this.chunks.get(name);
    if (list) list.push(data);
    else this.chunks.set(name, [data]);
  }

  replace(name: string, data: FileContent): void {
    this.chunks.set(name, [data]);
  }

  files(): Record<string, FileContent> {
    const out: Record<string, FileContent> = {};
    for (const [name, parts] of this.chunks) out[name] = join(parts);
    return out;
  }
}

/** Files in a directory (created if missing); Node only. */
export class DirectorySink implements LogSink {
  private readonly fs: NodeFsSync;
  private readonly binary = new Map<string, boolean>();

  constructor(readonly dir: string) {
    const fs = nodeFs();
    if (!fs) throw new ValidationError("logDir", "needs Node's file system (not available here); pass { logger: new Logger() } and call toFiles()", dir);
    this.fs = fs;
    fs.mkdirSync(dir, { recursive: true });
  }

  private path(name: string): string {
    return `${this.dir.replace(/[\\/]+$/, "")}/${name}`;
  }

  append(name: string, data: FileContent): void {
    if (!this.binary.has(name)) {
      this.binary.set(name, typeof data !== "string");
      this.fs.writeFileSync(this.path(name), data);
    } else this.fs.appendFileSync(this.path(name), data);
  }

  replace(name: string, data: FileContent): void {
    this.binary.set(name, typeof data !== "string");
    this.fs.writeFileSync(this.path(name), data);
  }

  files(): Record<string, FileContent> {
    const out: Record<string, FileContent> = {};
    for (const [name, binary] of this.binary) {
      const bytes = new Uint8Array(this.fs.readFileSync(this.path(name)));
      out[name] = binary ? bytes : new TextDecoder().decode(bytes);
    }
    return out;
  }
}

function join(parts: FileContent[]): FileContent {
  if (parts.every((p) => typeof p === "string")) return (parts as string[]).join("");
  const enc = new TextEncoder();
  const bytes = parts.map((p) => (typeof p === "string" ? enc.encode(p) : p));
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of bytes) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}
