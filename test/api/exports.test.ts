/**
 * The public API is deliberate: the package root and the `mirror-rl/kernels`
 * subpath export exactly these runtime names. A change here is a change of
 * the API: update the list on purpose (and the README's overview).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as root from "../../src/index.js";
import * as lower from "../../src/kernels.js";

const ROOT_EXPORTS = [
    "A2C", "A2C_DEFAULTS", "AcrobotEnv", "Box", "CartPoleEnv", "ConvergenceError", "Discrete", "ENV_IDS",
    "FROZEN_LAKE_MAPS", "ForestAction", "FrozenLakeAction", "GridAction", "MountainCarEnv", "MultiAgentMdp", "NPG", "NPG_DEFAULTS",
    "MIRROR_LEARNER_DEFAULTS", "MirrorLearner", "ObsNormalizer", "PPO", "PPO_DEFAULTS", "TRPO", "TRPO_DEFAULTS", "PendulumEnv", "RewardNormalizer", "RiverSwimAction", "Rng",
    "RolloutBuffer", "RunningMeanStd", "TabularMdp", "TrainingDivergedError", "ValidationError", "advantageFromQ",
    "allPolicies", "ampo", "analytical", "analyticalConstant", "callbackList", "checkDrift", "checkEnv",
    "checkMonotone", "climbingGame", "clipDrift", "cpi", "cpiAdvantage", "cpiBound", "cpiOptimalAlpha",
    "cpiRewardSpan", "customDrift", "deterministicPolicy", "discountedVisitation", "epsilonGreedyPolicy", "evaluate",
    "evaluatePolicy", "featureLogits", "fitLinearRate", "fitWeights", "forest", "forwardKlDrift", "frozenLake",
    "frozenLakeMap", "garnet", "generalizedAdvantageEstimation", "gpi", "greedyPolicy", "init", "isInitialised",
    "jointEta", "linearFeatures", "logLinearPolicy", "makeEnv", "makeVecEnv", "matrixGame", "maxKlBall", "meanKlBall",
    "mirrorStep", "mirrorUpdate", "mixtureSegment", "modifiedPolicyIteration", "neighbourhoodMeasure", "npg",
    "npgContraction", "optimalityBackup", "optimalityResidual", "optimise", "optimiseMultiAgent", "penaltyGame",
    "performanceDifference", "policyActions", "policyIteration", "policyValue", "ppo", "qFromV", "qNpg",
    "randomFeatures", "randomMdp", "reverseKlDrift", "riverSwim", "sampleAction", "sequentialUpdate",
    "simultaneousUpdate", "smallMdp", "softmaxPolicy", "sparseFeatures", "squaredL2Drift", "squaredTvDrift",
    "stopOnReward", "surrogateBound", "tabularEnv", "tabularFeatures", "trl", "trpo", "tsallis", "tsallisDivergence",
    "tsallisDrift", "tvBall", "twoAgentGridworld", "uniformPolicy", "validatePolicy", "valueIteration",
    "weightedLeastSquares", "zeroDrift",
    // Training logs (src/logging), tuned configs, and the instance comparison behind `mirror-rl compare`.
    "INSTANCE_PRESETS", "LOG_FORMATS", "Logger", "ZOO", "compareInstances",
    // Theory checks: TRPO's max-KL bound, the three CPI lemmas, AMPO's bound with an inexact fit.
    "trpoBound", "cpiPolicyShift", "cpiVisitationShift", "cpiExpectationShift", "ampoStepTerms", "ampoGapBound",
];

const KERNEL_EXPORTS = [
    "ACTIVATIONS", "ActorCritic", "Adam", "Block", "F32Matrix", "FORMAT_MAGIC", "FORMAT_VERSION", "FisherOperator", "HIDDEN_GAIN",
    "NaturalGradientStep", "backtrackingLineSearch", "conjugateGradient", "fisherCategoricalMetric", "fisherGaussianMetric",
    "fisherJvp", "fisherVectorProduct", "trustRegionStepSize",
    "Mlp", "POLICY_GAIN", "ParameterSlice", "ParameterStore", "Rmsprop", "VALUE_GAIN", "categoricalBackward",
    "categoricalForward", "categoricalKl", "categoricalKlBackward", "categoricalMode", "categoricalSample",
    "checkFinite", "clipCoefficient", "clipEpsilon", "clipGradNorm", "clipGradNormScale", "clipSolve", "crc32", "decodeAgentFile",
    "denseBackwardInput", "denseBackwardParams", "denseFeatureTable", "denseForward", "driftLoss", "driftLossInto", "driftLossPath",
    "encodeAgentFile", "expUpdate",
    "explainedVariance", "f32Block", "f64Block", "gaeOnBlocks", "gaussianEntropy", "gaussianKl", "gaussianKlBackward",
    "gaussianLogProb", "gaussianLogProbBackward", "gaussianSample", "gradNorm", "greedyStep", "i32Block", "kernels",
    "klBallSolve", "l2Solve", "logOf", "nearestName", "logSoftmaxRows", "mirrorLossAndGradients", "mlpParameterCount", "normalizeAdvantages", "orthogonal",
    "perStateKl", "perStateTv", "ppoClipLoss", "ppoClipLossInto", "ppoLossAndGradients", "reluBackward",
    "reluForward", "resolveDistribution", "scheduleFn", "scratch", "searchMultiplier", "solveStateGeneric",
    // gSDE (Raffin, Kober & Stulp 2022): the head, its kernels' wrappers and the noise matrices.
    "SDE_EPSILON", "SdeHead", "SdeNoise", "sdeLogProb", "sdeLogProbBackward", "sdeLogStdGradient", "sdeLogStdSize",
    "sdeNoisyActions", "sdeStd", "sdeVarianceWeights",
    "tanhBackward", "tanhForward", "trlSolve", "tsallisGradient", "tsallisProjection", "tvSolve", "valueLossInto",
];

/** Names other tools call at the root with fixed signatures and result fields. */
const CONTRACT = [
  "init", "TabularMdp", "evaluate", "policyIteration", "valueIteration", "modifiedPolicyIteration", "garnet", "mirrorStep",
  "optimise", "gpi", "trl", "npg", "trpo", "ppo", "cpi", "analytical", "qNpg", "ampo", "MultiAgentMdp", "makeEnv", "makeVecEnv",
  "checkEnv", "PPO", "A2C", "TRPO", "NPG", "evaluatePolicy",
];

