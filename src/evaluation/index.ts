// Exact policy evaluation: values, action values, advantages, discounted visitation.
export {
  evaluate,
  policyValue,
  discountedVisitation,
  qFromV,
  advantageFromQ,
  type Evaluation,
  type EvaluateOptions,
  type PolicyValue,
  type PolicyValueOptions,
  type VisitationOptions,
  type EvaluationOptions,
  type Visitation,
  type SolverChoice,
  type SolverName,
} from "./evaluate.js";
