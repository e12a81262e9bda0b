// Kernels of the sample-based agents (PPO, A2C): the clip loss, row gathers, RMSprop.
export * from "./ppo-loss";
export * from "../optim/rmsprop";
