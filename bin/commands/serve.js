// `mirror-rl serve`: serves the demo page web/index.html with the package's
// dist/ and build/ on a local port. Browsers need http (not file:) to import
// ES modules and fetch the .wasm, with Content-Type application/wasm.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { bold, dim } from "../lib/format.js";

export const summary = "serve the browser demo (web/index.html) on a local port";
export const needsPackage = false;

export const options = {
  port: { type: "string", value: "n", default: "8080", description: "port (0 picks a free one)" },
  host: { type: "string", value: "address", default: "127.0.0.1", description: "interface to listen on" },
};

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FOLDERS = ["web", "dist", "build"];
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
};

export async function run(_lib, values) {
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw Object.assign(new Error(`--port must be an integer in [0, 65535], got "${values.port}"`), { usage: true });
  }
  const server = createServer(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (path === "/") {
      res.writeHead(302, { Location: "/web/index.html" }).end();
      return;
    }
    const rel = normalize(path).replace(/^[/\\]+/, "");
    const allowed = !rel.split(sep).includes("..") && FOLDERS.some((f) => rel.startsWith(f + sep));
    try {
      const file = join(ROOT, rel);
      if (!allowed || !(await stat(file)).isFile()) throw new Error("not a file");
      const body = await readFile(file);
      res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-cache" });
      res.end(body);
    } catch {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end(`not found: ${path}\n`);
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, values.host, resolve);
  });
  const address = server.address();
  console.log(`${bold("mirror-rl demo page")}: http://${values.host}:${address.port}/web/index.html ${dim("(Ctrl-C to stop)")}`);
  await new Promise((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
