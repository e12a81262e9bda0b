/**
 * Loads mirror-rl's WebAssembly module once, in Node from the file beside the
 * package and in browsers by `fetch`, through one code path: only the way the
 * bytes are read differs. After `init()` everything in the library is
 * synchronous. In Node the module can also be loaded synchronously on first use,
 * so `await init()` is optional there.
 */
import type { instantiate as instantiateBindings } from "../../build/mirror.js";

/** The raw exports of `build/mirror.wasm`: pointer + length + scalar kernels. */
export type Kernels = Awaited<ReturnType<typeof instantiateBindings>>;

/** Where the module comes from: a URL (file: or http(s):), its bytes, or a compiled module. */
export type WasmSource = URL | string | ArrayBuffer | Uint8Array | WebAssembly.Module;

const DEFAULT_URL = new URL("../../build/mirror.wasm", import.meta.url);

let exportsOf: Kernels | undefined;
let pending: Promise<void> | undefined;

interface NodeFs {
  readFileSync(path: URL): Uint8Array;
  promises: { readFile(path: URL): Promise<Uint8Array> };
}

function nodeFs(): NodeFs | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule ? (proc.getBuiltinModule("node:fs") as NodeFs) : undefined;
}

function toUrl(source: URL | string): URL {
  return source instanceof URL ? source : new URL(source, import.meta.url);
}

async function readBytes(url: URL): Promise<Uint8Array | ArrayBuffer> {
  if (url.protocol === "file:") {
    const fs = nodeFs();
    if (!fs) throw new Error(`mirror-rl: cannot read ${url.href}: file URLs need Node >= 20.16`);
    return fs.promises.readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`mirror-rl: fetching ${url.href} failed with HTTP ${response.status}`);
  }
  return response.arrayBuffer();
}

async function compile(source: WasmSource | undefined): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || source instanceof Uint8Array) {
    return WebAssembly.compile(source as BufferSource);
  }
  const bytes = await readBytes(toUrl(source ?? DEFAULT_URL));
  return WebAssembly.compile(bytes as BufferSource);
}

function instantiate(module: WebAssembly.Module): void {
  let memory: WebAssembly.Memory | undefined;
  const env: Record<string, unknown> = {
    abort(messagePtr: number, filePtr: number, line: number, column: number): never {
      const text = (ptr: number): string => {
        if (!memory || !ptr) return "?";
        const len = new Uint32Array(memory.buffer, ptr - 4, 1)[0] >>> 1;
        return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, len));
      };
      throw new Error(
        `mirror-rl: WebAssembly kernel aborted: ${text(messagePtr)} at ${text(filePtr)}:${line}:${column}`,
      );
    },
  };
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module !== "env" || !(imp.name in env)) {
      throw new Error(`mirror-rl: the WebAssembly module imports ${imp.module}.${imp.name}, which is not provided`);
    }
  }
  const instance = new WebAssembly.Instance(module, { env } as WebAssembly.Imports);
  const raw = instance.exports as unknown as Kernels;
  memory = raw.memory;
  exportsOf = raw;
}

/**
 * Loads and instantiates the WebAssembly module. Idempotent: later calls
 * return at once. Call it (and await it) before anything else in a browser.
 */
export function init(source?: WasmSource): Promise<void> {
  if (exportsOf) return Promise.resolve();
  pending ??= compile(source).then(instantiate, (error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

/** True once the module is loaded. */
export function isInitialised(): boolean {
  return exportsOf !== undefined;
}

/**
 * The module's exports. In Node the module is loaded synchronously on first
 * use; elsewhere `await init()` must have been called.
 */
export function kernels(): Kernels {
  if (exportsOf) return exportsOf;
  const fs = nodeFs();
  if (fs && DEFAULT_URL.protocol === "file:") {
    instantiate(new WebAssembly.Module(fs.readFileSync(DEFAULT_URL) as BufferSource));
    return exportsOf!;
  }
  throw new Error("mirror-rl: the WebAssembly module is not loaded: call `await init()` first");
}
