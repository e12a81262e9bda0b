// Kernels of the sample-based agents (PPO, A2C, MirrorLearner): the clip and drift losses, row gathers, RMSprop.
export * from "./ppo-loss";
export * from "../optim/rmsprop";
export * from "./drift-loss";
