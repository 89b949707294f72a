"""The sbi side of `benchmarks/run sbi`, and the judge of both sides.

For each task: reads the simulations Hylo wrote (so both train on the same data), trains sbi's NPE,
NLE or NRE-B with the same estimator (MAF, NSF or MDN; a residual classifier for NRE) and settings and
the same fixed number of epochs, draws as many samples as the reference has for the first K
observations (NLE and NRE by sbi's default MCMC, slice_np_vectorized), and scores both sbi's and
Hylo's samples with sbibm's C2ST (scikit-learn MLPClassifier, 5-fold CV — the protocol of
sbibm.metrics.c2st; with C2ST=hylo, Hylo's implementation of the same protocol, `hylo c2st`, which
takes seconds where scikit-learn takes minutes on 10-D samples). Prints `RESULT <method> task=… train_ratio=… sample_ratio=… c2st_hylo=… c2st_sbi=…`.
"""

import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.model_selection import KFold, cross_val_score
from sklearn.neural_network import MLPClassifier


def c2st(x, y, seed=1, n_folds=5):
    """sbibm.metrics.c2st: z-score by the reference x, MLP(10·dim, 10·dim), 5 shuffled folds."""
    mean, std = x.mean(0), x.std(0, ddof=1)
    x, y = (x - mean) / std, (y - mean) / std
    data = np.concatenate([x, y])
    target = np.concatenate([np.zeros(len(x)), np.ones(len(y))])
    dim = x.shape[1]
    clf = MLPClassifier(activation="relu", hidden_layer_sizes=(10 * dim, 10 * dim), max_iter=10000, solver="adam",
                        random_state=seed)
    folds = KFold(n_splits=n_folds, shuffle=True, random_state=seed)
    return float(np.mean(cross_val_score(clf, data, target, cv=folds, scoring="accuracy")))


def score(reference_file, samples_file):
    """C2ST of two headerless CSV sample files, by scikit-learn or (C2ST=hylo) by `hylo c2st`."""
    if os.environ.get("C2ST", "sklearn") == "hylo":
        out = subprocess.run([os.environ["HYLO_CLI"], "c2st", str(reference_file), str(samples_file)], check=True,
                             capture_output=True, text=True)
        return float(out.stdout.strip())
    return c2st(np.loadtxt(reference_file, delimiter=","), np.loadtxt(samples_file, delimiter=",", ndmin=2))


def sbi_prior(task):
    """The sbibm task's prior as a torch distribution."""
    from sbi.utils import BoxUniform

    def log_normal(mu, sigma):
        return torch.distributions.Independent(torch.distributions.LogNormal(torch.tensor(mu), torch.tensor(sigma)), 1)

    if task == "bernoulli_glm":
        # precision B: B00 = 0.5, B[1:, 1:] = FᵀF with F = D D + diag(√(i/9)), D the first difference
        d = torch.eye(9) - torch.diag(torch.ones(8), -1)
        f = d @ d + torch.diag(torch.sqrt(torch.arange(9.0) / 9))
        precision = torch.zeros(10, 10)
        precision[0, 0] = 0.5
        precision[1:, 1:] = f.T @ f
        return torch.distributions.MultivariateNormal(torch.zeros(10), precision_matrix=precision)
    return {
        "two_moons": lambda: BoxUniform(-torch.ones(2), torch.ones(2)),
        "slcp": lambda: BoxUniform(-3 * torch.ones(5), 3 * torch.ones(5)),
        "gaussian_linear_uniform": lambda: BoxUniform(-torch.ones(10), torch.ones(10)),
        "gaussian_mixture": lambda: BoxUniform(-10 * torch.ones(2), 10 * torch.ones(2)),
        "gaussian_linear": lambda: torch.distributions.MultivariateNormal(torch.zeros(10), 0.1 * torch.eye(10)),
        "sir": lambda: log_normal([math.log(0.4), math.log(0.125)], [0.5, 0.2]),
        "lotka_volterra": lambda: log_normal([-0.125, -3.0, -0.125, -3.0], [0.5] * 4),
    }[task]()


