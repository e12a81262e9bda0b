export const summary = "plot learning curves (mean and 95% bootstrap band over seeds) as SVG";
export const needsPackage = false;
export const args = [["<log-dir...>", "directories written by train --log-dir"]];
export const options = {};
export async function run() {
  throw new Error("not yet");
}
