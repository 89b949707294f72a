import subprocess
import sys

import numpy as np
import pytest

import hylo
from hylo import sbi


def gaussian_linear(theta, rng):
    return theta + np.sqrt(0.1) * rng.normal(size=theta.shape)


def test_priors():
    box = sbi.BoxUniform([-1, 0], [1, 2])
    s = box.sample((1000,), seed=1)
    assert s.shape == (1000, 2) and s[:, 1].min() >= 0 and s[:, 1].max() <= 2
    np.testing.assert_allclose(box.log_prob([[0, 1], [5, 1]]), [-np.log(4), -np.inf])
    g = sbi.Gaussian([0, 0], [[1, 0.5], [0.5, 2]])
    assert g.log_prob([[0, 0]])[0] == pytest.approx(-np.log(2 * np.pi) - 0.5 * np.log(1.75))
    ind = sbi.Independent([("gamma", 2.0, 1.0), ("beta", 2.0, 3.0)])
    assert ind.dim == 2 and (ind.sample((100,)) > 0).all()
    with pytest.raises(ValueError, match="unknown marginal"):
        sbi.Independent([("cauchy", 0, 1)])
    with pytest.raises(hylo.InvalidArgumentError, match="low\\[0\\] = 1.0 is not below high\\[0\\]"):
        sbi.BoxUniform([1], [0])


def test_simulate_is_reproducible_across_workers_and_counts_invalid():
    prior = sbi.BoxUniform([0, 0], [1, 1])

    def sim(theta, rng):
        if theta[0] > 0.9:
            return None
        return theta + rng.normal(size=2)

    t1, x1 = sbi.simulate(sim, prior, 300, num_workers=1, seed=4)
    t2, x2 = sbi.simulate(sim, prior, 300, num_workers=3, seed=4)
    assert np.array_equal(t1, t2) and np.array_equal(x1, x2, equal_nan=True)
    invalid = np.isnan(x1[:, 0])
    assert invalid.sum() == (t1[:, 0] > 0.9).sum() > 0
    npe = sbi.NPE(prior).append_simulations(t1, x1)
    assert npe.num_excluded == invalid.sum()


def test_simulator_exception_is_reraised():
    def sim(theta):
        if theta[0] > 0.5:
            raise RuntimeError("simulator broke")
        return theta

    with pytest.raises(RuntimeError, match="simulator broke"):
        sbi.simulate(sim, sbi.BoxUniform([0], [1]), 100, seed=1)


def test_npe_on_gaussian_linear_matches_the_analytic_posterior(tmp_path):
    prior = sbi.Gaussian(np.zeros(2), 0.1 * np.eye(2))
    theta, x = sbi.simulate(gaussian_linear, prior, 2000, num_workers=2, seed=0)
    npe = sbi.NPE(prior, hidden_features=32, num_transforms=3)
    posterior = npe.append_simulations(theta, x).train(learning_rate=2e-3, max_num_epochs=200)
    assert npe.training_result["epochs"] > 5
    x_o = np.array([0.4, -0.2])
    samples = posterior.sample((5000,), x=x_o, seed=1)
    np.testing.assert_allclose(samples.mean(0), x_o / 2, atol=0.04)
    np.testing.assert_allclose(samples.var(0), 0.05, atol=0.015)
    # log-probabilities near the analytic ones at the posterior mean
    lp = posterior.log_prob([x_o / 2], x=x_o)[0]
    assert lp == pytest.approx(-np.log(2 * np.pi * 0.05), abs=0.3)

    np.testing.assert_allclose(posterior.map(x=x_o, num_iter=200), x_o / 2, atol=0.05)

    path = tmp_path / "posterior.safetensors"
    posterior.save(path)
    code = ("import numpy as np; from hylo import sbi; "
            f"p = sbi.load({str(path)!r}); np.save({str(tmp_path / 's.npy')!r}, p.sample((5000,), x=[0.4, -0.2], seed=1))")
    subprocess.run([sys.executable, "-c", code], check=True)
    assert np.load(tmp_path / "s.npy").tobytes() == samples.tobytes()


