#!/usr/bin/env node
// mirror-rl's command line. `mirror-rl <command> [options]`; each command is
// a module in bin/commands/ exporting `summary`, `options` (node:util
// parseArgs options, each with a `description`), `run(lib, values,
// positionals)` and optionally `needsPackage = false` (then `lib` is not
// loaded). Node's own parseArgs keeps the package free of runtime dependencies.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadPackage } from "./lib/package.js";

const COMMANDS = {
  demo: () => import("./commands/demo.js"),
  serve: () => import("./commands/serve.js"),
};

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

async function usage() {
  const lines = [`mirror-rl ${pkg.version}: ${pkg.description}`, "", "usage: mirror-rl <command> [options]", "", "commands:"];
  for (const [name, load] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(12)} ${(await load()).summary}`);
  lines.push("", "mirror-rl <command> --help shows the command's options.");
  return lines.join("\n");
}

function commandUsage(name, command) {
  const lines = [`usage: mirror-rl ${name} [options]`, "", command.summary, "", "options:"];
  for (const [option, spec] of Object.entries(command.options)) {
    const flag = spec.type === "boolean" ? `--${option}` : `--${option} <${spec.type === "string" ? "value" : spec.type}>`;
    const fallback = spec.default !== undefined && spec.type !== "boolean" ? ` (default ${spec.default})` : "";
    lines.push(`  ${flag.padEnd(24)} ${spec.description}${fallback}`);
  }
  lines.push(`  ${"--help".padEnd(24)} show this help`);
  return lines.join("\n");
}

async function main(argv) {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    console.log(await usage());
    return 0;
  }
  if (name === "--version" || name === "-v") {
    console.log(pkg.version);
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    console.error(`mirror-rl: unknown command "${name}"\n\n${await usage()}`);
    return 2;
  }
  const command = await COMMANDS[name]();
  const parseOptions = Object.fromEntries(
    Object.entries({ ...command.options, help: { type: "boolean", short: "h", default: false } }).map(
      // parseArgs rejects unknown keys such as our `description`.
      ([k, { description, ...spec }]) => [k, spec],
    ),
  );
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: parseOptions, allowPositionals: true, strict: true });
  } catch (error) {
    console.error(`mirror-rl ${name}: ${error.message}\n\n${commandUsage(name, command)}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(commandUsage(name, command));
    return 0;
  }
  const lib = command.needsPackage === false ? undefined : await loadPackage();
  try {
    await command.run(lib, parsed.values, parsed.positionals);
  } catch (error) {
    if (error.usage) {
      console.error(`mirror-rl ${name}: ${error.message}`);
      return 2;
    }
    throw error;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`mirror-rl: ${error?.message ?? error}`);
    if (process.env.DEBUG) console.error(error);
    process.exitCode = 1;
  },
);