def make_inference(method, prior, estimator_kind, hidden, transforms):
    """sbi's trainer for `method` with sbibm's settings (NRE: NRE-B, 10 atoms, residual classifier)."""
    from sbi.inference import NLE, NPE, NRE_B
    from sbi.neural_nets import classifier_nn, likelihood_nn, posterior_nn

    if method == "nle":
        return NLE(prior=prior, density_estimator=likelihood_nn(model=estimator_kind, hidden_features=hidden,
                                                                num_transforms=transforms)), {}
    if method == "nre":
        return NRE_B(prior=prior, classifier=classifier_nn(model="resnet", hidden_features=hidden)), {"num_atoms": 10}
    return NPE(prior=prior, density_estimator=posterior_nn(model=estimator_kind, hidden_features=hidden,
                                                           num_transforms=transforms)), {}


def main(task, work, sbibm, hylo_train_s, hylo_sample_s, epochs, hidden, transforms, estimator_kind, method, observations):

    torch.set_num_threads(2)
    work = Path(work)
    theta = torch.tensor(np.loadtxt(work / "theta.csv", delimiter=",", ndmin=2), dtype=torch.float32)
    x = torch.tensor(np.loadtxt(work / "x.csv", delimiter=",", ndmin=2), dtype=torch.float32)
    d = theta.shape[1]
    prior = sbi_prior(task)
    inference, train_options = make_inference(method, prior, estimator_kind, hidden, transforms)
    inference.append_simulations(theta, x)
    t0 = time.perf_counter()
    net = inference.train(max_num_epochs=epochs, stop_after_epochs=10**9, show_train_summary=False, **train_options)
    train_s = time.perf_counter() - t0
    print(f"sbi task={task} train_s={train_s:.3f} train_ratio={train_s / hylo_train_s:.2f}", flush=True)
    posterior = inference.build_posterior(net)
    sample_s, scores_sbi, scores_hylo = 0.0, [], []
    for k in range(1, observations + 1):
        obs = np.loadtxt(Path(sbibm) / task / f"obs{k}" / "observation.csv", delimiter=",", ndmin=2)
        reference_file = Path(sbibm) / task / f"obs{k}" / "reference_posterior_samples.csv"
        count = len(np.loadtxt(reference_file, delimiter=","))
        t1 = time.perf_counter()
        samples = posterior.sample((count,), x=torch.tensor(obs, dtype=torch.float32), show_progress_bars=False)
        sample_s += time.perf_counter() - t1
        np.savetxt(work / f"sbi_obs{k}.csv", samples.numpy().astype(np.float64), delimiter=",", fmt="%.17g")
        scores_sbi.append(score(reference_file, work / f"sbi_obs{k}.csv"))
        scores_hylo.append(score(reference_file, work / f"hylo_obs{k}.csv"))
        print(f"task={task} obs={k} c2st_hylo={scores_hylo[-1]:.4f} c2st_sbi={scores_sbi[-1]:.4f}", flush=True)
    print(f"sbi task={task} train_s={train_s:.3f} sample_s={sample_s:.3f}")
    print(f"RESULT {method} task={task} train_ratio={train_s / hylo_train_s:.2f} sample_ratio={sample_s / hylo_sample_s:.2f} "
          f"c2st_hylo={np.mean(scores_hylo):.3f} c2st_sbi={np.mean(scores_sbi):.3f} epochs={epochs} estimator={estimator_kind}")


if __name__ == "__main__":
    task, work, sbibm, train_s, sample_s, epochs, hidden, transforms, estimator_kind, method, observations = sys.argv[1:12]
    main(task, work, sbibm, float(train_s), float(sample_s), int(epochs), int(hidden), int(transforms), estimator_kind,
         method, int(observations))
