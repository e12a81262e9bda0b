// Generators of tabular MDPs, each seeded through `Rng` where random.
export { garnet, type GarnetOptions } from "./garnet.js";
export { frozenLake, frozenLakeMap, FROZEN_LAKE_MAPS, FrozenLakeAction, type FrozenLakeOptions } from "./frozen-lake.js";
export { riverSwim, RiverSwimAction, type RiverSwimOptions } from "./river-swim.js";
export { forest, ForestAction, type ForestOptions } from "./forest.js";
export { randomMdp, type RandomMdpOptions } from "./random-mdp.js";
export { smallMdp } from "./small.js";