@pytest.mark.parametrize("estimator, options, epochs, bad", [
    ("nsf", {"num_transforms": 2, "num_bins": 8, "tail_bound": 4.0}, 15, {"num_bins": 1}),
    # an MDN starts from random means, not from the identity map: it needs more epochs
    ("mdn", {"num_components": 4}, 100, {"num_components": 0}),
])
def test_other_estimators_options_and_reload(tmp_path, estimator, options, epochs, bad):
    prior = sbi.BoxUniform([-1, -1], [1, 1])
    theta, x = sbi.simulate(gaussian_linear, prior, 1000, seed=2)
    npe = sbi.NPE(prior, density_estimator=estimator, **options)
    posterior = npe.append_simulations(theta, x).train(max_num_epochs=epochs)
    x_o = np.array([0.3, -0.5])
    samples = posterior.sample((3000,), x=x_o, seed=3)
    np.testing.assert_allclose(samples.mean(0), x_o, atol=0.1)
    path = tmp_path / f"{estimator}.safetensors"
    posterior.save(path)
    code = ("import numpy as np; from hylo import sbi; "
            f"p = sbi.load({str(path)!r}); np.save({str(tmp_path / 's.npy')!r}, p.sample((3000,), x=[0.3, -0.5], seed=3))")
    subprocess.run([sys.executable, "-c", code], check=True)
    assert np.load(tmp_path / "s.npy").tobytes() == samples.tobytes()
    with pytest.raises(hylo.OptionError, match=next(iter(bad))):
        sbi.NPE(prior, density_estimator=estimator, **bad)


def test_budget_exhaustion_returns_partial_samples():
    prior = sbi.BoxUniform([0], [0.01])
    theta = np.linspace(-5, 5, 100).reshape(-1, 1)
    posterior = sbi.NPE(prior).append_simulations(theta, 2 * theta).train(max_num_epochs=2)
    with pytest.raises(hylo.BudgetExhausted, match="raise max_proposals") as info:
        posterior.sample((1000,), x=[3.0], max_proposals=2000)
    assert len(info.value.samples) < 1000 and 0 <= info.value.acceptance_rate < 0.5


def test_training_progress_cancels():
    prior = sbi.BoxUniform([0], [1])
    theta = prior.sample((400,))
    npe = sbi.NPE(prior).append_simulations(theta, theta + 0.1)
    with pytest.raises(hylo.Cancelled):
        npe.train(progress=lambda stage, done, total, loss: done < 2)
    assert npe.training_result["stop_reason"] == "cancelled"


def test_diagnostics_on_a_calibrated_and_an_overconfident_posterior():
    prior = sbi.Gaussian([0.0], [[0.1]])
    theta, x = sbi.simulate(gaussian_linear, prior, 3000, seed=2)
    posterior = sbi.NPE(prior, hidden_features=16, num_transforms=2).append_simulations(theta, x).train(
        learning_rate=2e-3, max_num_epochs=150)
    t_test, x_test = sbi.simulate(gaussian_linear, prior, 200, seed=3)
    ranks, p = sbi.run_sbc(t_test, x_test, posterior, num_posterior_samples=100)
    assert ranks.shape == (200, 1) and ranks.max() <= 100 and p[0] > 0.01
    levels, coverage = sbi.expected_coverage(t_test, x_test, posterior, num_posterior_samples=200)
    assert np.abs(coverage - levels).max() < 0.12
    _, ecp, atc, p_tarp = sbi.tarp(t_test, x_test, posterior, num_posterior_samples=200)
    assert abs(atc) < 0.06
    # Mismatched pairs: the posterior looks overconfident.
    _, bad = sbi.expected_coverage(t_test + 0.5, x_test, posterior, num_posterior_samples=200, levels=[0.5])
    assert bad[0] < 0.2


