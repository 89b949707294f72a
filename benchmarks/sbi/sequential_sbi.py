"""sbi's SNLE on two_moons under sbibm's sequential protocol: the anchor for Hylo's SNLE.

For each of the first K observations: 10 rounds of 1,000 simulations, the first from the prior,
each later one from the current posterior at the observation; the likelihood estimator (MAF, 50
hidden units, 5 transforms) retrained on everything so far with sbibm's training batch of 10,000
(sbi caps it at the training set); posteriors by slice_np_vectorized MCMC with sbibm's settings
(100 chains, thinning 10, 25 warm-up steps, resampling initialisation). Scores the final samples
against the reference with bench_sbi's C2ST (`hylo c2st` unless C2ST=sklearn). Prints
`RESULT snle_sbi task=two_moons c2st_sbi=… observations=K train_s=… sample_s=…`.

Usage: python sequential_sbi.py SBIBM_DIR K   (HYLO_CLI names the hylo executable)
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


def main(sbibm, observations):
    from sbi.inference import NLE
    from sbi.neural_nets import likelihood_nn

    torch.set_num_threads(2)
    mcmc = {"num_chains": 100, "thin": 10, "warmup_steps": 25, "init_strategy": "resample"}
    os.environ.setdefault("C2ST", "hylo")
    prior = sbi_prior("two_moons")
    work = Path(tempfile.mkdtemp())
    scores, train_s, sample_s = [], 0.0, 0.0
    for k in range(1, observations + 1):
        torch.manual_seed(k)
        generator = torch.Generator().manual_seed(k)
        xo = torch.tensor(np.loadtxt(Path(sbibm) / "two_moons" / f"obs{k}" / "observation.csv", delimiter=",", ndmin=2),
                          dtype=torch.float32)
        reference = Path(sbibm) / "two_moons" / f"obs{k}" / "reference_posterior_samples.csv"
        count = len(np.loadtxt(reference, delimiter=","))
        inference = NLE(prior=prior, density_estimator=likelihood_nn(model="maf", hidden_features=50, num_transforms=5),
                        show_progress_bars=False)
        proposal = prior
        for _ in range(10):
            t0 = time.perf_counter()
            theta = proposal.sample((1000,), show_progress_bars=False) if proposal is not prior else prior.sample((1000,))
            sample_s += time.perf_counter() - t0
            inference.append_simulations(theta, two_moons(theta, generator))
            t0 = time.perf_counter()
            estimator = inference.train(training_batch_size=10000)
            train_s += time.perf_counter() - t0
            proposal = inference.build_posterior(estimator, mcmc_parameters=mcmc).set_default_x(xo)
        t0 = time.perf_counter()
        samples = proposal.sample((count,), show_progress_bars=False)
        sample_s += time.perf_counter() - t0
        np.savetxt(work / f"sbi_obs{k}.csv", samples.numpy().astype(np.float64), delimiter=",", fmt="%.17g")
        scores.append(score(reference, work / f"sbi_obs{k}.csv"))
        print(f"sbi task=two_moons obs={k} c2st={scores[-1]:.4f}", flush=True)
    shutil.rmtree(work)
    print(f"RESULT snle_sbi task=two_moons c2st_sbi={np.mean(scores):.3f} observations={observations} "
          f"train_s={train_s:.1f} sample_s={sample_s:.1f}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
