/**
 * The agents' logging names, kept here for their importers: the metrics type,
 * node:fs access and the JSON-lines logger of learn's `logFile` live in
 * src/logging with the other backends.
 */
export { JsonlLogger, nodeFs, type Metrics } from "../logging/index.js";
