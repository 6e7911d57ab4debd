"""Goal-directed design: reinforcement learning of an autoregressive prior toward an objective.

The method is REINVENT's (Olivecrona et al. 2017; REINVENT 4's staged learning): an agent,
initialised as a copy of a frozen prior, is pulled toward the augmented likelihood
``log P_prior(x) + sigma * score(x)``, with a diversity filter, experience replay and an
oracle budget counted in unique molecules (the PMO protocol, Gao et al. 2022).
"""
