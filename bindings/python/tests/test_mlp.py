import subprocess
import sys
import threading

import numpy as np
import pytest

import hylo


def data(n=256, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2))
    y = np.stack([np.sin(2 * x[:, 0]) * x[:, 1], x[:, 0] ** 2], axis=1)
    return x, y


def test_lbfgs_fit_is_accurate_and_reports_why_it_stopped():
    x, y = data()
    model = hylo.MLPRegressor(2, 2, hidden_features=32, seed=3).fit(x, y, optimizer="lbfgs", max_epochs=400)
    result = model.training_result
    assert result["stop_reason"] in {"max_iterations", "gradient_tolerance", "function_tolerance", "line_search_failed"}
    assert 0 < result["epochs"] <= 400
    xt, yt = data(100, seed=1)
    rel = np.linalg.norm(model.predict(xt) - yt) / np.linalg.norm(yt)
    assert rel < 0.02


def test_adam_fit_with_early_stopping():
    x, y = data(512)
    model = hylo.MLPRegressor(2, 2, hidden_features=32, activation="gelu")
    model.fit(x, y, learning_rate=3e-3, max_epochs=400, patience=15, batch_size=64)
    r = model.training_result
    assert r["stop_reason"] in {"converged", "max_epochs"}
    assert np.linalg.norm(model.predict(x) - y) / np.linalg.norm(y) < 0.05


def test_jacobian_matches_finite_differences():
    x, y = data(64)
    model = hylo.MLPRegressor(2, 2, hidden_features=16).fit(x, y, optimizer="lbfgs", max_epochs=50)
    point = np.array([[0.3, -0.2]])
    jac = model.jacobian(point)[0]
    h = 1e-6
    for j in range(2):
        e = np.zeros((1, 2))
        e[0, j] = h
        fd = (model.predict(point + e) - model.predict(point - e))[0] / (2 * h)
        np.testing.assert_allclose(jac[:, j], fd, rtol=1e-6, atol=1e-8)


def test_saved_model_reloads_bit_exactly_in_a_new_process(tmp_path):
    x, y = data(128)
    model = hylo.MLPRegressor(2, 2, hidden_features=8, residual=True, hidden_layers=3, layer_norm=True)
    model.fit(x, y, max_epochs=20)
    path = tmp_path / "model.safetensors"
    model.save(path)
    expected = model.predict(x)
    np.save(tmp_path / "x.npy", x)
    code = (
        "import numpy as np, hylo, sys; "
        f"m = hylo.MLPRegressor.load({str(path)!r}); "
        f"np.save({str(tmp_path / 'y.npy')!r}, m.predict(np.load({str(tmp_path / 'x.npy')!r})))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    reloaded = np.load(tmp_path / "y.npy")
    assert reloaded.tobytes() == expected.tobytes()


def test_safetensors_file_is_readable_as_plain_safetensors(tmp_path):
    import json
    import struct

    model = hylo.MLPRegressor(3, 1, hidden_features=4)
    path = tmp_path / "m.safetensors"
    model.save(path)
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    assert header["__metadata__"]["format"] == "hylo"
    w = header["network.input.weight"]
    assert w["dtype"] == "F64" and w["shape"] == [3, 4]
    begin, end = w["data_offsets"]
    weights = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype="<f8").reshape(3, 4)
    assert np.all(np.isfinite(weights))


def test_progress_callback_cancels_and_model_stays_usable():
    x, y = data(64)
    model = hylo.MLPRegressor(2, 2)
    seen = []
    with pytest.raises(hylo.Cancelled, match="cancelled by the progress callback after 3 epochs"):
        model.fit(x, y, progress=lambda stage, done, total, loss: seen.append((stage, done)) or done < 3)
    assert seen == [("train", 1), ("train", 2), ("train", 3)]
    assert model.training_result["stop_reason"] == "cancelled"
    assert model.predict(x).shape == (64, 2)


def test_exception_in_callback_is_reraised():
    x, y = data(64)

    def boom(*args):
        raise KeyError("from the callback")

    with pytest.raises(KeyError, match="from the callback"):
        hylo.MLPRegressor(2, 2).fit(x, y, progress=boom)


def test_shared_model_predicts_from_many_threads():
    x, y = data(64)
    model = hylo.MLPRegressor(2, 2).fit(x, y, max_epochs=5)
    expected = model.predict(x)
    results = []

    def work():
        for _ in range(20):
            results.append(np.array_equal(model.predict(x), expected))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results) and len(results) == 80


def test_results_do_not_depend_on_the_number_of_threads(tmp_path):
    """Kernels split over threads must give bit-identical training and predictions."""
    code = (
        "import numpy as np, hylo; "
        "rng = np.random.default_rng(0); x = rng.normal(size=(4096, 8)); y = np.tanh(x[:, :2]); "
        "m = hylo.MLPRegressor(8, 2, hidden_features=128, seed=1).fit(x, y, max_epochs=3, batch_size=1024); "
        "np.save({path!r}, m.predict(x))"
    )
    import os
    outputs = []
    for threads in ("1", "2"):
        path = str(tmp_path / f"y{threads}.npy")
        env = dict(os.environ, HYLO_NUM_THREADS=threads)
        subprocess.run([sys.executable, "-c", code.format(path=path)], check=True, env=env)
        outputs.append(np.load(path))
    assert outputs[0].tobytes() == outputs[1].tobytes()
