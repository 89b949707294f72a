"""sbi's SNPE, SNLE or SNRE under sbibm's sequential protocol: the anchor for Hylo's sequential methods.

For each of the first K observations: 10 rounds of 1,000 simulations, the first from the prior,
each later one from the current posterior at the observation; the estimator retrained on everything
so far with sbibm's training batch (its 10,000 capped at a round's 1,000 simulations). SNPE is
SNPE-C (NSF, atomic loss with 10 atoms); SNLE a MAF likelihood; SNRE NRE-B (residual classifier,
10 atoms); all with 50 hidden units (flows: 5 transforms). SNLE's and SNRE's posteriors are sampled
by slice_np_vectorized MCMC with sbibm's settings (100 chains, thinning 10, 25 warm-up steps,
resampling initialisation). Scores the final samples against the reference with bench_sbi's C2ST
(`hylo c2st` unless C2ST=sklearn). Prints
`RESULT METHOD_sbi task=TASK c2st_sbi=… observations=K train_s=… sample_s=…`.

Usage: python sequential_sbi.py SBIBM_DIR K [METHOD] [TASK]   (snle and two_moons by default;
HYLO_CLI names the hylo executable)
"""

import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from bench_sbi import sbi_prior, score


def two_moons(theta, generator):
    """sbibm's two_moons simulator: a noisy half circle, shifted and rotated by θ."""
    n = theta.shape[0]
    a = (torch.rand(n, generator=generator) - 0.5) * math.pi
    r = 0.1 + 0.01 * torch.randn(n, generator=generator)
    p = torch.stack([r * torch.cos(a) + 0.25, r * torch.sin(a)], dim=1)
    shift = torch.stack([-(theta[:, 0] + theta[:, 1]).abs() / math.sqrt(2), (-theta[:, 0] + theta[:, 1]) / math.sqrt(2)],
                        dim=1)
    return p + shift


def gaussian_mixture(theta, generator):
    """sbibm's gaussian_mixture simulator: θ plus noise of scale 1 or 0.1 with equal odds."""
    scale = torch.where(torch.rand(theta.shape[0], generator=generator) < 0.5, 1.0, 0.1)
    return theta + scale[:, None] * torch.randn(theta.shape, generator=generator)


SIMULATORS = {"two_moons": two_moons, "gaussian_mixture": gaussian_mixture}


def make_inference(method, prior):
    """sbi's trainer for `method` with sbibm's estimator and the keyword arguments of its train()."""
    from sbi.inference import NLE, NPE_C, NRE_B
    from sbi.neural_nets import classifier_nn, likelihood_nn, posterior_nn

    if method == "snpe":
        return NPE_C(prior=prior, density_estimator=posterior_nn(model="nsf", hidden_features=50, num_transforms=5),
                     show_progress_bars=False), {"num_atoms": 10}
    if method == "snre":
        return NRE_B(prior=prior, classifier=classifier_nn(model="resnet", hidden_features=50),
                     show_progress_bars=False), {"num_atoms": 10}
    return NLE(prior=prior, density_estimator=likelihood_nn(model="maf", hidden_features=50, num_transforms=5),
               show_progress_bars=False), {}


def main(sbibm, observations, method, task):
    torch.set_num_threads(2)
    simulator = SIMULATORS[task]
    mcmc = {"num_chains": 100, "thin": 10, "warmup_steps": 25, "init_strategy": "resample"}
    os.environ.setdefault("C2ST", "hylo")
    prior = sbi_prior(task)
    work = Path(tempfile.mkdtemp())
    scores, train_s, sample_s = [], 0.0, 0.0
    for k in range(1, observations + 1):
        torch.manual_seed(k)
        generator = torch.Generator().manual_seed(k)
        xo = torch.tensor(np.loadtxt(Path(sbibm) / task / f"obs{k}" / "observation.csv", delimiter=",", ndmin=2),
                          dtype=torch.float32)
        reference = Path(sbibm) / task / f"obs{k}" / "reference_posterior_samples.csv"
        count = len(np.loadtxt(reference, delimiter=","))
        inference, train_options = make_inference(method, prior)
        proposal = prior
        for _ in range(10):
            t0 = time.perf_counter()
            theta = proposal.sample((1000,), show_progress_bars=False) if proposal is not prior else prior.sample((1000,))
            sample_s += time.perf_counter() - t0
            x = simulator(theta, generator)
            if method == "snpe":
                inference.append_simulations(theta, x, proposal=proposal)
            else:
                inference.append_simulations(theta, x)
            t0 = time.perf_counter()
            estimator = inference.train(training_batch_size=1000, **train_options)
            train_s += time.perf_counter() - t0
            posterior = (inference.build_posterior(estimator) if method == "snpe"
                         else inference.build_posterior(estimator, mcmc_parameters=mcmc))
            proposal = posterior.set_default_x(xo)
        t0 = time.perf_counter()
        samples = proposal.sample((count,), show_progress_bars=False)
        sample_s += time.perf_counter() - t0
        np.savetxt(work / f"sbi_obs{k}.csv", samples.numpy().astype(np.float64), delimiter=",", fmt="%.17g")
        scores.append(score(reference, work / f"sbi_obs{k}.csv"))
        print(f"sbi task={task} obs={k} c2st={scores[-1]:.4f}", flush=True)
    shutil.rmtree(work)
    print(f"RESULT {method}_sbi task={task} c2st_sbi={np.mean(scores):.3f} observations={observations} "
          f"train_s={train_s:.1f} sample_s={sample_s:.1f}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "snle",
         sys.argv[4] if len(sys.argv) > 4 else "two_moons")
