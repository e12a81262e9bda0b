// The one registry of what the command line can train, evaluate and solve,
// read from what the package exports, so that an agent or instance added to
// the package appears here without editing the command line:
//
//   agents        every exported class with learn, predict and a static load
//                 (PPO, A2C, and later TRPO, NPG, ...), by class name; their
//                 tuned configs are the package's ZOO[name][env]
//   environments  the package's ENV_IDS
//   exact methods the classic planners (pi, vi, mpi) and INSTANCE_PRESETS
//                 (gpi, npg, trpo, ppo, trl, cpi, analytical, qnpg, ampo, ...)
//   MDPs          a JSON file (TabularMdp.fromJSON) or a generator spec
import { existsSync, readFileSync } from "node:fs";
import { usageError } from "./errors.js";
import { number } from "./parse.js";

// The package's own did-you-mean (the same as for unknown config keys); none when it is not built.
const { nearestName } = await import(new URL("../../dist/kernels.js", import.meta.url).href).catch(() => ({ nearestName: () => undefined }));

/** Exported agent classes by name ("PPO", "A2C", ...). */
export function agents(lib) {
  const out = new Map();
  for (const [name, value] of Object.entries(lib)) {
    if (typeof value !== "function" || typeof value.load !== "function") continue;
    const proto = value.prototype;
    if (proto && typeof proto.learn === "function" && typeof proto.predict === "function" && typeof proto.save === "function") out.set(name, value);
  }
  return out;
}

/** `name` among `known`, case-insensitively; a usage error with the nearest name otherwise. */
export function choose(what, name, known) {
  const exact = known.find((k) => k.toLowerCase() === String(name).toLowerCase());
  if (exact) return exact;
  const flat = (s) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
  const prefixed = known.find((k) => flat(name).length >= 3 && flat(k).startsWith(flat(name)));
  const near = prefixed ?? nearestName(String(name), known);
  throw usageError(`unknown ${what} "${name}" (known: ${known.join(", ")})${near ? `; did you mean "${near}"?` : ""}`);
}

/** The agent class for a name ("ppo", "A2C"). */
export function findAgent(lib, name) {
  const all = agents(lib);
  const key = choose("algorithm", name, [...all.keys()]);
  return { name: key, Agent: all.get(key) };
}

/** A built-in environment id ("cartpole-v1" -> "CartPole-v1"; "cartpole" too when one version exists). */
export function findEnv(lib, name) {
  const ids = [...lib.ENV_IDS];
  const versionless = ids.filter((id) => id.toLowerCase().replace(/-v\d+$/, "") === String(name).toLowerCase());
  if (versionless.length === 1) return versionless[0];
  return choose("environment", name, ids);
}

/** The tuned config of (algorithm, env), or undefined. */
export function zooEntry(lib, algorithm, env) {
  return lib.ZOO?.[algorithm]?.[env];
}

/** Classic planners, run with the package's defaults. */
export const PLANNERS = {
  pi: { label: "policy iteration", run: (lib, mdp) => lib.policyIteration(mdp) },
  vi: { label: "value iteration", run: (lib, mdp) => lib.valueIteration(mdp) },
  mpi: { label: "modified policy iteration", run: (lib, mdp) => lib.modifiedPolicyIteration(mdp) },
};

/** Every method `solve --method` takes: the planners, then the exact Mirror Learning instances. */
export function methods(lib) {
  return [...Object.keys(PLANNERS), ...lib.INSTANCE_PRESETS.map((p) => p.key)];
}

/** What an MDP argument may be (for help texts). */
export const MDP_HELP =
  "an MDP: a JSON file (the format TabularMdp.toJSON writes), frozenlake[:4x4|:8x8] (slippery), garnet:S,A,branching[,seed], " +
  "riverswim[:S], forest[:S] or small";

/**
 * An MDP from a command-line argument, with a title for tables. `gamma`
 * (optional) sets the discount of generated MDPs; a JSON file keeps its own.
 */
export function parseMdp(lib, spec, { gamma } = {}) {
  const text = String(spec);
  const [kind, rest = ""] = text.split(":", 2);
  const g = gamma === undefined ? {} : { gamma };
  switch (kind.toLowerCase()) {
    case "frozenlake": {
      const map = rest || "8x8";
      if (map !== "4x4" && map !== "8x8") throw usageError(`frozenlake takes :4x4 or :8x8, got "${text}"`);
      return { mdp: lib.frozenLake({ map, slippery: true, ...g }), title: `FrozenLake ${map} (slippery)`, spec: text };
    }
    case "garnet": {
      const parts = rest.split(",").filter(Boolean);
      if (parts.length < 3 || parts.length > 4) throw usageError(`garnet takes garnet:S,A,branching[,seed], got "${text}"`);
      const [S, A, branching, seed = 1] = parts.map((p, i) => number(["S", "A", "branching", "seed"][i], p, { integer: true, min: i === 3 ? 0 : 1 }));
      return { mdp: lib.garnet({ S, A, branching, seed, ...g }), title: `garnet S = ${S}, A = ${A}, branching ${branching}, seed ${seed}`, spec: text };
    }
    case "riverswim": {
      const S = rest ? number("S", rest, { integer: true, min: 2 }) : undefined;
      return { mdp: lib.riverSwim({ ...(S ? { n: S } : {}), ...g }), title: `RiverSwim${S ? ` S = ${S}` : ""}`, spec: text };
    }
    case "forest": {
      const S = rest ? number("S", rest, { integer: true, min: 2 }) : undefined;
      return { mdp: lib.forest({ ...(S ? { S } : {}), ...g }), title: `forest${S ? ` S = ${S}` : ""}`, spec: text };
    }
    case "small":
      return { mdp: lib.smallMdp(g), title: "small (pymdptoolbox)", spec: text };
    default: {
      if (!existsSync(text)) {
        throw usageError(`"${text}" is neither a file nor a known MDP (${MDP_HELP})`);
      }
      if (gamma !== undefined) throw usageError("--gamma applies to generated MDPs; a JSON file has its own gamma");
      return { mdp: lib.TabularMdp.fromJSON(readFileSync(text, "utf8")), title: text, spec: text };
    }
  }
}
