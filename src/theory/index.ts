// The theorems behind the library as functions (Kakade & Langford 2002;
// Li, Clavette & He 2022; Kuba et al. 2022; Xiao 2022): performance difference lemma, CPI's
// improvement guarantee, Li et al.'s surrogate bound, monotone improvement,
// linear-rate fits, and NPG's one-step contraction.
export { performanceDifference, type PerformanceDifference } from "./performance-difference.js";
export { cpiAdvantage, cpiBound, cpiOptimalAlpha, cpiRewardSpan } from "./cpi-bound.js";
export { surrogateBound, type SurrogateBound } from "./surrogate-bound.js";
export { checkMonotone, type MonotoneCheck } from "./monotone.js";
export { fitLinearRate, type LinearRate } from "./linear-rate.js";
export { npgContraction, type NpgContraction } from "./npg-contraction.js";
