"""Finds libhylo, declares every C prototype once, and checks versions.

The library is looked up in this order: the ``HYLO_LIBRARY`` environment variable (a path), the
package's own ``lib/`` folder, a build folder of the source tree this package sits in
(``build/lib`` from CMake, then ``.build/release`` from SwiftPM), and the system's library path.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path

from .errors import error_for_status

#: The header version these bindings were written against (include/hylo.h).
HEADER_VERSION = (0, 1, 0)

c_double_p = ctypes.POINTER(ctypes.c_double)
c_size_t_p = ctypes.POINTER(ctypes.c_size_t)
c_int64_p = ctypes.POINTER(ctypes.c_int64)
c_char_pp = ctypes.POINTER(ctypes.c_char_p)
c_void_pp = ctypes.POINTER(ctypes.c_void_p)

c_int32_p = ctypes.POINTER(ctypes.c_int32)

#: int32_t (*)(const double *theta, size_t dim_theta, double *x, size_t dim_x, uint64_t seed, void *user_data)
SIMULATOR_FN = ctypes.CFUNCTYPE(ctypes.c_int32, c_double_p, ctypes.c_size_t, c_double_p, ctypes.c_size_t,
                                ctypes.c_uint64, ctypes.c_void_p)

#: int32_t (*)(const double *theta, size_t n, size_t dim_theta, double *x, size_t dim_x, const uint64_t *seeds,
#:             int32_t *status, void *user_data)
BATCH_SIMULATOR_FN = ctypes.CFUNCTYPE(ctypes.c_int32, c_double_p, ctypes.c_size_t, ctypes.c_size_t, c_double_p,
                                      ctypes.c_size_t, ctypes.POINTER(ctypes.c_uint64), c_int32_p, ctypes.c_void_p)

#: int32_t (*)(double t, const double *y, const double *p, double *out, void *user_data): f and the Jacobian
ODE_RHS_FN = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_double, c_double_p, c_double_p, c_double_p, ctypes.c_void_p)

#: int32_t (*)(double t, const double *y, const double *p, const double *v, double *out, void *user_data)
ODE_PRODUCT_FN = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_double, c_double_p, c_double_p, c_double_p, c_double_p,
                                  ctypes.c_void_p)

#: int32_t (*)(const double *times, const double *states, size_t num_times, size_t n, double *loss,
#:             double *cotangents, void *user_data)
ODE_LOSS_FN = ctypes.CFUNCTYPE(ctypes.c_int32, c_double_p, c_double_p, ctypes.c_size_t, ctypes.c_size_t, c_double_p,
                               c_double_p, ctypes.c_void_p)

#: int32_t (*)(double t, double dt, const double *u, double *u_next, void *user_data)
STEP_FN = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_double, ctypes.c_double, c_double_p, c_double_p, ctypes.c_void_p)

#: int32_t (*)(double t, double dt, const double *u, const double *v, double *u_bar, void *user_data)
STEP_VJP_FN = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_double, ctypes.c_double, c_double_p, c_double_p, c_double_p,
                               ctypes.c_void_p)

#: int32_t (*)(const char *stage, int64_t done, int64_t total, double loss, void *user_data)
PROGRESS_FN = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_char_p, ctypes.c_int64, ctypes.c_int64,
                               ctypes.c_double, ctypes.c_void_p)


def _candidates():
    env = os.environ.get("HYLO_LIBRARY")
    if env:
        yield Path(env)
        return
    here = Path(__file__).resolve().parent
    yield from sorted((here / "lib").glob("libhylo.so*"))
    for parent in here.parents:
        yield parent / "build" / "lib" / "libhylo.so"
        yield parent / ".build" / "release" / "libhylo.so"
    found = ctypes.util.find_library("hylo")
    if found:
        yield Path(found)


def _load() -> ctypes.CDLL:
    tried = []
    for path in _candidates():
        if path.name.startswith("libhylo") and (path.exists() or "/" not in str(path)):
            try:
                return ctypes.CDLL(str(path))
            except OSError as error:  # pragma: no cover - reported below
                tried.append(f"{path}: {error}")
        else:
            tried.append(f"{path}: not found")
    raise ImportError("libhylo.so was not found; build it (cmake --build build) or set HYLO_LIBRARY.\n"
                      + "\n".join(tried[:8]))


lib = _load()


def _check(status, func, args):
    if status != 0:
        message = lib.hylo_last_error().decode("utf-8", "replace")
        raise error_for_status(status, message)
    return status


# name: (restype, argtypes); a restype of int32 means "returns hylo_status" and gets the errcheck.
_STATUS = ctypes.c_int32
_PROTOTYPES = {
    "hylo_version_number": (ctypes.c_int32, []),
    "hylo_version_string": (ctypes.c_char_p, []),
    "hylo_status_string": (ctypes.c_char_p, [ctypes.c_int32]),
    "hylo_last_error": (ctypes.c_char_p, []),
    "hylo_options_create": (_STATUS, [c_void_pp]),
    "hylo_options_free": (None, [ctypes.c_void_p]),
    "hylo_options_set_int": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int64]),
    "hylo_options_set_double": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_double]),
    "hylo_options_set_string": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]),
    "hylo_options_clear": (_STATUS, [ctypes.c_void_p]),
    "hylo_options_count": (_STATUS, [ctypes.c_void_p, c_size_t_p]),
    "hylo_mlp_create": (_STATUS, [ctypes.c_size_t, ctypes.c_size_t, ctypes.c_void_p, c_void_pp]),
    "hylo_mlp_free": (None, [ctypes.c_void_p]),
    "hylo_mlp_train": (_STATUS, [ctypes.c_void_p, c_double_p, c_double_p, ctypes.c_size_t, ctypes.c_void_p,
                                 PROGRESS_FN, ctypes.c_void_p]),
    "hylo_mlp_training_result": (_STATUS, [ctypes.c_void_p, c_int64_p, c_double_p, c_char_pp]),
    "hylo_mlp_predict": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t, c_double_p]),
    "hylo_mlp_jacobian": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t, c_double_p]),
    "hylo_mlp_sizes": (_STATUS, [ctypes.c_void_p, c_size_t_p, c_size_t_p, c_size_t_p]),
    "hylo_mlp_save": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p]),
    "hylo_mlp_load": (_STATUS, [ctypes.c_char_p, c_void_pp]),
    "hylo_prior_create_box_uniform": (_STATUS, [c_double_p, c_double_p, ctypes.c_size_t, c_void_pp]),
    "hylo_prior_create_gaussian": (_STATUS, [c_double_p, c_double_p, ctypes.c_size_t, c_void_pp]),
    "hylo_prior_create_independent": (_STATUS, [c_int32_p, c_double_p, ctypes.c_size_t, c_void_pp]),
    "hylo_prior_free": (None, [ctypes.c_void_p]),
    "hylo_prior_dimension": (_STATUS, [ctypes.c_void_p, c_size_t_p]),
    "hylo_prior_sample": (_STATUS, [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint64, c_double_p]),
    "hylo_prior_log_prob": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t, c_double_p]),
    "hylo_simulate": (_STATUS, [SIMULATOR_FN, ctypes.c_void_p, c_double_p, ctypes.c_size_t, ctypes.c_size_t,
                                ctypes.c_size_t, ctypes.c_void_p, PROGRESS_FN, ctypes.c_void_p, c_double_p,
                                c_int32_p, c_size_t_p]),
    "hylo_simulate_batched": (_STATUS, [BATCH_SIMULATOR_FN, ctypes.c_void_p, c_double_p, ctypes.c_size_t, ctypes.c_size_t,
                                        ctypes.c_size_t, ctypes.c_void_p, PROGRESS_FN, ctypes.c_void_p, c_double_p,
                                        c_int32_p, c_size_t_p]),
    "hylo_abc_rejection": (_STATUS, [ctypes.c_void_p, SIMULATOR_FN, BATCH_SIMULATOR_FN, ctypes.c_void_p, c_double_p,
                                     ctypes.c_size_t, ctypes.c_void_p, PROGRESS_FN, ctypes.c_void_p, c_void_pp]),
    "hylo_abc_smc": (_STATUS, [ctypes.c_void_p, SIMULATOR_FN, BATCH_SIMULATOR_FN, ctypes.c_void_p, c_double_p,
                               ctypes.c_size_t, ctypes.c_void_p, PROGRESS_FN, ctypes.c_void_p, c_void_pp]),
    "hylo_abc_result_free": (None, [ctypes.c_void_p]),
    "hylo_abc_result_info": (_STATUS, [ctypes.c_void_p, c_size_t_p, c_size_t_p, c_double_p, c_size_t_p, c_size_t_p,
                                       c_size_t_p, c_char_pp]),
    "hylo_abc_result_samples": (_STATUS, [ctypes.c_void_p, c_double_p, c_double_p, c_double_p, ctypes.c_size_t]),
    "hylo_abc_result_epsilons": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t]),
    "hylo_abc_result_resample": (_STATUS, [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint64, c_double_p]),
    "hylo_posterior_free": (None, [ctypes.c_void_p]),
    "hylo_posterior_dimensions": (_STATUS, [ctypes.c_void_p, c_size_t_p, c_size_t_p]),
    "hylo_posterior_sample": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_uint64,
                                        ctypes.c_void_p, c_double_p, c_size_t_p, c_double_p]),
    "hylo_posterior_method": (_STATUS, [ctypes.c_void_p, c_char_pp]),
    "hylo_posterior_sample_mcmc": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t, ctypes.c_size_t,
                                             ctypes.c_uint64, ctypes.c_void_p, PROGRESS_FN, ctypes.c_void_p, c_double_p,
                                             c_size_t_p, c_double_p, c_double_p, c_double_p]),
    "hylo_posterior_sample_truncated_prior": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t, ctypes.c_size_t,
                                                        ctypes.c_uint64, ctypes.c_void_p, c_double_p, c_size_t_p, c_double_p]),
    "hylo_posterior_ensemble_create": (_STATUS, [c_void_pp, ctypes.c_size_t, c_double_p, c_void_pp]),
    "hylo_posterior_log_prob": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t, c_double_p, ctypes.c_size_t,
                                          ctypes.c_uint64, c_double_p]),
    "hylo_posterior_map": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t, ctypes.c_uint64, ctypes.c_void_p,
                                     c_double_p, c_double_p]),
    "hylo_posterior_save": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p]),
    "hylo_posterior_load": (_STATUS, [ctypes.c_char_p, c_void_pp]),
    "hylo_npy_write": (_STATUS, [ctypes.c_char_p, c_double_p, ctypes.c_size_t, ctypes.c_size_t]),
    "hylo_npy_shape": (_STATUS, [ctypes.c_char_p, c_size_t_p, c_size_t_p]),
    "hylo_npy_read": (_STATUS, [ctypes.c_char_p, c_double_p, ctypes.c_size_t]),
    "hylo_c2st": (_STATUS, [c_double_p, ctypes.c_size_t, c_double_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_uint64,
                            c_double_p]),
    "hylo_posterior_sbc": (_STATUS, [ctypes.c_void_p, c_double_p, c_double_p, ctypes.c_size_t, ctypes.c_size_t,
                                     ctypes.c_size_t, ctypes.c_uint64, c_double_p, c_double_p]),
    "hylo_posterior_expected_coverage": (_STATUS, [ctypes.c_void_p, c_double_p, c_double_p, ctypes.c_size_t,
                                                   ctypes.c_size_t, ctypes.c_size_t, c_double_p, ctypes.c_size_t,
                                                   ctypes.c_uint64, c_double_p]),
    "hylo_posterior_tarp": (_STATUS, [ctypes.c_void_p, c_double_p, c_double_p, ctypes.c_size_t, ctypes.c_size_t,
                                      ctypes.c_size_t, c_double_p, ctypes.c_size_t, ctypes.c_uint64, c_double_p,
                                      c_double_p, c_double_p]),
    "hylo_misspecification_mmd": (_STATUS, [c_double_p, ctypes.c_size_t, c_double_p, ctypes.c_size_t, ctypes.c_size_t,
                                            ctypes.c_void_p, ctypes.c_void_p, c_double_p, c_double_p]),
    "hylo_tmnre_create": (_STATUS, [ctypes.c_void_p, c_size_t_p, ctypes.c_size_t, ctypes.c_void_p, c_void_pp]),
    "hylo_tmnre_free": (None, [ctypes.c_void_p]),
    "hylo_tmnre_append_simulations": (_STATUS, [ctypes.c_void_p, c_double_p, c_double_p, ctypes.c_size_t, ctypes.c_size_t,
                                                c_size_t_p]),
    "hylo_tmnre_train": (_STATUS, [ctypes.c_void_p, ctypes.c_void_p, PROGRESS_FN, ctypes.c_void_p]),
    "hylo_tmnre_truncate": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t, ctypes.c_void_p, c_double_p, c_double_p]),
    "hylo_tmnre_sample_truncated_prior": (_STATUS, [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint64, c_double_p,
                                                    c_size_t_p]),
    "hylo_tmnre_marginal_samples": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_size_t,
                                              ctypes.c_uint64, c_double_p, c_double_p]),
    "hylo_tmnre_marginal": (_STATUS, [ctypes.c_void_p, ctypes.c_size_t, c_size_t_p, c_size_t_p, c_size_t_p]),
    "hylo_tmnre_save": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p]),
    "hylo_tmnre_load": (_STATUS, [ctypes.c_char_p, c_void_pp]),
    "hylo_ode_create": (_STATUS, [ctypes.c_size_t, ctypes.c_size_t, ODE_RHS_FN, ctypes.c_void_p, c_void_pp]),
    "hylo_ode_free": (None, [ctypes.c_void_p]),
    "hylo_ode_set_jacobian": (_STATUS, [ctypes.c_void_p, ODE_RHS_FN]),
    "hylo_ode_set_jvp": (_STATUS, [ctypes.c_void_p, ODE_PRODUCT_FN]),
    "hylo_ode_set_vjp": (_STATUS, [ctypes.c_void_p, ODE_PRODUCT_FN, ODE_PRODUCT_FN]),
    "hylo_ode_derivative_sources": (_STATUS, [ctypes.c_void_p, c_int32_p, ctypes.c_size_t]),
    "hylo_ode_statistics": (_STATUS, [ctypes.c_void_p, c_int64_p, ctypes.c_size_t]),
    "hylo_ode_solve": (_STATUS, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_double, c_double_p, c_double_p, c_double_p,
                                 ctypes.c_size_t, c_double_p]),
    "hylo_ode_solve_batch": (_STATUS, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_double, c_double_p, ctypes.c_size_t,
                                       c_double_p, ctypes.c_size_t, c_double_p, ctypes.c_size_t, c_double_p]),
    "hylo_ode_sensitivities": (_STATUS, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_double, c_double_p, c_double_p,
                                         c_double_p, ctypes.c_size_t, c_double_p, c_double_p]),
    "hylo_ode_gradient": (_STATUS, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_double, c_double_p, c_double_p, c_double_p,
                                    ctypes.c_size_t, ODE_LOSS_FN, ctypes.c_void_p, c_double_p, c_double_p, c_double_p,
                                    c_double_p]),
    "hylo_hybrid_create": (_STATUS, [ctypes.c_void_p, ctypes.c_size_t, c_size_t_p, ctypes.c_size_t, ctypes.c_void_p,
                                     c_void_pp]),
    "hylo_hybrid_free": (None, [ctypes.c_void_p]),
    "hylo_hybrid_num_parameters": (_STATUS, [ctypes.c_void_p, c_size_t_p, c_size_t_p]),
    "hylo_hybrid_get_parameters": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t]),
    "hylo_hybrid_set_parameters": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t]),
    "hylo_hybrid_train": (_STATUS, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_double, c_double_p, ctypes.c_size_t,
                                    c_double_p, ctypes.c_size_t, c_double_p, c_int32_p, PROGRESS_FN, ctypes.c_void_p]),
    "hylo_hybrid_discover": (_STATUS, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_double, c_double_p, ctypes.c_size_t,
                                       c_double_p, ctypes.c_size_t, c_double_p, c_int32_p, c_double_p, ctypes.c_size_t,
                                       c_double_p]),
    "hylo_hybrid_training_result": (_STATUS, [ctypes.c_void_p, c_double_p, c_double_p, c_double_p]),
    "hylo_hybrid_solve": (_STATUS, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_double, c_double_p, c_double_p,
                                    ctypes.c_size_t, c_double_p]),
    "hylo_hybrid_rhs": (_STATUS, [ctypes.c_void_p, ctypes.c_double, c_double_p, c_double_p, c_double_p]),
    "hylo_hybrid_save": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p]),
    "hylo_hybrid_load": (_STATUS, [ctypes.c_char_p, ctypes.c_void_p, c_void_pp]),
    "hylo_corrector_create": (_STATUS, [ctypes.c_size_t, STEP_FN, STEP_VJP_FN, ctypes.c_void_p, ctypes.c_void_p,
                                        c_void_pp]),
    "hylo_corrector_free": (None, [ctypes.c_void_p]),
    "hylo_corrector_num_parameters": (_STATUS, [ctypes.c_void_p, c_size_t_p]),
    "hylo_corrector_get_parameters": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t]),
    "hylo_corrector_set_parameters": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t]),
    "hylo_corrector_train": (_STATUS, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_double, ctypes.c_double, c_double_p,
                                       ctypes.c_size_t, ctypes.c_size_t, PROGRESS_FN, ctypes.c_void_p]),
    "hylo_corrector_training_result": (_STATUS, [ctypes.c_void_p, c_double_p, c_double_p]),
    "hylo_corrector_rollout": (_STATUS, [ctypes.c_void_p, ctypes.c_double, ctypes.c_double, c_double_p, ctypes.c_size_t,
                                         ctypes.c_int32, c_double_p]),
    "hylo_corrector_save": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p]),
    "hylo_corrector_load": (_STATUS, [ctypes.c_char_p, ctypes.c_size_t, STEP_FN, STEP_VJP_FN, ctypes.c_void_p, c_void_pp]),
    "hylo_pde_create": (_STATUS, [ctypes.c_char_p, ctypes.c_char_p, c_double_p, c_double_p, ctypes.c_size_t,
                                  ctypes.c_char_p, c_void_pp]),
    "hylo_pde_free": (None, [ctypes.c_void_p]),
    "hylo_pde_set_disk": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_double, ctypes.c_double,
                                    ctypes.c_double]),
    "hylo_pde_set_constant": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_double]),
    "hylo_pde_add_coefficient": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_double]),
    "hylo_pde_add_equation": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p]),
    "hylo_pde_add_condition": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_double]),
    "hylo_pde_set_periodic": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int32]),
    "hylo_pde_set_output_transform": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]),
    "hylo_pde_add_observations": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p, c_double_p, c_double_p, ctypes.c_size_t,
                                            ctypes.c_double]),
    "hylo_pinn_create": (_STATUS, [ctypes.c_void_p, ctypes.c_void_p, c_void_pp]),
    "hylo_pinn_free": (None, [ctypes.c_void_p]),
    "hylo_pinn_train": (_STATUS, [ctypes.c_void_p, ctypes.c_void_p, PROGRESS_FN, ctypes.c_void_p]),
    "hylo_pinn_sizes": (_STATUS, [ctypes.c_void_p, c_size_t_p, c_size_t_p, c_size_t_p]),
    "hylo_pinn_num_loss_terms": (_STATUS, [ctypes.c_void_p, c_size_t_p]),
    "hylo_pinn_loss_term_name": (_STATUS, [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t]),
    "hylo_pinn_loss_terms": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t]),
    "hylo_pinn_training_result": (_STATUS, [ctypes.c_void_p, c_double_p, c_int64_p, ctypes.c_char_p, ctypes.c_size_t]),
    "hylo_pinn_evaluate": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t, c_double_p]),
    "hylo_pinn_coefficients": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t]),
    "hylo_pinn_save": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p]),
    "hylo_pinn_load": (_STATUS, [ctypes.c_char_p, c_void_pp]),
    "hylo_sparse_regression": (_STATUS, [c_double_p, c_double_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_size_t,
                                         ctypes.c_size_t, ctypes.c_double, c_double_p, ctypes.c_size_t, c_size_t_p]),
    "hylo_sparse_regression_terms": (_STATUS, [ctypes.c_size_t, ctypes.c_size_t, ctypes.c_size_t, c_size_t_p,
                                               ctypes.c_char_p, ctypes.c_size_t]),
    "hylo_sindy": (_STATUS, [c_double_p, c_double_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_void_p,
                             c_double_p, ctypes.c_size_t, c_size_t_p]),
    "hylo_sindy_terms": (_STATUS, [ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t, c_size_t_p, ctypes.c_char_p,
                                   ctypes.c_size_t]),
    "hylo_fno_create": (_STATUS, [ctypes.c_void_p, c_void_pp]),
    "hylo_fno_free": (None, [ctypes.c_void_p]),
    "hylo_fno_sizes": (_STATUS, [ctypes.c_void_p, c_size_t_p, c_size_t_p, c_size_t_p]),
    "hylo_fno_train": (_STATUS, [ctypes.c_void_p, c_double_p, c_double_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_size_t,
                                 ctypes.c_void_p, PROGRESS_FN, ctypes.c_void_p]),
    "hylo_fno_predict": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_size_t,
                                   c_double_p]),
    "hylo_fno_save": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p]),
    "hylo_fno_load": (_STATUS, [ctypes.c_char_p, c_void_pp]),
    "hylo_deeponet_create": (_STATUS, [ctypes.c_void_p, c_void_pp]),
    "hylo_deeponet_free": (None, [ctypes.c_void_p]),
    "hylo_deeponet_sizes": (_STATUS, [ctypes.c_void_p, c_size_t_p, c_size_t_p]),
    "hylo_deeponet_train": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t, c_double_p, ctypes.c_size_t,
                                      c_double_p, ctypes.c_void_p, PROGRESS_FN, ctypes.c_void_p]),
    "hylo_deeponet_train_pointwise": (_STATUS, [ctypes.c_void_p, c_double_p, c_double_p, c_double_p, ctypes.c_size_t,
                                                ctypes.c_void_p, PROGRESS_FN, ctypes.c_void_p]),
    "hylo_deeponet_predict": (_STATUS, [ctypes.c_void_p, c_double_p, ctypes.c_size_t, c_double_p, ctypes.c_size_t,
                                        c_double_p]),
    "hylo_deeponet_predict_pointwise": (_STATUS, [ctypes.c_void_p, c_double_p, c_double_p, ctypes.c_size_t, c_double_p]),
    "hylo_deeponet_save": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p]),
    "hylo_deeponet_load": (_STATUS, [ctypes.c_char_p, c_void_pp]),
    "hylo_data_gaussian_field": (_STATUS, [ctypes.c_double, ctypes.c_double, ctypes.c_double, ctypes.c_size_t,
                                           ctypes.c_size_t, ctypes.c_size_t, ctypes.c_int64, c_double_p]),
    "hylo_data_burgers": (_STATUS, [ctypes.c_size_t, ctypes.c_size_t, ctypes.c_int64, ctypes.c_void_p, PROGRESS_FN,
                                    ctypes.c_void_p, c_double_p, c_double_p]),
    "hylo_data_darcy": (_STATUS, [ctypes.c_size_t, ctypes.c_size_t, ctypes.c_int64, ctypes.c_void_p, PROGRESS_FN,
                                  ctypes.c_void_p, c_double_p, c_double_p]),
    "hylo_data_antiderivative": (_STATUS, [ctypes.c_size_t, ctypes.c_size_t, ctypes.c_int64, ctypes.c_void_p,
                                           c_double_p, c_double_p, c_double_p]),
}

# NPE, NLE, NRE and FMPE share one family of entries.
for _method in ("npe", "nle", "nre", "fmpe"):
    _PROTOTYPES.update({
        f"hylo_{_method}_create": (_STATUS, [ctypes.c_void_p, ctypes.c_void_p, c_void_pp]),
        f"hylo_{_method}_free": (None, [ctypes.c_void_p]),
        f"hylo_{_method}_append_simulations": (_STATUS, [ctypes.c_void_p, c_double_p, c_double_p, ctypes.c_size_t,
                                                         ctypes.c_size_t, c_size_t_p]),
        f"hylo_{_method}_append_npy": (_STATUS, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, c_size_t_p]),
        f"hylo_{_method}_train": (_STATUS, [ctypes.c_void_p, ctypes.c_void_p, PROGRESS_FN, ctypes.c_void_p]),
        f"hylo_{_method}_training_result": (_STATUS, [ctypes.c_void_p, c_int64_p, c_double_p, c_char_pp]),
        f"hylo_{_method}_build_posterior": (_STATUS, [ctypes.c_void_p, c_void_pp]),
    })
_PROTOTYPES["hylo_npe_append_proposal_simulations"] = _PROTOTYPES["hylo_npe_append_simulations"]

for _name, (_restype, _argtypes) in _PROTOTYPES.items():
    _f = getattr(lib, _name)
    _f.restype = _restype
    _f.argtypes = _argtypes
    if _restype is _STATUS and _name != "hylo_version_number":
        _f.errcheck = _check


def library_version() -> tuple[int, int, int]:
    n = lib.hylo_version_number()
    return n // 10000, n // 100 % 100, n % 100


def _check_version():
    major, minor, _ = library_version()
    if major != HEADER_VERSION[0] or minor < HEADER_VERSION[1]:
        raise ImportError(f"libhylo {major}.{minor} does not match these bindings (written for "
                          f"{HEADER_VERSION[0]}.{HEADER_VERSION[1]}); set HYLO_LIBRARY to a matching library")


_check_version()
