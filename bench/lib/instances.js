// The Mirror Learning instances and hyperparameters of the mirror suite
// (bench/suites/mirror.js) and of bench/investigations/instance-ab.js, given a loaded library.

/**
 * The instances and their hyperparameters, the same on both MDPs (rewards in
 * [0, 1], gamma 0.99). Steps are in units of Q (values up to 1/(1-gamma) = 100).
 */
export function instances(lib, gamma) {
  const doubling = (k) => 2 ** k;
  return [
    { name: "gpi", hyper: "greedy (policy iteration)", make: () => lib.gpi() },
    { name: "npg", hyper: "constant eta = 100", make: () => lib.npg({ stepSize: 100 }) },
    { name: "npg", hyper: "eta_k = 1/gamma^k (Xiao; AMPO)", make: () => lib.npg({ stepSize: (k) => 1 / gamma ** k }) },
    { name: "npg", hyper: "eta_k = 2^k (geometric, faster)", make: () => lib.npg({ stepSize: doubling }) },
    { name: "trl", hyper: "C = 0.001", make: () => lib.trl({ C: 0.001 }) },
    { name: "trpo", hyper: "delta = 0.1 (mean KL)", make: () => lib.trpo({ delta: 0.1 }) },
    { name: "ppo", hyper: "epsilon = 0.2", make: () => lib.ppo({ epsilon: 0.2 }) },
    { name: "cpi", hyper: "alpha* = Abar (1-gamma)^2 / (4 gamma)", make: () => lib.cpi({ alpha: "optimal" }) },
    { name: "cpi", hyper: "alpha = 0.5", make: () => lib.cpi({ alpha: 0.5 }) },
    { name: "analytical", hyper: "C = gamma^2 ‖A‖∞ / (1-gamma)^3", make: () => lib.analytical() },
    {
      name: "qNpg",
      hyper: "tabular features, uniform fit, eta_k = 2^k",
      // The fit weighs every (s, a) alike: with the default on-policy weights d_k x pi_k the
      // least squares lose the actions NPG has nearly abandoned once steps are large.
      // One-hot features have dim S*A: sparse rows, and above 2048 the fit runs CG, not dense LU.
      make: (mdp) => lib.qNpg({ features: lib.tabularFeatures(mdp.S, mdp.A), stepSize: doubling, fit: { states: "uniform", actions: "uniform" } }),
    },
    { name: "ampo", hyper: "KL map, eta_k = 2^k", make: () => lib.ampo({ mirrorMap: "kl", stepSize: doubling }) },
    { name: "ampo", hyper: "Tsallis q = 0.5, eta_k = 2^k", make: () => lib.ampo({ mirrorMap: lib.tsallis(0.5), stepSize: doubling }) },
  ];
}