def test_c2st_protocol():
    rng = np.random.default_rng(0)
    same = sbi.c2st(rng.normal(size=(1000, 2)), rng.normal(size=(1000, 2)))
    different = sbi.c2st(rng.normal(size=(500, 2)), rng.normal(size=(500, 2)) + 4)
    assert abs(same - 0.5) < 0.06 and different > 0.97
    with pytest.raises(ValueError, match="columns"):
        sbi.c2st(np.zeros((10, 2)), np.zeros((10, 3)))
    with pytest.raises(hylo.InvalidArgumentError, match="at least 5"):
        sbi.c2st(np.zeros((3, 2)), np.zeros((10, 2)))


def test_plots_render(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from hylo import diagnostics

    ranks = np.random.default_rng(1).integers(0, 100, size=(200, 2))
    diagnostics.plot_sbc_ranks(ranks, 100).savefig(tmp_path / "ranks.png")
    diagnostics.plot_coverage(np.linspace(0, 1, 11), np.linspace(0, 1, 11) ** 0.9).savefig(tmp_path / "coverage.png")
    assert (tmp_path / "ranks.png").stat().st_size > 1000 and (tmp_path / "coverage.png").stat().st_size > 1000


def test_npy_files_round_trip_with_numpy(tmp_path):
    import ctypes
    from hylo._lib import c_double_p, lib

    a = np.random.default_rng(0).normal(size=(7, 3))
    np.save(tmp_path / "a.npy", a)
    rows, cols = ctypes.c_size_t(), ctypes.c_size_t()
    lib.hylo_npy_shape(str(tmp_path / "a.npy").encode(), ctypes.byref(rows), ctypes.byref(cols))
    assert (rows.value, cols.value) == (7, 3)
    out = np.empty(21)
    lib.hylo_npy_read(str(tmp_path / "a.npy").encode(), out.ctypes.data_as(c_double_p), 21)
    assert out.reshape(7, 3).tobytes() == a.tobytes()
    with pytest.raises(hylo.BufferTooSmall, match="capacity is 20"):
        lib.hylo_npy_read(str(tmp_path / "a.npy").encode(), out.ctypes.data_as(c_double_p), 20)
    np.save(tmp_path / "f.npy", np.asfortranarray(a.astype(np.float32)))
    lib.hylo_npy_read(str(tmp_path / "f.npy").encode(), out.ctypes.data_as(c_double_p), 21)
    np.testing.assert_array_equal(out.reshape(7, 3), a.astype(np.float32).astype(np.float64))
    lib.hylo_npy_write(str(tmp_path / "b.npy").encode(), a.ctypes.data_as(c_double_p), 7, 3)
    assert np.load(tmp_path / "b.npy").tobytes() == a.tobytes()
    np.save(tmp_path / "i.npy", np.arange(4))
    with pytest.raises(hylo.FileFormatError, match="dtype"):
        lib.hylo_npy_shape(str(tmp_path / "i.npy").encode(), None, None)
    (tmp_path / "t.npy").write_bytes((tmp_path / "b.npy").read_bytes()[:-8])
    with pytest.raises(hylo.FileFormatError, match="needs 168"):
        lib.hylo_npy_shape(str(tmp_path / "t.npy").encode(), None, None)


def test_npe_from_npy_files(tmp_path):
    prior = sbi.BoxUniform([0, 0], [1, 1])
    theta = prior.sample((500,), seed=1)
    x = theta + 0.05
    x[3] = np.nan
    np.save(tmp_path / "theta.npy", theta)
    np.save(tmp_path / "x.npy", x)
    npe = sbi.NPE(prior).append_simulations_from_npy(tmp_path / "theta.npy", tmp_path / "x.npy")
    assert npe.num_excluded == 1
    posterior = npe.train(max_num_epochs=3)
    assert posterior.sample((10,), x=[0.5, 0.5]).shape == (10, 2)


def test_vectorized_simulator():
    prior = sbi.BoxUniform([0, 0], [1, 1])
    calls = []

    def batch(theta):
        calls.append(len(theta))
        x = theta * 2
        x[theta[:, 0] > 0.9] = np.nan
        return x

    theta, x = sbi.simulate(batch, prior, 1000, vectorized=True, batch_size=300, num_workers=2)
    assert sorted(calls[1:]) == [100, 300, 300, 300]
    ok = ~np.isnan(x[:, 0])
    np.testing.assert_array_equal(x[ok], 2 * theta[ok])
    assert (~ok).sum() == (theta[:, 0] > 0.9).sum()


def test_unbounded_theta_keeps_every_draw_in_the_support():
    # a positive rate with a log-normal prior: learned as log θ, so no draw is rejected
    prior = sbi.Independent([("lognormal", -1.0, 0.5), ("uniform", 0.0, 1.0)])

    def noisy(theta, rng):
        return np.log(theta) + 0.1 * rng.normal(size=theta.shape)

    theta, x = sbi.simulate(noisy, prior, 2000, seed=4)
    npe = sbi.NPE(prior, density_estimator="nsf", num_transforms=2, unbounded_theta=True)
    posterior = npe.append_simulations(theta, x).train(max_num_epochs=20)
    samples = posterior.sample((2000,), x=[np.log(0.4), np.log(0.5)], seed=1)
    assert posterior.acceptance_rate == 1.0
    assert (samples > 0).all() and (samples[:, 1] < 1).all()
    np.testing.assert_allclose(np.median(samples, 0), [0.4, 0.5], rtol=0.15)


@pytest.mark.parametrize("method", ["nle", "nre"])
def test_nle_and_nre_in_unbounded_coordinates(tmp_path, method):
    # θ ~ U(0, 1)², x ~ N(θ, 0.05²): the models see logit θ; the posterior is still ≈ N(x, 0.05²)
    prior = sbi.BoxUniform([0.0, 0.0], [1.0, 1.0])

    def noisy(theta, rng):
        return theta + 0.05 * rng.normal(size=theta.shape)

    theta, x = sbi.simulate(noisy, prior, 3000, seed=2)
    inference = sbi.NLE(prior, hidden_features=32, num_transforms=3, unbounded_theta=True) if method == "nle" \
        else sbi.NRE(prior, hidden_features=32, unbounded_theta=True)
    posterior = inference.append_simulations(theta, x).train(max_num_epochs=60, learning_rate=2e-3)
    samples = posterior.sample((2000,), x=[0.3, 0.6], seed=1)
    np.testing.assert_allclose(samples.mean(0), [0.3, 0.6], atol=0.03)
    path = tmp_path / "posterior.safetensors"
    posterior.save(path)
    again = sbi.load(path)
    np.testing.assert_array_equal(again.sample((50,), x=[0.3, 0.6], seed=3), posterior.sample((50,), x=[0.3, 0.6], seed=3))
    with pytest.raises(hylo.HyloError, match="support"):
        sbi.NLE(prior, unbounded_theta=True).append_simulations(np.full((10, 2), 2.0), np.zeros((10, 2))).train()


@pytest.mark.parametrize("method, options", [
    ("nle", {"hidden_features": 32, "num_transforms": 3}),
    ("nre", {"loss": "nre_c", "hidden_features": 32}),
])
def test_nle_and_nre_posteriors_by_mcmc_and_importance_sampling(tmp_path, method, options):
    prior = sbi.Gaussian(np.zeros(2), 0.1 * np.eye(2))
    theta, x = sbi.simulate(gaussian_linear, prior, 4000, num_workers=2, seed=0)
    inference = (sbi.NLE if method == "nle" else sbi.NRE)(prior, **options)
    posterior = inference.append_simulations(theta, x).train(learning_rate=1e-3, max_num_epochs=60)
    x_o = np.array([0.4, -0.2])
    seen = []
    samples = posterior.sample((2000,), x=x_o, seed=1, num_chains=10,
                               progress=lambda stage, done, total, _: seen.append((stage, done, total)))
    assert seen and seen[0][0] == "mcmc" and seen[-1][1] == seen[-1][2]
    np.testing.assert_allclose(samples.mean(0), x_o / 2, atol=0.05)
    np.testing.assert_allclose(samples.var(0), 0.05, rtol=0.3)
    assert (posterior.mcmc_diagnostics["rhat"] < 1.1).all() and (posterior.mcmc_diagnostics["ess"] > 100).all()
    nuts = posterior.sample((1000,), x=x_o, seed=2, mcmc_method="nuts", num_chains=4, warmup_steps=100)
    np.testing.assert_allclose(nuts.mean(0), x_o / 2, atol=0.06)
    assert 0.5 < posterior.mcmc_diagnostics["acceptance_rate"] <= 1
    weighted = posterior.sample((2000,), x=x_o, seed=3, sample_with="importance")
    np.testing.assert_allclose(weighted.mean(0), x_o / 2, atol=0.05)
    with pytest.raises(hylo.OptionError, match="sample_with"):
        posterior.sample((10,), x=x_o, sample_with="direct")
    with pytest.raises(hylo.OptionError, match="max_proposals"):
        posterior.sample((10,), x=x_o, max_proposals=10)
    # the potential is finite inside the support, and MAP finds the mode
    assert np.isfinite(posterior.log_prob([x_o / 2], x=x_o)).all()
    np.testing.assert_allclose(posterior.map(x=x_o, num_iter=200), x_o / 2, atol=0.06)
    # a time budget returns what it has
    with pytest.raises(hylo.BudgetExhausted) as budget:
        posterior.sample((10_000_000,), x=x_o, max_seconds=0.3, num_chains=2)
    assert 0 < len(budget.value.samples) < 10_000_000

    path = tmp_path / "posterior.safetensors"
    posterior.save(path)
    code = ("import numpy as np; from hylo import sbi; "
            f"p = sbi.load({str(path)!r}); np.save({str(tmp_path / 's.npy')!r}, p.sample((2000,), x=[0.4, -0.2], seed=1, num_chains=10))")
    subprocess.run([sys.executable, "-c", code], check=True)
    assert np.load(tmp_path / "s.npy").tobytes() == samples.tobytes()


def test_nre_refuses_bad_options():
    prior = sbi.BoxUniform([0], [1])
    with pytest.raises(hylo.OptionError, match="loss"):
        sbi.NRE(prior, loss="nre_z")
    with pytest.raises(hylo.OptionError, match="num_atoms"):
        sbi.NRE(prior, loss="nre_b", num_atoms=1)
    with pytest.raises(hylo.OptionError, match="num_atoms"):
        sbi.NRE(prior, loss="nre_a", num_atoms=4)


def test_sequential_rounds_focus_on_the_observation():
    """SNPE-C, TSNPE and SNLE over two rounds of a Gaussian linear model with a known posterior
    N(x_o / 2, 0.05 I)."""
    prior = sbi.Gaussian([0, 0], [[0.1, 0], [0, 0.1]])
    x_o = np.array([0.4, -0.2])
    estimator = {"hidden_features": 32, "num_transforms": 3}
    for method in ("snpe", "tsnpe"):
        posterior = sbi.infer(gaussian_linear, prior, method=method, num_simulations=1500, num_rounds=2, x_o=x_o,
                              seed=1, training={"learning_rate": 2e-3, "max_num_epochs": 100}, **estimator)
        s = posterior.sample((4000,), seed=2)
        np.testing.assert_allclose(s.mean(0), x_o / 2, atol=0.04, err_msg=method)
        np.testing.assert_allclose(s.var(0), 0.05, rtol=0.25, err_msg=method)
    posterior = sbi.infer(gaussian_linear, prior, method="snle", num_simulations=1000, num_rounds=2, x_o=x_o,
                          training={"learning_rate": 2e-3, "max_num_epochs": 60}, **estimator)
    s = posterior.sample((2000,), seed=2, num_chains=10)
    np.testing.assert_allclose(s.mean(0), x_o / 2, atol=0.05)
    with pytest.raises(ValueError, match="pass x_o"):
        sbi.infer(gaussian_linear, prior, method="snpe", num_rounds=2)
    with pytest.raises(hylo.ShapeError, match="outside the prior's support"):
        box = sbi.BoxUniform([0, 0], [1, 1])
        sbi.NPE(box).append_simulations([[2.0, 0.5]], [[0.0, 0.0]], proposal="round 1 posterior")
    truncated = posterior.sample_truncated_prior((500,), x=x_o, quantile=1e-3, seed=4)
    assert truncated.shape == (500, 2) and 0 < posterior.truncated_prior_mass < 1


def test_ensemble_of_npe_and_nle(tmp_path):
    """An NPE and an NLE of the same Gaussian linear model, mixed 1 : 1: samples follow the
    posterior N(x_o / 2, 0.05 I); the ensemble saves, reloads and samples bit-identically."""
    prior = sbi.Gaussian([0, 0], [[0.1, 0], [0, 0.1]])
    theta, x = sbi.simulate(gaussian_linear, prior, 2000, seed=3)
    options = {"hidden_features": 32, "num_transforms": 3}
    training = {"learning_rate": 2e-3, "max_num_epochs": 60}
    members = [sbi.NPE(prior, **options).append_simulations(theta, x).train(**training),
               sbi.NLE(prior, **options).append_simulations(theta, x).train(**training)]
    ensemble = sbi.EnsemblePosterior(members)
    x_o = np.array([0.4, -0.2])
    s = ensemble.sample((3000,), x=x_o, seed=1, num_chains=10)
    np.testing.assert_allclose(s.mean(0), x_o / 2, atol=0.04)
    ensemble.save(tmp_path / "ensemble.safetensors")
    loaded = sbi.load(tmp_path / "ensemble.safetensors")
    assert loaded.kind == "ensemble"
    np.testing.assert_array_equal(loaded.sample((200,), x=x_o, seed=5), ensemble.sample((200,), x=x_o, seed=5))
    with pytest.raises(hylo.ShapeError, match="positive"):
        sbi.EnsemblePosterior(members, weights=[1, 0])


def test_fmpe_from_python(tmp_path):
    prior = sbi.Gaussian([0, 0], [[0.1, 0], [0, 0.1]])
    theta, x = sbi.simulate(gaussian_linear, prior, 3000, seed=4)
    fmpe = sbi.FMPE(prior, hidden_features=32, num_blocks=2, num_steps=20).append_simulations(theta, x)
    posterior = fmpe.train(learning_rate=2e-3, max_num_epochs=150, stop_after_epochs=150)
    assert posterior.kind == "fmpe" and fmpe.training_result["epochs"] == 150
    x_o = np.array([0.4, -0.2])
    s = posterior.sample((3000,), x=x_o, seed=1)
    np.testing.assert_allclose(s.mean(0), x_o / 2, atol=0.04)
    np.testing.assert_allclose(s.var(0), 0.05, rtol=0.3)
    lp = posterior.log_prob([x_o / 2], x=x_o)[0]
    assert abs(lp - (-np.log(2 * np.pi * 0.05))) < 0.3
    posterior.save(tmp_path / "fmpe.safetensors")
    assert sbi.load(tmp_path / "fmpe.safetensors").kind == "fmpe"


def test_misspecification_check():
    prior = sbi.Gaussian([0, 0], [[0.1, 0], [0, 0.1]])
    theta, x = sbi.simulate(gaussian_linear, prior, 3000, seed=5)
    p_ok, _ = sbi.misspecification_mmd([[0.1, -0.2]], x, num_permutations=300)
    p_far, mmd = sbi.misspecification_mmd([[3.0, -3.0]], x, num_permutations=300)
    assert p_ok > 0.05 and p_far < 0.01 and mmd > 0
    posterior = sbi.NPE(prior, hidden_features=16, num_transforms=1, embedding_features=4).append_simulations(theta, x).train(
        max_num_epochs=5)
    p_embedded, _ = sbi.misspecification_mmd([[3.0, -3.0]], x, posterior=posterior, num_permutations=300)
    assert p_embedded < 0.05
    with pytest.raises(hylo.InvalidArgumentError, match="too few"):
        sbi.misspecification_mmd([[0.0, 0.0]], x[:3])


def test_tmnre_rounds_and_marginals(tmp_path):
    """θ ~ U[−2, 2]³, x = θ + 0.3 ε: the marginal posteriors at x_o are N(x_o, 0.09)."""
    prior = sbi.BoxUniform([-2, -2, -2], [2, 2, 2])
    x_o = np.array([0.5, -1.0, 1.2])
    tmnre = sbi.TMNRE(prior, pairs=[(0, 1)], hidden_features=32)
    assert tmnre.marginals == [(0,), (1,), (2,), (0, 1)]
    rng = np.random.default_rng(0)
    theta = prior.sample((2000,), seed=1)
    for r in range(2):
        tmnre.append_simulations(theta, theta + 0.3 * rng.normal(size=theta.shape))
        tmnre.train(learning_rate=2e-3, max_num_epochs=60)
        low, high = tmnre.truncate(x_o, threshold=1e-5, num_samples=20_000)
        assert np.all(low <= np.maximum(x_o - 1.2, -2) + 0.05) and np.all(high >= np.minimum(x_o + 1.2, 2) - 0.05)
        theta = tmnre.sample_truncated_prior((2000,), seed=r)
        assert np.all((theta >= low) & (theta <= high))
    for j in range(3):
        s = tmnre.marginal_samples(j, x_o, 20_000, weighted=False)
        assert abs(s.mean() - x_o[j]) < 0.1 and abs(s.var() - 0.09) < 0.03  # a third of the posterior σ
    pair, weights = tmnre.marginal_samples(3, x_o, 1000)
    assert pair.shape == (1000, 2) and abs(weights.sum() - 1) < 1e-12
    tmnre.save(tmp_path / "tmnre.safetensors")
    loaded = sbi.TMNRE.load(tmp_path / "tmnre.safetensors", prior)
    assert loaded.marginals == tmnre.marginals
    np.testing.assert_array_equal(loaded.marginal_samples(0, x_o, 300, seed=4)[1], tmnre.marginal_samples(0, x_o, 300, seed=4)[1])


def test_calibration_options_train_npe_and_nre():
    """The conservative penalty from Python (the Swift test checks coverage); bad values are refused."""
    prior = sbi.Gaussian([0, 0], [[1, 0], [0, 1]])
    theta, x = sbi.simulate(lambda t, rng: t + 0.5 * rng.normal(size=2), prior, 300, seed=6)
    for cls in (sbi.NPE, sbi.NRE):
        est = cls(prior, hidden_features=16).append_simulations(theta, x)
        est.train(calibration="conservative", calibration_samples=8, max_num_epochs=3, training_batch_size=50)
        assert est.training_result["epochs"] == 3
    with pytest.raises(hylo.OptionError, match="calibration"):
        sbi.NPE(prior).append_simulations(theta, x).train(calibration="loose")
    with pytest.raises(hylo.OptionError, match="unknown option 'calibration'"):
        sbi.NLE(prior).append_simulations(theta, x).train(calibration="conservative")
