/**
 * The versioned JSON form of a `TabularMdp`. Numbers are plain JSON numbers:
 * JavaScript prints the shortest decimal that reads back to the same double,
 * so a round trip is exact (except that -0 is written as 0).
 *
 *     { "format": "mirror-rl/tabular-mdp", "version": 1, "storage": "dense",
 *       "S": 2, "A": 1, "gamma": 0.9, "P": [...S*A*S], "R": [...S*A], "mu": [...S] }
 *
 * `storage: "sparse"` replaces `P` by the CSR arrays `rowPtr` (S*A + 1),
 * `cols` and `probs` (one entry per stored transition), as in `fromSparse`.
 */
import { ValidationError } from "../core/errors.js";
import { checkOptions } from "../core/validate.js";

/** The `format` tag of every mirror-rl MDP JSON document. */
export const MDP_JSON_FORMAT = "mirror-rl/tabular-mdp";
/** The JSON version this library writes (and the highest it reads). */
export const MDP_JSON_VERSION = 1;

interface MdpJsonCommon {
  format: typeof MDP_JSON_FORMAT;
  version: 1;
  S: number;
  A: number;
  gamma: number;
  /** Expected rewards, flat `R[s*A + a]`. */
  R: number[];
  /** Initial-state distribution, length S. */
  mu: number[];
}

/** A dense MDP document: `P[(s*A + a)*S + s']`. */
export interface DenseMdpJson extends MdpJsonCommon {
  storage: "dense";
  P: number[];
}

/** A sparse MDP document in CSR over the rows r = s*A + a (see `SparseMdpSpec`). */
export interface SparseMdpJson extends MdpJsonCommon {
  storage: "sparse";
  rowPtr: number[];
  cols: number[];
  probs: number[];
}

export type MdpJson = DenseMdpJson | SparseMdpJson;

/** Parses text if needed and checks the envelope (format, version, storage); the arrays are validated by the constructors. */
export function parseMdpJson(json: unknown): MdpJson {
  let doc = json;
  if (typeof json === "string") {
    try {
      doc = JSON.parse(json);
    } catch (error) {
      throw new ValidationError("json", "is not valid JSON", (error as Error).message);
    }
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new ValidationError("json", "must be an object", doc === null ? "null" : typeof doc);
  }
  const d = doc as Record<string, unknown>;
  if (d.format !== MDP_JSON_FORMAT) {
    throw new ValidationError("json.format", `must be "${MDP_JSON_FORMAT}"`, d.format);
  }
  if (d.version !== MDP_JSON_VERSION) {
    throw new ValidationError("json.version", `unsupported version: this library reads version ${MDP_JSON_VERSION}`, d.version);
  }
  if (d.storage !== "dense" && d.storage !== "sparse") {
    throw new ValidationError("json.storage", 'must be "dense" or "sparse"', d.storage);
  }
  const data = d.storage === "dense" ? ["P"] : ["rowPtr", "cols", "probs"];
  checkOptions("json", d, ["format", "version", "storage", "S", "A", "gamma", "R", "mu", ...data], `a ${d.storage} MDP document`, "field");
  return d as unknown as MdpJson;
}
