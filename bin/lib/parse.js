// Option values of the command line: numbers with ranges, `key=value`
// settings with JSON types, and config files (JSON or YAML).
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { usageError } from "./errors.js";

/**
 * A number option ("1e5", "100_000" and "100000" alike); a usage error naming
 * the option otherwise.
 */
export function number(name, text, { integer = false, min = -Infinity, max = Infinity } = {}) {
  const s = String(text).trim().replaceAll("_", "");
  const x = Number(s);
  if (s === "" || !Number.isFinite(x) || (integer && !Number.isInteger(x)) || x < min || x > max) {
    const kind = integer ? "an integer" : "a number";
    throw usageError(`--${name} must be ${kind} in [${min}, ${max}], got "${text}"`);
  }
  return x;
}

/**
 * The value of `--set key=value`: JSON when it parses (numbers, true/false,
 * null, arrays, objects), the text itself otherwise ("lin_1e-3", "relu").
 */
export function settingValue(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Applies `key=value` settings to `config` (dotted keys set nested fields: normalize.obs=true). */
export function applySettings(config, settings) {
  for (const setting of settings ?? []) {
    const eq = setting.indexOf("=");
    if (eq <= 0) throw usageError(`--set takes key=value (e.g. --set learningRate=1e-3), got "${setting}"`);
    const path = setting.slice(0, eq).trim().split(".");
    const value = settingValue(setting.slice(eq + 1));
    let target = config;
    for (const key of path.slice(0, -1)) {
      if (target[key] === null || typeof target[key] !== "object" || Array.isArray(target[key])) target[key] = {};
      target = target[key];
    }
    target[path.at(-1)] = value;
  }
  return config;
}

/** A config file: JSON (.json), or YAML (.yaml/.yml; the yaml package is loaded only then). Must hold one object. */
export async function readConfigFile(path) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw usageError(`--config: cannot read ${path} (${error.code ?? error.message})`);
  }
  const ext = extname(path).toLowerCase();
  let value;
  try {
    if (ext === ".yaml" || ext === ".yml") {
      const { parse } = await import("yaml");
      value = parse(text);
    } else value = JSON.parse(text);
  } catch (error) {
    throw usageError(`--config: ${path} is not valid ${ext === ".yaml" || ext === ".yml" ? "YAML" : "JSON"}: ${error.message.split("\n")[0]}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw usageError(`--config: ${path} must hold one object of settings`);
  return value;
}

/** A comma-separated list option ("csv,tensorboard"). */
export function list(text) {
  return String(text)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
