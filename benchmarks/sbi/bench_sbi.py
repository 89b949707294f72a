"""The sbi side of `benchmarks/run sbi`, and the judge of both sides.

For each task: reads the simulations Hylo wrote (so both train on the same data), trains sbi's NPE
with the same estimator settings and the same fixed number of epochs, draws as many samples as the
reference has for observations 1–5, and scores both sbi's and Hylo's samples with sbibm's C2ST
(scikit-learn MLPClassifier, 5-fold CV — the protocol of sbibm.metrics.c2st). Prints
`RESULT npe task=… train_ratio=… sample_ratio=… c2st_hylo=… c2st_sbi=…`.
"""

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


def main(task, work, sbibm, hylo_train_s, hylo_sample_s, epochs, hidden, transforms):
    from sbi.inference import NPE
    from sbi.neural_nets import posterior_nn
    from sbi.utils import BoxUniform

    torch.set_num_threads(2)
    work = Path(work)
    theta = torch.tensor(np.loadtxt(work / "theta.csv", delimiter=",", ndmin=2), dtype=torch.float32)
    x = torch.tensor(np.loadtxt(work / "x.csv", delimiter=",", ndmin=2), dtype=torch.float32)
    d = theta.shape[1]
    priors = {
        "two_moons": BoxUniform(-torch.ones(2), torch.ones(2)),
        "slcp": BoxUniform(-3 * torch.ones(5), 3 * torch.ones(5)),
        "gaussian_linear_uniform": BoxUniform(-torch.ones(10), torch.ones(10)),
        "gaussian_mixture": BoxUniform(-10 * torch.ones(2), 10 * torch.ones(2)),
        "gaussian_linear": torch.distributions.MultivariateNormal(torch.zeros(10), 0.1 * torch.eye(10)),
    }
    prior = priors[task]
    estimator = posterior_nn(model="maf", hidden_features=hidden, num_transforms=transforms)
    inference = NPE(prior=prior, density_estimator=estimator)
    inference.append_simulations(theta, x)
    t0 = time.perf_counter()
    net = inference.train(max_num_epochs=epochs, stop_after_epochs=10**9, show_train_summary=False)
    train_s = time.perf_counter() - t0
    print(f"sbi task={task} train_s={train_s:.3f} train_ratio={train_s / hylo_train_s:.2f}", flush=True)
    posterior = inference.build_posterior(net)
    sample_s, scores_sbi, scores_hylo = 0.0, [], []
    for k in range(1, 6):
        obs = np.loadtxt(Path(sbibm) / task / f"obs{k}" / "observation.csv", delimiter=",", ndmin=2)
        reference = np.loadtxt(Path(sbibm) / task / f"obs{k}" / "reference_posterior_samples.csv", delimiter=",")
        t1 = time.perf_counter()
        samples = posterior.sample((len(reference),), x=torch.tensor(obs, dtype=torch.float32), show_progress_bars=False)
        sample_s += time.perf_counter() - t1
        scores_sbi.append(c2st(reference, samples.numpy().astype(np.float64)))
        scores_hylo.append(c2st(reference, np.loadtxt(work / f"hylo_obs{k}.csv", delimiter=",", ndmin=2)))
        print(f"task={task} obs={k} c2st_hylo={scores_hylo[-1]:.4f} c2st_sbi={scores_sbi[-1]:.4f}", flush=True)
    print(f"sbi task={task} train_s={train_s:.3f} sample_s={sample_s:.3f}")
    print(f"RESULT npe task={task} train_ratio={train_s / hylo_train_s:.2f} sample_ratio={sample_s / hylo_sample_s:.2f} "
          f"c2st_hylo={np.mean(scores_hylo):.3f} c2st_sbi={np.mean(scores_sbi):.3f} epochs={epochs} estimator=maf")


if __name__ == "__main__":
    task, work, sbibm, train_s, sample_s, epochs, hidden, transforms = sys.argv[1:9]
    main(task, work, sbibm, float(train_s), float(sample_s), int(epochs), int(hidden), int(transforms))
