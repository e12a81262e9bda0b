/**
 * A tiny static file server for the browser test: serves a few folders of the
 * repository on 127.0.0.1 at a free port with the Content-Type a browser needs
 * for ES modules and `WebAssembly.compile` (`text/javascript`,
 * `application/wasm`). It closes itself after `lifetimeMs` even if the test
 * forgets to, and records every request so the test can check what was loaded.
 */
import { createServer, type Server } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import type { AddressInfo } from "node:net";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
};

export interface ServedRequest {
  path: string;
  status: number;
  contentType: string | undefined;
}

export interface StaticServer {
  /** Base URL, e.g. `http://127.0.0.1:40123/`. */
  url: string;
  requests: ServedRequest[];
  close(): Promise<void>;
}

/** Serves `root`, but only paths under one of `folders` (e.g. ["dist", "build"]). */
export async function serveStatic(root: string, folders: string[], lifetimeMs = 120_000): Promise<StaticServer> {
  const requests: ServedRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const rel = normalize(path).replace(/^[/\\]+/, "");
    const allowed = !rel.split(sep).includes("..") && folders.some((f) => rel === f || rel.startsWith(f + sep));
    let status = 404;
    let type: string | undefined;
    let body: Buffer | string = `not found: ${path}`;
    if (allowed && req.method === "GET") {
      const file = join(root, rel);
      try {
        if ((await stat(file)).isFile()) {
          body = await readFile(file);
          status = 200;
          type = TYPES[extname(file)] ?? "application/octet-stream";
        }
      } catch {
        // missing file: 404
      }
    }
    requests.push({ path, status, contentType: type });
    res.writeHead(status, {
      "Content-Type": type ?? "text/plain; charset=utf-8",
      "Cache-Control": "no-store",
    });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= new Promise<void>((resolve) => {
      clearTimeout(timer);
      server.closeAllConnections();
      server.close(() => resolve());
    }));
  const timer = setTimeout(() => void close(), lifetimeMs);
  timer.unref();
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, requests, close };
}
