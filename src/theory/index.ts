// The theorems of the papers as functions: performance difference lemma, CPI's
// improvement guarantee, Li et al.'s surrogate bound, monotone improvement,
// linear-rate fits, NPG's one-step contraction, TRPO's max-KL bound, the three
// CPI lemmas and AMPO's bound with an inexact fit.
export { performanceDifference, type PerformanceDifference } from "./performance-difference.js";
export { cpiAdvantage, cpiBound, cpiOptimalAlpha, cpiRewardSpan } from "./cpi-bound.js";
export { surrogateBound, type SurrogateBound } from "./surrogate-bound.js";
export { checkMonotone, type MonotoneCheck } from "./monotone.js";
export { fitLinearRate, type LinearRate } from "./linear-rate.js";
export { npgContraction, type NpgContraction } from "./npg-contraction.js";
export { trpoBound, type TrpoBound } from "./trpo-bound.js";
export { cpiPolicyShift, cpiVisitationShift, cpiExpectationShift, type LemmaCheck, type PolicyShift, type VisitationShift } from "./cpi-lemmas.js";
export { ampoStepTerms, ampoGapBound, type AmpoStepTerms, type AmpoGapBound } from "./ampo-bound.js";
