"""Bad input reaches the library and comes back as an exception with a message, never a crash.
Each case is one line: (description, call, expected exception, message fragment)."""

import ctypes

import numpy as np
import pytest

import hylo
from hylo._lib import PROGRESS_FN, c_double_p, lib

NULL = None
x4 = np.arange(4.0)
nan4 = np.array([0.0, np.nan, 2.0, 3.0])


#: Kept alive for the whole module: a handle must outlive every call that uses its pointer.
OPTS = hylo.Options()


def p(a):
    return a.ctypes.data_as(c_double_p)


@pytest.fixture(scope="module")
def m():
    with hylo.MLPRegressor(1, 1) as model:
        yield model


@pytest.fixture(scope="module")
def trained(m):
    return m


CASES = [
    ("options_create NULL", lambda m: lib.hylo_options_create(None), hylo.NullArgumentError, "out is NULL"),
    ("set_int NULL handle", lambda m: lib.hylo_options_set_int(None, b"k", 1), hylo.NullArgumentError, "opts is NULL"),
    ("set_int NULL key", lambda m: lib.hylo_options_set_int(OPTS._p(), None, 1), hylo.NullArgumentError, "key is NULL"),
    ("set_double inf", lambda m: lib.hylo_options_set_double(OPTS._p(), b"k", float("inf")), hylo.NotFiniteError, "finite"),
    ("set_string NULL value", lambda m: lib.hylo_options_set_string(OPTS._p(), b"k", None), hylo.NullArgumentError, "value is NULL"),
    ("options_count NULL out", lambda m: lib.hylo_options_count(OPTS._p(), None), hylo.NullArgumentError, "out is NULL"),
    ("mlp_create zero inputs", lambda m: hylo.MLPRegressor(0, 1), hylo.InvalidArgumentError, "n_inputs is 0"),
    ("mlp_create huge", lambda m: lib.hylo_mlp_create(2**63, 1, None, ctypes.byref(ctypes.c_void_p())), hylo.InvalidArgumentError, "at most"),
    ("mlp_create bad option type", lambda m: hylo.MLPRegressor(1, 1, hidden_layers="two"), hylo.OptionError, "expects an integer"),
    ("mlp_create out of range", lambda m: hylo.MLPRegressor(1, 1, hidden_layers=1000), hylo.OptionError, "0…64"),
    ("train NULL handle", lambda m: lib.hylo_mlp_train(None, p(x4), p(x4), 4, None, PROGRESS_FN(), None), hylo.NullArgumentError, "mlp is NULL"),
    ("train NULL x", lambda m: lib.hylo_mlp_train(m._p(), None, p(x4), 4, None, PROGRESS_FN(), None), hylo.NullArgumentError, "x (with 4 elements"),
    ("train zero n", lambda m: lib.hylo_mlp_train(m._p(), p(x4), p(x4), 0, None, PROGRESS_FN(), None), hylo.InvalidArgumentError, "n is 0"),
    ("train NaN", lambda m: m.fit(nan4, x4), hylo.NotFiniteError, "x[1] is nan"),
    ("train bad lr", lambda m: m.fit(x4, x4, learning_rate=0.0), hylo.OptionError, "learning_rate"),
    ("train unknown optimizer", lambda m: m.fit(x4, x4, optimizer="rmsprop"), hylo.OptionError, "adam, adamw, sgd, lbfgs"),
    ("train row mismatch", lambda m: m.fit(x4, x4[:3]), ValueError, "x has 4 rows but y has 3"),
    ("predict NULL out", lambda m: lib.hylo_mlp_predict(m._p(), p(x4), 4, None), hylo.NullArgumentError, "out is NULL"),
    ("predict NaN", lambda m: m.predict(nan4), hylo.NotFiniteError, "x[1] is nan"),
    ("predict wrong columns", lambda m: m.predict(np.zeros((3, 2))), ValueError, "expected (n, 1)"),
    ("jacobian NULL handle", lambda m: lib.hylo_mlp_jacobian(None, p(x4), 4, p(x4)), hylo.NullArgumentError, "mlp is NULL"),
    ("sizes NULL handle", lambda m: lib.hylo_mlp_sizes(None, None, None, None), hylo.NullArgumentError, "mlp is NULL"),
    ("save NULL path", lambda m: lib.hylo_mlp_save(m._p(), None), hylo.NullArgumentError, "path is NULL"),
    ("save to missing dir", lambda m: m.save("/nonexistent-dir/m.safetensors"), hylo.HyloIOError, "cannot write"),
    ("load missing file", lambda m: hylo.MLPRegressor.load("/nonexistent.safetensors"), hylo.HyloIOError, "cannot read"),
    ("load NULL out", lambda m: lib.hylo_mlp_load(b"x", None), hylo.NullArgumentError, "out is NULL"),
]


@pytest.mark.parametrize("name,call,error,fragment", CASES, ids=[c[0] for c in CASES])
def test_bad_input(m, name, call, error, fragment):
    with pytest.raises(error, match=None) as info:
        call(m)
    assert fragment in str(info.value)


def test_untrained_model_has_no_training_result():
    with pytest.raises(hylo.StateError, match="has not been trained"):
        hylo.MLPRegressor(1, 1).training_result


@pytest.mark.parametrize("content,fragment", [
    (b"", "truncated"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * 16, "not a safetensors file"),
    (b"\x10\x00\x00\x00\x00\x00\x00\x00{\"a\":1}         ", "not valid safetensors JSON"),
])
def test_foreign_files_are_rejected(tmp_path, content, fragment):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    with pytest.raises(hylo.FileFormatError, match=fragment):
        hylo.MLPRegressor.load(path)


def test_truncated_and_flipped_files_are_rejected(tmp_path):
    path = tmp_path / "good.safetensors"
    hylo.MLPRegressor(2, 1).save(path)
    raw = path.read_bytes()
    (tmp_path / "cut.safetensors").write_bytes(raw[:-5])
    with pytest.raises(hylo.FileFormatError, match="truncated"):
        hylo.MLPRegressor.load(tmp_path / "cut.safetensors")
    flipped = bytearray(raw)
    flipped[-20] ^= 0x01
    (tmp_path / "flip.safetensors").write_bytes(bytes(flipped))
    with pytest.raises(hylo.FileFormatError, match="checksum"):
        hylo.MLPRegressor.load(tmp_path / "flip.safetensors")
