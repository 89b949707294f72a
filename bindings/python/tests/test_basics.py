import ctypes

import pytest

import hylo
from hylo._lib import lib


def test_versions_match():
    assert hylo.library_version() == hylo.HEADER_VERSION
    assert hylo.__version__ == "0.1.0"


def test_status_strings():
    assert hylo.status_string(0) == "ok"
    assert hylo.status_string(-5) == "invalid option"
    assert hylo.status_string(7) == "unknown status"


def test_errors_carry_the_library_message():
    with pytest.raises(hylo.NullArgumentError, match="hylo_mlp_create: out is NULL") as info:
        lib.hylo_mlp_create(1, 1, None, None)
    assert info.value.status == -1
    assert isinstance(info.value, ValueError)


def test_options_validate_types_and_names():
    with hylo.Options({"a": 1, "b": 2.5, "c": "x", "d": True}) as o:
        assert len(o) == 4
        with pytest.raises(TypeError):
            o["e"] = [1]
        with pytest.raises(hylo.NotFiniteError, match="options must be finite"):
            o["f"] = float("nan")
        with pytest.raises(hylo.InvalidArgumentError, match="key is empty"):
            o[""] = 1


def test_closed_handle_is_refused():
    o = hylo.Options()
    o.close()
    o.close()  # idempotent
    with pytest.raises(ValueError, match="closed"):
        o["x"] = 1


def test_unknown_option_names_the_accepted_ones():
    with pytest.raises(hylo.OptionError, match="unknown option 'widht'.*hidden_features"):
        hylo.MLPRegressor(1, 1, widht=3)
    with pytest.raises(hylo.OptionError, match="'activation' is 'swish'; it must be one of"):
        hylo.MLPRegressor(1, 1, activation="swish")


def test_only_hylo_symbols_are_exported():
    with pytest.raises(AttributeError):
        ctypes.CDLL(lib._name).swift_retain  # the Swift runtime is linked statically and hidden