describe("public API", () => {
  it("the root exports exactly the listed names", () => {
    expect(Object.keys(root).sort()).toEqual([...ROOT_EXPORTS].sort());
  });

  it("mirror-rl/kernels exports exactly the listed names", () => {
    expect(Object.keys(lower).sort()).toEqual([...KERNEL_EXPORTS].sort());
  });

  it("keeps the names other tools call at the root", () => {
    for (const name of CONTRACT) expect(ROOT_EXPORTS).toContain(name);
    expect(typeof root.TabularMdp.fromDense).toBe("function");
  });

  it("keeps kernel wrappers and internals off the root", () => {
    const internal = [
      "trlSolve", "searchMultiplier", "solveStateGeneric", "crc32", "FORMAT_MAGIC", "encodeAgentFile", "gaeOnBlocks",
      "checkGaeCoefficients", "expUpdate", "perStateKl", "clipSolve", "tvSolve", "l2Solve", "greedyStep", "klBallSolve",
      "denseForward", "categoricalForward", "ParameterStore", "Mlp", "Rmsprop", "Adam", "kernels",
    ];
    for (const name of internal) expect(Object.keys(root)).not.toContain(name);
  });

  it("the two lists do not overlap", () => {
    const both = ROOT_EXPORTS.filter((n) => KERNEL_EXPORTS.includes(n));
    expect(both).toEqual([]);
  });

  it("the README lists every root export and every kernels-subpath export", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = (title: string): string => {
      const start = readme.indexOf(title);
      expect(start, `README section ${title}`).toBeGreaterThanOrEqual(0);
      const end = readme.indexOf("\n#", start + title.length);
      return readme.slice(start, end < 0 ? undefined : end);
    };
    const listed = (text: string): string[] => [...text.matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((m) => m[1]);
    const rootListed = listed(section("### Root exports"));
    const lowerListed = listed(section("### `mirror-rl/kernels`"));
    for (const name of Object.keys(root)) expect(rootListed, `README lists ${name}`).toContain(name);
    for (const name of Object.keys(lower)) expect(lowerListed, `README lists ${name} under mirror-rl/kernels`).toContain(name);
  });
});
