import numpy as np
import pytest

import hylo
from hylo import sbi

# θ ~ N(0, 1), x = θ + 0.5 ε: the posterior at x_o = 0.8 is N(0.64, 0.2).
PRIOR_MEAN, SIGMA, X_O = 0.0, 0.5, 0.8
EXACT_MEAN, EXACT_VAR = X_O / (1 + SIGMA**2), SIGMA**2 / (1 + SIGMA**2)


def model(theta, rng):
    return theta + SIGMA * rng.normal(size=np.shape(theta))


def prior():
    return sbi.Gaussian([PRIOR_MEAN], [[1.0]])


def test_rejection_abc_matches_the_analytic_posterior():
    samples, summary = sbi.ABC(prior(), model, num_workers=2)(
        [X_O], num_simulations=100_000, quantile=0.01, return_summary=True)
    assert samples.shape == (1000, 1) and summary.status == "complete" and summary.num_simulations == 100_000
    assert abs(samples.mean() - EXACT_MEAN) < 0.05 and abs(samples.var() - EXACT_VAR) < 0.03
    assert (summary.distances <= summary.epsilon).all()


def test_vectorized_simulator_eps_and_regression_adjustment():
    abc = sbi.ABC(prior(), model, vectorized=True)
    samples = abc([X_O], num_simulations=50_000, quantile=0.5, lra=True)
    assert abs(samples.mean() - EXACT_MEAN) < 0.03 and abs(samples.var() - EXACT_VAR) < 0.02
    samples, summary = abc([X_O], num_simulations=20_000, eps=0.05, return_summary=True)
    assert summary.epsilon == 0.05 and (summary.distances <= 0.05).all() and len(samples) > 100


def test_smc_abc_and_resampling():
    result = sbi.SMCABC(prior(), model, vectorized=True)(
        [X_O], num_particles=1000, num_initial_pop=5000, num_simulations=60_000, distance_based_decay=True)
    assert result.status == "complete" and result.samples.shape == (1000, 1)
    assert np.all(np.diff(result.epsilons) < 0) and result.epsilon < 0.05
    draws = result.sample((4000,), seed=3)
    assert abs(draws.mean() - EXACT_MEAN) < 0.05 and abs(draws.var() - EXACT_VAR) < 0.03


def test_failed_simulations_cancellation_and_errors():
    def flaky(theta):
        return None if theta[0] > 2 else theta + SIGMA * np.random.default_rng(0).normal(size=1)

    _, summary = sbi.ABC(prior(), flaky)([2.5], num_simulations=5000, quantile=0.1, return_summary=True)
    assert 50 < summary.num_invalid < 200
    _, summary = sbi.ABC(prior(), model, batch_size=500)(
        [X_O], num_simulations=10_000, quantile=0.1, progress=lambda stage, done, total, loss: done < 2000,
        return_summary=True)
    assert summary.status == "cancelled" and summary.num_simulations == 2000

    def broken(theta):
        raise RuntimeError("simulator broke")

    with pytest.raises(RuntimeError, match="simulator broke"):
        sbi.ABC(prior(), broken)([X_O], num_simulations=100, quantile=0.1)
    with pytest.raises(hylo.OptionError, match="exactly one of"):
        sbi.ABC(prior(), model)([X_O], num_simulations=100, quantile=0.1, eps=0.2)
    with pytest.raises(ValueError, match="returned 1 values; expected 2"):
        sbi.ABC(prior(), model)([X_O, 1.0], num_simulations=100, quantile=0.1)
