#!/usr/bin/env node
// mirror-rl's command line: `mirror-rl <command> [options]`, parsed by
// commander. Each command is a module in bin/commands/ exporting
//   summary                 one line for the command list
//   args                    positional arguments, e.g. [["<algo>", "description"], ["[mdp...]", "..."]]
//   options                 { name: { type: "string" | "boolean", description, default?, repeat?, short?, choices? } }
//   run(lib, values, args)  lib = the built package (unless `needsPackage = false`); values by camelCase name
// Modules are imported when their command runs (the list reads only their
// summaries); heavy libraries load inside the command that needs them.
//
// Exit codes: 0 success; 2 bad usage or bad input (unknown option, a
// ValidationError: one line naming the field and value, no stack); 1 a
// failure while running (stack with DEBUG=1).
import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { loadPackage } from "./lib/package.js";
import { isUsageError } from "./lib/errors.js";

const COMMANDS = {
  train: () => import("./commands/train.js"),
  eval: () => import("./commands/eval.js"),
  solve: () => import("./commands/solve.js"),
  compare: () => import("./commands/compare.js"),
  plot: () => import("./commands/plot.js"),
  bench: () => import("./commands/bench.js"),
  demo: () => import("./commands/demo.js"),
  serve: () => import("./commands/serve.js"),
};

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

function collect(value, previous) {
  return [...(previous ?? []), value];
}

/** The commander option of one entry of a module's `options`. */
function toOption(name, spec) {
  const flags = `${spec.short ? `-${spec.short}, ` : ""}--${name}${spec.type === "boolean" ? "" : ` <${spec.value ?? "value"}>`}`;
  const option = new Option(flags, spec.description);
  if (spec.choices) option.choices(spec.choices);
  if (spec.repeat) option.argParser(collect);
  if (spec.default !== undefined && !(spec.type === "boolean" && spec.default === false)) option.default(spec.default);
  if (spec.hidden) option.hideHelp();
  return option;
}

/** Reports an error from a command; returns its exit code. */
function report(name, error) {
  const message = error?.message ?? String(error);
  if (isUsageError(error)) {
    console.error(`mirror-rl ${name}: ${message}`);
    return 2;
  }
  console.error(`mirror-rl ${name}: ${message}`);
  if (process.env.DEBUG) console.error(error);
  return 1;
}

async function buildProgram() {
  const program = new Command("mirror-rl")
    .description(pkg.description)
    .version(pkg.version, "-v, --version")
    .showSuggestionAfterError(true)
    .exitOverride();
  for (const [name, load] of Object.entries(COMMANDS)) {
    const module = await load();
    const command = program.command(name).description(module.summary).exitOverride();
    for (const [arg, description] of module.args ?? []) command.argument(arg, description);
    for (const [option, spec] of Object.entries(module.options ?? {})) command.addOption(toOption(option, spec));
    if (module.help) command.addHelpText("after", `\n${module.help}`);
    command.action(async (...params) => {
      const cmd = params.at(-1);
      const positionals = params.slice(0, -2);
      const lib = module.needsPackage === false ? undefined : await loadPackage();
      try {
        const code = await module.run(lib, cmd.opts(), positionals);
        process.exitCode = typeof code === "number" ? code : 0;
      } catch (error) {
        process.exitCode = report(name, error);
      }
    });
  }
  return program;
}

async function main(argv) {
  const program = await buildProgram();
  if (argv.length === 0) {
    console.log(program.helpInformation());
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; a parse error (already printed by commander) is bad usage.
      return error.exitCode === 0 ? 0 : 2;
    }
    throw error;
  }
  return process.exitCode ?? 0;
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
