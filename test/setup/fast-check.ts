// Property tests run with one fixed seed, so that a CI run is reproducible and
// a failure names the input again on the next run. FC_SEED=<n> explores other
// inputs (FC_SEED=random: a new seed each run, printed by fast-check on failure).
import fc from "fast-check";

const requested = process.env.FC_SEED;
if (requested !== "random") fc.configureGlobal({ seed: requested === undefined ? 20261208 : Number(requested) });
