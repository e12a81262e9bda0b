// Errors of the command line. A usage error (bad argument or option value)
// and the library's ValidationError (bad input, naming the field and the
// value) exit with code 2 and one line; anything else is a failure (code 1).

/** An error about how the command was called: one line, exit code 2. */
export function usageError(message) {
  return Object.assign(new Error(message), { usage: true });
}

/** Bad usage or bad input (exit code 2). */
export function isUsageError(error) {
  return Boolean(error && (error.usage === true || error.name === "ValidationError"));
}
