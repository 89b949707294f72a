!> Fortran 2008 bindings of the Hylo C ABI (include/hylo.h).
!>
!> Every interface binds the exact C name; handles are type(c_ptr), passed by value; arrays are
!> assumed-size. Layout: Fortran is column-major, so the C row-major array "n x d" (n points with d
!> columns) is the Fortran array x(d, n) — each column one point. Strings passed to C must end in
!> c_null_char: use hylo_c_string(); strings returned by C are converted by hylo_f_string().
module hylo
  use, intrinsic :: iso_c_binding
  implicit none

  integer(c_int32_t), parameter :: HYLO_OK = 0
  integer(c_int32_t), parameter :: HYLO_E_NULL_ARGUMENT = -1
  integer(c_int32_t), parameter :: HYLO_E_INVALID_ARGUMENT = -2
  integer(c_int32_t), parameter :: HYLO_E_SHAPE = -3
  integer(c_int32_t), parameter :: HYLO_E_NOT_FINITE = -4
  integer(c_int32_t), parameter :: HYLO_E_OPTION = -5
  integer(c_int32_t), parameter :: HYLO_E_STATE = -6
  integer(c_int32_t), parameter :: HYLO_E_IO = -7
  integer(c_int32_t), parameter :: HYLO_E_FILE_FORMAT = -8
  integer(c_int32_t), parameter :: HYLO_E_CALLBACK = -9
  integer(c_int32_t), parameter :: HYLO_E_CANCELLED = -10
  integer(c_int32_t), parameter :: HYLO_E_NUMERICAL = -11
  integer(c_int32_t), parameter :: HYLO_E_BUDGET = -12
  integer(c_int32_t), parameter :: HYLO_E_BUFFER_TOO_SMALL = -13
  integer(c_int32_t), parameter :: HYLO_E_INTERNAL = -99

  integer(c_int32_t), parameter :: HYLO_MARGINAL_UNIFORM = 1
  integer(c_int32_t), parameter :: HYLO_MARGINAL_NORMAL = 2
  integer(c_int32_t), parameter :: HYLO_MARGINAL_LOGNORMAL = 3
  integer(c_int32_t), parameter :: HYLO_MARGINAL_GAMMA = 4
  integer(c_int32_t), parameter :: HYLO_MARGINAL_BETA = 5

  abstract interface
    !> Simulator callback: fill x(dim_x) for theta(dim_theta); 0 ok, > 0 invalid, < 0 abort.
    !> With num_workers > 1 it runs on several threads at once: make it pure (no SAVE state).
    function hylo_simulator_fn(theta, dim_theta, x, dim_x, seed, user_data) bind(C) result(status)
      import :: c_double, c_size_t, c_int64_t, c_ptr, c_int32_t
      integer(c_size_t), value :: dim_theta, dim_x
      real(c_double), intent(in) :: theta(dim_theta)
      real(c_double), intent(out) :: x(dim_x)
      integer(c_int64_t), value :: seed   ! the C uint64_t, as a signed 64-bit integer
      type(c_ptr), value :: user_data
      integer(c_int32_t) :: status
    end function

    !> Batched simulator: theta(dim_theta, n) in, x(dim_x, n) and status(n) out; seeds(n) per row.
    function hylo_batch_simulator_fn(theta, n, dim_theta, x, dim_x, seeds, status, user_data) bind(C) result(code)
      import :: c_double, c_size_t, c_int64_t, c_ptr, c_int32_t
      integer(c_size_t), value :: n, dim_theta, dim_x
      real(c_double), intent(in) :: theta(dim_theta, n)
      real(c_double), intent(out) :: x(dim_x, n)
      integer(c_int64_t), intent(in) :: seeds(n)
      integer(c_int32_t), intent(out) :: status(n)
      type(c_ptr), value :: user_data
      integer(c_int32_t) :: code
    end function

    !> ODE right-hand side ydot(n) = f(t, y(n); p(num_params)); also the shape of the Jacobian
    !> callback (out(n, n) in Fortran order is the transpose of C's row-major Jacobian: fill
    !> out(j, i) = d f_i / d y_j). 0 ok, > 0 illegal state (smaller step), < 0 abort.
    function hylo_ode_rhs_fn(t, y, p, ydot, user_data) bind(C) result(status)
      import :: c_double, c_ptr, c_int32_t
      real(c_double), value :: t
      real(c_double), intent(in) :: y(*), p(*)
      real(c_double), intent(out) :: ydot(*)
      type(c_ptr), value :: user_data
      integer(c_int32_t) :: status
    end function

    !> Jacobian–vector or vector–Jacobian product: out = (df/dy) v, v^T df/dy or v^T df/dp.
    function hylo_ode_product_fn(t, y, p, v, out, user_data) bind(C) result(status)
      import :: c_double, c_ptr, c_int32_t
      real(c_double), value :: t
      real(c_double), intent(in) :: y(*), p(*), v(*)
      real(c_double), intent(out) :: out(*)
      type(c_ptr), value :: user_data
      integer(c_int32_t) :: status
    end function

    !> Loss on the solution states(n, num_times): loss and cotangents(n, num_times) = d loss / d states.
    function hylo_ode_loss_fn(times, states, num_times, n, loss, cotangents, user_data) bind(C) result(status)
      import :: c_double, c_ptr, c_int32_t, c_size_t
      integer(c_size_t), value :: num_times, n
      real(c_double), intent(in) :: times(num_times), states(n, num_times)
      real(c_double), intent(out) :: loss, cotangents(n, num_times)
      type(c_ptr), value :: user_data
      integer(c_int32_t) :: status
    end function

    !> Progress callback: return 0 to continue, non-zero to cancel.
    function hylo_progress_fn(stage, done, total, loss, user_data) bind(C) result(stop)
      import :: c_ptr, c_int64_t, c_double, c_int32_t
      type(c_ptr), value :: stage
      integer(c_int64_t), value :: done, total
      real(c_double), value :: loss
      type(c_ptr), value :: user_data
      integer(c_int32_t) :: stop
    end function
  end interface

  interface
    function hylo_version_number() bind(C, name="hylo_version_number")
      import :: c_int32_t
      integer(c_int32_t) :: hylo_version_number
    end function
    function hylo_version_string() bind(C, name="hylo_version_string")
      import :: c_ptr
      type(c_ptr) :: hylo_version_string
    end function
    function hylo_status_string(code) bind(C, name="hylo_status_string")
      import :: c_ptr, c_int32_t
      integer(c_int32_t), value :: code
      type(c_ptr) :: hylo_status_string
    end function
    function hylo_last_error() bind(C, name="hylo_last_error")
      import :: c_ptr
      type(c_ptr) :: hylo_last_error
    end function

    function hylo_options_create(out) bind(C, name="hylo_options_create")
      import :: c_ptr, c_int32_t
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_options_create
    end function
    subroutine hylo_options_free(opts) bind(C, name="hylo_options_free")
      import :: c_ptr
      type(c_ptr), value :: opts
    end subroutine
    function hylo_options_set_int(opts, key, value) bind(C, name="hylo_options_set_int")
      import :: c_ptr, c_char, c_int64_t, c_int32_t
      type(c_ptr), value :: opts
      character(kind=c_char), dimension(*), intent(in) :: key
      integer(c_int64_t), value :: value
      integer(c_int32_t) :: hylo_options_set_int
    end function
    function hylo_options_set_double(opts, key, value) bind(C, name="hylo_options_set_double")
      import :: c_ptr, c_char, c_double, c_int32_t
      type(c_ptr), value :: opts
      character(kind=c_char), dimension(*), intent(in) :: key
      real(c_double), value :: value
      integer(c_int32_t) :: hylo_options_set_double
    end function
    function hylo_options_set_string(opts, key, value) bind(C, name="hylo_options_set_string")
      import :: c_ptr, c_char, c_int32_t
      type(c_ptr), value :: opts
      character(kind=c_char), dimension(*), intent(in) :: key, value
      integer(c_int32_t) :: hylo_options_set_string
    end function
    function hylo_options_clear(opts) bind(C, name="hylo_options_clear")
      import :: c_ptr, c_int32_t
      type(c_ptr), value :: opts
      integer(c_int32_t) :: hylo_options_clear
    end function
    function hylo_options_count(opts, out) bind(C, name="hylo_options_count")
      import :: c_ptr, c_size_t, c_int32_t
      type(c_ptr), value :: opts
      integer(c_size_t), intent(out) :: out
      integer(c_int32_t) :: hylo_options_count
    end function

    function hylo_mlp_create(n_inputs, n_outputs, opts, out) bind(C, name="hylo_mlp_create")
      import :: c_ptr, c_size_t, c_int32_t
      integer(c_size_t), value :: n_inputs, n_outputs
      type(c_ptr), value :: opts
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_mlp_create
    end function
    subroutine hylo_mlp_free(mlp) bind(C, name="hylo_mlp_free")
      import :: c_ptr
      type(c_ptr), value :: mlp
    end subroutine
    !> x(n_inputs, n) and y(n_outputs, n) in Fortran order.
    function hylo_mlp_train(mlp, x, y, n, opts, progress, user_data) bind(C, name="hylo_mlp_train")
      import :: c_ptr, c_double, c_size_t, c_funptr, c_int32_t
      type(c_ptr), value :: mlp
      real(c_double), dimension(*), intent(in) :: x, y
      integer(c_size_t), value :: n
      type(c_ptr), value :: opts
      type(c_funptr), value :: progress
      type(c_ptr), value :: user_data
      integer(c_int32_t) :: hylo_mlp_train
    end function
    function hylo_mlp_training_result(mlp, epochs, best_loss, stop_reason) bind(C, name="hylo_mlp_training_result")
      import :: c_ptr, c_int64_t, c_double, c_int32_t
      type(c_ptr), value :: mlp
      integer(c_int64_t), intent(out) :: epochs
      real(c_double), intent(out) :: best_loss
      type(c_ptr), intent(out) :: stop_reason
      integer(c_int32_t) :: hylo_mlp_training_result
    end function
    !> x(n_inputs, n) in, out(n_outputs, n) out.
    function hylo_mlp_predict(mlp, x, n, out) bind(C, name="hylo_mlp_predict")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: mlp
      real(c_double), dimension(*), intent(in) :: x
      integer(c_size_t), value :: n
      real(c_double), dimension(*), intent(out) :: out
      integer(c_int32_t) :: hylo_mlp_predict
    end function
    !> out(n_inputs, n_outputs, n): out(j, i, k) = d y_i / d x_j at point k.
    function hylo_mlp_jacobian(mlp, x, n, out) bind(C, name="hylo_mlp_jacobian")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: mlp
      real(c_double), dimension(*), intent(in) :: x
      integer(c_size_t), value :: n
      real(c_double), dimension(*), intent(out) :: out
      integer(c_int32_t) :: hylo_mlp_jacobian
    end function
    function hylo_mlp_sizes(mlp, n_inputs, n_outputs, n_parameters) bind(C, name="hylo_mlp_sizes")
      import :: c_ptr, c_size_t, c_int32_t
      type(c_ptr), value :: mlp
      integer(c_size_t), intent(out) :: n_inputs, n_outputs, n_parameters
      integer(c_int32_t) :: hylo_mlp_sizes
    end function
    function hylo_mlp_save(mlp, path) bind(C, name="hylo_mlp_save")
      import :: c_ptr, c_char, c_int32_t
      type(c_ptr), value :: mlp
      character(kind=c_char), dimension(*), intent(in) :: path
      integer(c_int32_t) :: hylo_mlp_save
    end function
    function hylo_mlp_load(path, out) bind(C, name="hylo_mlp_load")
      import :: c_ptr, c_char, c_int32_t
      character(kind=c_char), dimension(*), intent(in) :: path
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_mlp_load
    end function

    ! ---- simulation-based inference ----
    function hylo_prior_create_box_uniform(low, high, dim, out) bind(C, name="hylo_prior_create_box_uniform")
      import :: c_double, c_size_t, c_ptr, c_int32_t
      real(c_double), dimension(*), intent(in) :: low, high
      integer(c_size_t), value :: dim
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_prior_create_box_uniform
    end function
    !> covariance(dim, dim): symmetric, so Fortran and C order agree.
    function hylo_prior_create_gaussian(mean, covariance, dim, out) bind(C, name="hylo_prior_create_gaussian")
      import :: c_double, c_size_t, c_ptr, c_int32_t
      real(c_double), dimension(*), intent(in) :: mean, covariance
      integer(c_size_t), value :: dim
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_prior_create_gaussian
    end function
    !> params(2, dim): params(:, i) are the two parameters of marginal i.
    function hylo_prior_create_independent(kinds, params, dim, out) bind(C, name="hylo_prior_create_independent")
      import :: c_double, c_size_t, c_ptr, c_int32_t
      integer(c_int32_t), dimension(*), intent(in) :: kinds
      real(c_double), dimension(*), intent(in) :: params
      integer(c_size_t), value :: dim
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_prior_create_independent
    end function
    subroutine hylo_prior_free(prior) bind(C, name="hylo_prior_free")
      import :: c_ptr
      type(c_ptr), value :: prior
    end subroutine
    function hylo_prior_dimension(prior, out) bind(C, name="hylo_prior_dimension")
      import :: c_ptr, c_size_t, c_int32_t
      type(c_ptr), value :: prior
      integer(c_size_t), intent(out) :: out
      integer(c_int32_t) :: hylo_prior_dimension
    end function
    !> out(dim, n).
    function hylo_prior_sample(prior, n, seed, out) bind(C, name="hylo_prior_sample")
      import :: c_ptr, c_size_t, c_int64_t, c_double, c_int32_t
      type(c_ptr), value :: prior
      integer(c_size_t), value :: n
      integer(c_int64_t), value :: seed
      real(c_double), dimension(*), intent(out) :: out
      integer(c_int32_t) :: hylo_prior_sample
    end function
    function hylo_prior_log_prob(prior, theta, n, out) bind(C, name="hylo_prior_log_prob")
      import :: c_ptr, c_size_t, c_double, c_int32_t
      type(c_ptr), value :: prior
      real(c_double), dimension(*), intent(in) :: theta
      integer(c_size_t), value :: n
      real(c_double), dimension(*), intent(out) :: out
      integer(c_int32_t) :: hylo_prior_log_prob
    end function
    !> theta(dim_theta, n) in, x_out(dim_x, n) out; status_out and n_invalid may be c_null_ptr.
    function hylo_simulate(simulator, user_data, theta, n, dim_theta, dim_x, opts, progress, progress_data, &
                           x_out, status_out, n_invalid) bind(C, name="hylo_simulate")
      import :: c_funptr, c_ptr, c_double, c_size_t, c_int32_t
      type(c_funptr), value :: simulator
      type(c_ptr), value :: user_data
      real(c_double), dimension(*), intent(in) :: theta
      integer(c_size_t), value :: n, dim_theta, dim_x
      type(c_ptr), value :: opts
      type(c_funptr), value :: progress
      type(c_ptr), value :: progress_data
      real(c_double), dimension(*), intent(out) :: x_out
      type(c_ptr), value :: status_out, n_invalid
      integer(c_int32_t) :: hylo_simulate
    end function
    function hylo_simulate_batched(simulator, user_data, theta, n, dim_theta, dim_x, opts, progress, progress_data, &
                                   x_out, status_out, n_invalid) bind(C, name="hylo_simulate_batched")
      import :: c_funptr, c_ptr, c_double, c_size_t, c_int32_t
      type(c_funptr), value :: simulator
      type(c_ptr), value :: user_data
      real(c_double), dimension(*), intent(in) :: theta
      integer(c_size_t), value :: n, dim_theta, dim_x
      type(c_ptr), value :: opts
      type(c_funptr), value :: progress
      type(c_ptr), value :: progress_data
      real(c_double), dimension(*), intent(out) :: x_out
      type(c_ptr), value :: status_out, n_invalid
      integer(c_int32_t) :: hylo_simulate_batched
    end function
    function hylo_npe_create(prior, opts, out) bind(C, name="hylo_npe_create")
      import :: c_ptr, c_int32_t
      type(c_ptr), value :: prior, opts
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_npe_create
    end function
    subroutine hylo_npe_free(npe) bind(C, name="hylo_npe_free")
      import :: c_ptr
      type(c_ptr), value :: npe
    end subroutine
    !> theta(dim_theta, n), x(dim_x, n).
    function hylo_npe_append_simulations(npe, theta, x, n, dim_x, n_excluded) bind(C, name="hylo_npe_append_simulations")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: npe
      real(c_double), dimension(*), intent(in) :: theta, x
      integer(c_size_t), value :: n, dim_x
      integer(c_size_t), intent(out) :: n_excluded
      integer(c_int32_t) :: hylo_npe_append_simulations
    end function
    !> Sequential NPE: simulations whose theta came from a proposal (an earlier round's posterior).
    function hylo_npe_append_proposal_simulations(npe, theta, x, n, dim_x, n_excluded) &
        bind(C, name="hylo_npe_append_proposal_simulations")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: npe
      real(c_double), dimension(*), intent(in) :: theta, x
      integer(c_size_t), value :: n, dim_x
      integer(c_size_t), intent(out) :: n_excluded
      integer(c_int32_t) :: hylo_npe_append_proposal_simulations
    end function
    function hylo_npe_train(npe, opts, progress, user_data) bind(C, name="hylo_npe_train")
      import :: c_ptr, c_funptr, c_int32_t
      type(c_ptr), value :: npe, opts
      type(c_funptr), value :: progress
      type(c_ptr), value :: user_data
      integer(c_int32_t) :: hylo_npe_train
    end function
    function hylo_npe_build_posterior(npe, out) bind(C, name="hylo_npe_build_posterior")
      import :: c_ptr, c_int32_t
      type(c_ptr), value :: npe
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_npe_build_posterior
    end function
    function hylo_nle_create(prior, opts, out) bind(C, name="hylo_nle_create")
      import :: c_ptr, c_int32_t
      type(c_ptr), value :: prior, opts
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_nle_create
    end function
    subroutine hylo_nle_free(nle) bind(C, name="hylo_nle_free")
      import :: c_ptr
      type(c_ptr), value :: nle
    end subroutine
    !> theta(dim_theta, n), x(dim_x, n).
    function hylo_nle_append_simulations(nle, theta, x, n, dim_x, n_excluded) bind(C, name="hylo_nle_append_simulations")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: nle
      real(c_double), dimension(*), intent(in) :: theta, x
      integer(c_size_t), value :: n, dim_x
      integer(c_size_t), intent(out) :: n_excluded
      integer(c_int32_t) :: hylo_nle_append_simulations
    end function
    function hylo_nle_append_npy(nle, theta_path, x_path, n_excluded) bind(C, name="hylo_nle_append_npy")
      import :: c_ptr, c_char, c_size_t, c_int32_t
      type(c_ptr), value :: nle
      character(kind=c_char), dimension(*), intent(in) :: theta_path, x_path
      integer(c_size_t), intent(out) :: n_excluded
      integer(c_int32_t) :: hylo_nle_append_npy
    end function
    function hylo_nle_train(nle, opts, progress, user_data) bind(C, name="hylo_nle_train")
      import :: c_ptr, c_funptr, c_int32_t
      type(c_ptr), value :: nle, opts
      type(c_funptr), value :: progress
      type(c_ptr), value :: user_data
      integer(c_int32_t) :: hylo_nle_train
    end function
    function hylo_nle_build_posterior(nle, out) bind(C, name="hylo_nle_build_posterior")
      import :: c_ptr, c_int32_t
      type(c_ptr), value :: nle
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_nle_build_posterior
    end function
    ! ---- TMNRE: marginal k is parameter k (1-D), then the pairs; theta arrays are (size, n).
    function hylo_tmnre_create(prior, pairs, n_pairs, opts, out) bind(C, name="hylo_tmnre_create")
      import :: c_ptr, c_size_t, c_int32_t
      type(c_ptr), value :: prior
      integer(c_size_t), dimension(*), intent(in) :: pairs
      integer(c_size_t), value :: n_pairs
      type(c_ptr), value :: opts
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_tmnre_create
    end function
    subroutine hylo_tmnre_free(tmnre) bind(C, name="hylo_tmnre_free")
      import :: c_ptr
      type(c_ptr), value :: tmnre
    end subroutine
    function hylo_tmnre_append_simulations(tmnre, theta, x, n, dim_x, n_excluded) bind(C, name="hylo_tmnre_append_simulations")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: tmnre
      real(c_double), dimension(*), intent(in) :: theta, x
      integer(c_size_t), value :: n, dim_x
      integer(c_size_t), intent(out) :: n_excluded
      integer(c_int32_t) :: hylo_tmnre_append_simulations
    end function
    function hylo_tmnre_train(tmnre, opts, progress, user_data) bind(C, name="hylo_tmnre_train")
      import :: c_ptr, c_funptr, c_int32_t
      type(c_ptr), value :: tmnre, opts
      type(c_funptr), value :: progress
      type(c_ptr), value :: user_data
      integer(c_int32_t) :: hylo_tmnre_train
    end function
    function hylo_tmnre_truncate(tmnre, x_o, dim_x, opts, low_out, high_out) bind(C, name="hylo_tmnre_truncate")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: tmnre
      real(c_double), dimension(*), intent(in) :: x_o
      integer(c_size_t), value :: dim_x
      type(c_ptr), value :: opts
      real(c_double), dimension(*), intent(out) :: low_out, high_out
      integer(c_int32_t) :: hylo_tmnre_truncate
    end function
    function hylo_tmnre_sample_truncated_prior(tmnre, n, seed, out, n_out) bind(C, name="hylo_tmnre_sample_truncated_prior")
      import :: c_ptr, c_double, c_size_t, c_int64_t, c_int32_t
      type(c_ptr), value :: tmnre
      integer(c_size_t), value :: n
      integer(c_int64_t), value :: seed
      real(c_double), dimension(*), intent(out) :: out
      integer(c_size_t), intent(out) :: n_out
      integer(c_int32_t) :: hylo_tmnre_sample_truncated_prior
    end function
    !> weights_out: c_loc of an array of n, or c_null_ptr for unweighted (resampled) draws.
    function hylo_tmnre_marginal_samples(tmnre, x_o, dim_x, marginal, n, seed, theta_out, weights_out) &
        bind(C, name="hylo_tmnre_marginal_samples")
      import :: c_ptr, c_double, c_size_t, c_int64_t, c_int32_t
      type(c_ptr), value :: tmnre
      real(c_double), dimension(*), intent(in) :: x_o
      integer(c_size_t), value :: dim_x, marginal, n
      integer(c_int64_t), value :: seed
      real(c_double), dimension(*), intent(out) :: theta_out
      type(c_ptr), value :: weights_out
      integer(c_int32_t) :: hylo_tmnre_marginal_samples
    end function
    function hylo_tmnre_save(tmnre, path) bind(C, name="hylo_tmnre_save")
      import :: c_ptr, c_char, c_int32_t
      type(c_ptr), value :: tmnre
      character(kind=c_char), dimension(*), intent(in) :: path
      integer(c_int32_t) :: hylo_tmnre_save
    end function
    function hylo_tmnre_load(path, out) bind(C, name="hylo_tmnre_load")
      import :: c_ptr, c_char, c_int32_t
      character(kind=c_char), dimension(*), intent(in) :: path
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_tmnre_load
    end function
    ! ---- FMPE: the same family as NLE.
    function hylo_fmpe_create(prior, opts, out) bind(C, name="hylo_fmpe_create")
      import :: c_ptr, c_int32_t
      type(c_ptr), value :: prior, opts
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_fmpe_create
    end function
    subroutine hylo_fmpe_free(fmpe) bind(C, name="hylo_fmpe_free")
      import :: c_ptr
      type(c_ptr), value :: fmpe
    end subroutine
    !> theta(dim_theta, n), x(dim_x, n).
    function hylo_fmpe_append_simulations(fmpe, theta, x, n, dim_x, n_excluded) bind(C, name="hylo_fmpe_append_simulations")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: fmpe
      real(c_double), dimension(*), intent(in) :: theta, x
      integer(c_size_t), value :: n, dim_x
      integer(c_size_t), intent(out) :: n_excluded
      integer(c_int32_t) :: hylo_fmpe_append_simulations
    end function
    function hylo_fmpe_append_npy(fmpe, theta_path, x_path, n_excluded) bind(C, name="hylo_fmpe_append_npy")
      import :: c_ptr, c_char, c_size_t, c_int32_t
      type(c_ptr), value :: fmpe
      character(kind=c_char), dimension(*), intent(in) :: theta_path, x_path
      integer(c_size_t), intent(out) :: n_excluded
      integer(c_int32_t) :: hylo_fmpe_append_npy
    end function
    function hylo_fmpe_train(fmpe, opts, progress, user_data) bind(C, name="hylo_fmpe_train")
      import :: c_ptr, c_funptr, c_int32_t
      type(c_ptr), value :: fmpe, opts
      type(c_funptr), value :: progress
      type(c_ptr), value :: user_data
      integer(c_int32_t) :: hylo_fmpe_train
    end function
    function hylo_fmpe_build_posterior(fmpe, out) bind(C, name="hylo_fmpe_build_posterior")
      import :: c_ptr, c_int32_t
      type(c_ptr), value :: fmpe
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_fmpe_build_posterior
    end function
    function hylo_nre_create(prior, opts, out) bind(C, name="hylo_nre_create")
      import :: c_ptr, c_int32_t
      type(c_ptr), value :: prior, opts
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_nre_create
    end function
    subroutine hylo_nre_free(nre) bind(C, name="hylo_nre_free")
      import :: c_ptr
      type(c_ptr), value :: nre
    end subroutine
    !> theta(dim_theta, n), x(dim_x, n).
    function hylo_nre_append_simulations(nre, theta, x, n, dim_x, n_excluded) bind(C, name="hylo_nre_append_simulations")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: nre
      real(c_double), dimension(*), intent(in) :: theta, x
      integer(c_size_t), value :: n, dim_x
      integer(c_size_t), intent(out) :: n_excluded
      integer(c_int32_t) :: hylo_nre_append_simulations
    end function
    function hylo_nre_append_npy(nre, theta_path, x_path, n_excluded) bind(C, name="hylo_nre_append_npy")
      import :: c_ptr, c_char, c_size_t, c_int32_t
      type(c_ptr), value :: nre
      character(kind=c_char), dimension(*), intent(in) :: theta_path, x_path
      integer(c_size_t), intent(out) :: n_excluded
      integer(c_int32_t) :: hylo_nre_append_npy
    end function
    function hylo_nre_train(nre, opts, progress, user_data) bind(C, name="hylo_nre_train")
      import :: c_ptr, c_funptr, c_int32_t
      type(c_ptr), value :: nre, opts
      type(c_funptr), value :: progress
      type(c_ptr), value :: user_data
      integer(c_int32_t) :: hylo_nre_train
    end function
    function hylo_nre_build_posterior(nre, out) bind(C, name="hylo_nre_build_posterior")
      import :: c_ptr, c_int32_t
      type(c_ptr), value :: nre
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_nre_build_posterior
    end function
    !> x_o(dim_x, m), x(dim_x, n); posterior: c_null_ptr to compare x z-scored.
    function hylo_misspecification_mmd(x_o, m, x, n, dim_x, posterior, opts, p_value, mmd) &
        bind(C, name="hylo_misspecification_mmd")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      real(c_double), dimension(*), intent(in) :: x_o, x
      integer(c_size_t), value :: m, n, dim_x
      type(c_ptr), value :: posterior, opts
      real(c_double), intent(out) :: p_value, mmd
      integer(c_int32_t) :: hylo_misspecification_mmd
    end function
    ! ---- ABC: give the simulator as c_funloc(f) in one of the two simulator slots and
    ! c_null_funptr in the other; samples come out as theta(dim_theta, n).
    function hylo_abc_rejection(prior, simulator, batch_simulator, user_data, x_o, dim_x, opts, progress, &
                                progress_data, out) bind(C, name="hylo_abc_rejection")
      import :: c_funptr, c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: prior
      type(c_funptr), value :: simulator, batch_simulator
      type(c_ptr), value :: user_data
      real(c_double), dimension(*), intent(in) :: x_o
      integer(c_size_t), value :: dim_x
      type(c_ptr), value :: opts
      type(c_funptr), value :: progress
      type(c_ptr), value :: progress_data
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_abc_rejection
    end function
    function hylo_abc_smc(prior, simulator, batch_simulator, user_data, x_o, dim_x, opts, progress, &
                          progress_data, out) bind(C, name="hylo_abc_smc")
      import :: c_funptr, c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: prior
      type(c_funptr), value :: simulator, batch_simulator
      type(c_ptr), value :: user_data
      real(c_double), dimension(*), intent(in) :: x_o
      integer(c_size_t), value :: dim_x
      type(c_ptr), value :: opts
      type(c_funptr), value :: progress
      type(c_ptr), value :: progress_data
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_abc_smc
    end function
    subroutine hylo_abc_result_free(result) bind(C, name="hylo_abc_result_free")
      import :: c_ptr
      type(c_ptr), value :: result
    end subroutine
    !> status: a C string, read with hylo_f_string().
    function hylo_abc_result_info(result, n_samples, dim_theta, epsilon, num_simulations, num_invalid, &
                                  num_populations, status) bind(C, name="hylo_abc_result_info")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: result
      integer(c_size_t), intent(out) :: n_samples, dim_theta, num_simulations, num_invalid, num_populations
      real(c_double), intent(out) :: epsilon
      type(c_ptr), intent(out) :: status
      integer(c_int32_t) :: hylo_abc_result_info
    end function
    !> theta_out(dim_theta, capacity), weights_out(capacity), distances_out(capacity).
    function hylo_abc_result_samples(result, theta_out, weights_out, distances_out, capacity) &
        bind(C, name="hylo_abc_result_samples")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: result
      real(c_double), dimension(*), intent(out) :: theta_out, weights_out, distances_out
      integer(c_size_t), value :: capacity
      integer(c_int32_t) :: hylo_abc_result_samples
    end function
    function hylo_abc_result_epsilons(result, out, capacity) bind(C, name="hylo_abc_result_epsilons")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: result
      real(c_double), dimension(*), intent(out) :: out
      integer(c_size_t), value :: capacity
      integer(c_int32_t) :: hylo_abc_result_epsilons
    end function
    !> out(dim_theta, n), drawn by weight.
    function hylo_abc_result_resample(result, n, seed, out) bind(C, name="hylo_abc_result_resample")
      import :: c_ptr, c_double, c_size_t, c_int64_t, c_int32_t
      type(c_ptr), value :: result
      integer(c_size_t), value :: n
      integer(c_int64_t), value :: seed
      real(c_double), dimension(*), intent(out) :: out
      integer(c_int32_t) :: hylo_abc_result_resample
    end function
    !> out(dim_theta, n); rhat(dim_theta), ess(dim_theta).
    function hylo_posterior_sample_mcmc(posterior, x, dim_x, n, seed, opts, progress, user_data, out, n_out, &
                                        rhat, ess, acceptance_rate) bind(C, name="hylo_posterior_sample_mcmc")
      import :: c_ptr, c_funptr, c_double, c_size_t, c_int64_t, c_int32_t
      type(c_ptr), value :: posterior
      real(c_double), dimension(*), intent(in) :: x
      integer(c_size_t), value :: dim_x, n
      integer(c_int64_t), value :: seed
      type(c_ptr), value :: opts
      type(c_funptr), value :: progress
      type(c_ptr), value :: user_data
      real(c_double), dimension(*), intent(out) :: out, rhat, ess
      integer(c_size_t), intent(out) :: n_out
      real(c_double), intent(out) :: acceptance_rate
      integer(c_int32_t) :: hylo_posterior_sample_mcmc
    end function
    subroutine hylo_posterior_free(posterior) bind(C, name="hylo_posterior_free")
      import :: c_ptr
      type(c_ptr), value :: posterior
    end subroutine
    !> out(dim_theta, n).
    !> members(n_members): posterior handles; weights: c_null_ptr for equal weights, or c_loc of an array.
    function hylo_posterior_ensemble_create(members, n_members, weights, out) bind(C, name="hylo_posterior_ensemble_create")
      import :: c_ptr, c_size_t, c_int32_t
      type(c_ptr), dimension(*), intent(in) :: members
      integer(c_size_t), value :: n_members
      type(c_ptr), value :: weights
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_posterior_ensemble_create
    end function
    !> TSNPE: prior draws in the posterior's highest-density region at x; out(dim_theta, n).
    function hylo_posterior_sample_truncated_prior(posterior, x, dim_x, n, seed, opts, out, n_out, acceptance_rate) &
        bind(C, name="hylo_posterior_sample_truncated_prior")
      import :: c_ptr, c_double, c_size_t, c_int64_t, c_int32_t
      type(c_ptr), value :: posterior
      real(c_double), dimension(*), intent(in) :: x
      integer(c_size_t), value :: dim_x, n
      integer(c_int64_t), value :: seed
      type(c_ptr), value :: opts
      real(c_double), dimension(*), intent(out) :: out
      integer(c_size_t), intent(out) :: n_out
      real(c_double), intent(out) :: acceptance_rate
      integer(c_int32_t) :: hylo_posterior_sample_truncated_prior
    end function
    function hylo_posterior_sample(posterior, x, dim_x, n, seed, opts, out, n_out, acceptance_rate) &
        bind(C, name="hylo_posterior_sample")
      import :: c_ptr, c_double, c_size_t, c_int64_t, c_int32_t
      type(c_ptr), value :: posterior
      real(c_double), dimension(*), intent(in) :: x
      integer(c_size_t), value :: dim_x, n
      integer(c_int64_t), value :: seed
      type(c_ptr), value :: opts
      real(c_double), dimension(*), intent(out) :: out
      integer(c_size_t), intent(out) :: n_out
      real(c_double), intent(out) :: acceptance_rate
      integer(c_int32_t) :: hylo_posterior_sample
    end function
    function hylo_posterior_log_prob(posterior, theta, n, x, dim_x, seed, out) bind(C, name="hylo_posterior_log_prob")
      import :: c_ptr, c_double, c_size_t, c_int64_t, c_int32_t
      type(c_ptr), value :: posterior
      real(c_double), dimension(*), intent(in) :: theta, x
      integer(c_size_t), value :: n, dim_x
      integer(c_int64_t), value :: seed
      real(c_double), dimension(*), intent(out) :: out
      integer(c_int32_t) :: hylo_posterior_log_prob
    end function
    function hylo_posterior_map(posterior, x, dim_x, seed, opts, out, log_prob) bind(C, name="hylo_posterior_map")
      import :: c_ptr, c_double, c_size_t, c_int64_t, c_int32_t
      type(c_ptr), value :: posterior
      real(c_double), dimension(*), intent(in) :: x
      integer(c_size_t), value :: dim_x
      integer(c_int64_t), value :: seed
      type(c_ptr), value :: opts
      real(c_double), dimension(*), intent(out) :: out
      real(c_double), intent(out) :: log_prob
      integer(c_int32_t) :: hylo_posterior_map
    end function
    function hylo_posterior_save(posterior, path) bind(C, name="hylo_posterior_save")
      import :: c_ptr, c_char, c_int32_t
      type(c_ptr), value :: posterior
      character(kind=c_char), dimension(*), intent(in) :: path
      integer(c_int32_t) :: hylo_posterior_save
    end function
    function hylo_posterior_load(path, out) bind(C, name="hylo_posterior_load")
      import :: c_ptr, c_char, c_int32_t
      character(kind=c_char), dimension(*), intent(in) :: path
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_posterior_load
    end function

    !> data(cols, rows) in Fortran order is the C rows × cols matrix written.
    function hylo_npy_write(path, data, rows, cols) bind(C, name="hylo_npy_write")
      import :: c_char, c_double, c_size_t, c_int32_t
      character(kind=c_char), dimension(*), intent(in) :: path
      real(c_double), dimension(*), intent(in) :: data
      integer(c_size_t), value :: rows, cols
      integer(c_int32_t) :: hylo_npy_write
    end function
    function hylo_npy_shape(path, rows, cols) bind(C, name="hylo_npy_shape")
      import :: c_char, c_size_t, c_int32_t
      character(kind=c_char), dimension(*), intent(in) :: path
      integer(c_size_t), intent(out) :: rows, cols
      integer(c_int32_t) :: hylo_npy_shape
    end function
    function hylo_npy_read(path, out, capacity) bind(C, name="hylo_npy_read")
      import :: c_char, c_double, c_size_t, c_int32_t
      character(kind=c_char), dimension(*), intent(in) :: path
      real(c_double), dimension(*), intent(out) :: out
      integer(c_size_t), value :: capacity
      integer(c_int32_t) :: hylo_npy_read
    end function
    function hylo_npe_append_npy(npe, theta_path, x_path, n_excluded) bind(C, name="hylo_npe_append_npy")
      import :: c_ptr, c_char, c_size_t, c_int32_t
      type(c_ptr), value :: npe
      character(kind=c_char), dimension(*), intent(in) :: theta_path, x_path
      integer(c_size_t), intent(out) :: n_excluded
      integer(c_int32_t) :: hylo_npe_append_npy
    end function

    function hylo_ode_create(n, num_params, f, user_data, out) bind(C, name="hylo_ode_create")
      import :: c_size_t, c_funptr, c_ptr, c_int32_t
      integer(c_size_t), value :: n, num_params
      type(c_funptr), value :: f
      type(c_ptr), value :: user_data
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_ode_create
    end function
    subroutine hylo_ode_free(ode) bind(C, name="hylo_ode_free")
      import :: c_ptr
      type(c_ptr), value :: ode
    end subroutine
    function hylo_ode_set_jacobian(ode, jacobian) bind(C, name="hylo_ode_set_jacobian")
      import :: c_ptr, c_funptr, c_int32_t
      type(c_ptr), value :: ode
      type(c_funptr), value :: jacobian
      integer(c_int32_t) :: hylo_ode_set_jacobian
    end function
    function hylo_ode_set_jvp(ode, jvp) bind(C, name="hylo_ode_set_jvp")
      import :: c_ptr, c_funptr, c_int32_t
      type(c_ptr), value :: ode
      type(c_funptr), value :: jvp
      integer(c_int32_t) :: hylo_ode_set_jvp
    end function
    function hylo_ode_set_vjp(ode, vjp_y, vjp_p) bind(C, name="hylo_ode_set_vjp")
      import :: c_ptr, c_funptr, c_int32_t
      type(c_ptr), value :: ode
      type(c_funptr), value :: vjp_y, vjp_p
      integer(c_int32_t) :: hylo_ode_set_vjp
    end function
    function hylo_ode_derivative_sources(ode, out, n) bind(C, name="hylo_ode_derivative_sources")
      import :: c_ptr, c_int32_t, c_size_t
      type(c_ptr), value :: ode
      integer(c_int32_t), intent(out) :: out(*)
      integer(c_size_t), value :: n
      integer(c_int32_t) :: hylo_ode_derivative_sources
    end function
    function hylo_ode_statistics(ode, out, n) bind(C, name="hylo_ode_statistics")
      import :: c_ptr, c_int64_t, c_size_t, c_int32_t
      type(c_ptr), value :: ode
      integer(c_int64_t), intent(out) :: out(*)
      integer(c_size_t), value :: n
      integer(c_int32_t) :: hylo_ode_statistics
    end function
    !> states_out(n, num_times).
    function hylo_ode_solve(ode, opts, t0, y0, p, times, num_times, states_out) bind(C, name="hylo_ode_solve")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: ode, opts
      real(c_double), value :: t0
      real(c_double), intent(in) :: y0(*), p(*), times(*)
      integer(c_size_t), value :: num_times
      real(c_double), intent(out) :: states_out(*)
      integer(c_int32_t) :: hylo_ode_solve
    end function
    !> y0(n, batch), p(num_params, p_rows), states_out(n, num_times, batch).
    function hylo_ode_solve_batch(ode, opts, t0, y0, batch, p, p_rows, times, num_times, states_out) &
        bind(C, name="hylo_ode_solve_batch")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: ode, opts
      real(c_double), value :: t0
      real(c_double), intent(in) :: y0(*), p(*), times(*)
      integer(c_size_t), value :: batch, p_rows, num_times
      real(c_double), intent(out) :: states_out(*)
      integer(c_int32_t) :: hylo_ode_solve_batch
    end function
    !> states_out(n, num_times), sens_out(num_params, n, num_times): sens_out(j, i, k) = dy_i(t_k)/dp_j.
    function hylo_ode_sensitivities(ode, opts, t0, y0, p, times, num_times, states_out, sens_out) &
        bind(C, name="hylo_ode_sensitivities")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: ode, opts
      real(c_double), value :: t0
      real(c_double), intent(in) :: y0(*), p(*), times(*)
      integer(c_size_t), value :: num_times
      real(c_double), intent(out) :: states_out(*), sens_out(*)
      integer(c_int32_t) :: hylo_ode_sensitivities
    end function
    !> Outputs may be c_null_ptr where not wanted (pass c_loc of arrays otherwise).
    function hylo_ode_gradient(ode, opts, t0, y0, p, times, num_times, loss, loss_data, loss_out, states_out, &
                               grad_y0, grad_p) bind(C, name="hylo_ode_gradient")
      import :: c_ptr, c_funptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: ode, opts
      real(c_double), value :: t0
      real(c_double), intent(in) :: y0(*), p(*), times(*)
      integer(c_size_t), value :: num_times
      type(c_funptr), value :: loss
      type(c_ptr), value :: loss_data, loss_out, states_out, grad_y0, grad_p
      integer(c_int32_t) :: hylo_ode_gradient
    end function

    !> output_components: c_null_ptr for all, else c_loc of an integer(c_size_t) array of 0-based indices.
    function hylo_hybrid_create(physics, n, output_components, num_outputs, opts, out) bind(C, name="hylo_hybrid_create")
      import :: c_ptr, c_size_t, c_int32_t
      type(c_ptr), value :: physics
      integer(c_size_t), value :: n
      type(c_ptr), value :: output_components
      integer(c_size_t), value :: num_outputs
      type(c_ptr), value :: opts
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_hybrid_create
    end function
    subroutine hylo_hybrid_free(model) bind(C, name="hylo_hybrid_free")
      import :: c_ptr
      type(c_ptr), value :: model
    end subroutine
    function hylo_hybrid_num_parameters(model, num_physics, num_total) bind(C, name="hylo_hybrid_num_parameters")
      import :: c_ptr, c_size_t, c_int32_t
      type(c_ptr), value :: model
      integer(c_size_t), intent(out) :: num_physics, num_total
      integer(c_int32_t) :: hylo_hybrid_num_parameters
    end function
    function hylo_hybrid_get_parameters(model, out, capacity) bind(C, name="hylo_hybrid_get_parameters")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: model
      real(c_double), intent(out) :: out(*)
      integer(c_size_t), value :: capacity
      integer(c_int32_t) :: hylo_hybrid_get_parameters
    end function
    function hylo_hybrid_set_parameters(model, parameters, n) bind(C, name="hylo_hybrid_set_parameters")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: model
      real(c_double), intent(in) :: parameters(*)
      integer(c_size_t), value :: n
      integer(c_int32_t) :: hylo_hybrid_set_parameters
    end function
    !> y0(n, num_trajectories), observations(n, num_times, num_trajectories); mask: c_null_ptr or c_loc of
    !> an integer(c_int32_t) array of the observations' shape (nonzero: observed).
    function hylo_hybrid_train(model, opts, t0, y0, num_trajectories, times, num_times, observations, mask, &
                               progress, progress_data) bind(C, name="hylo_hybrid_train")
      import :: c_ptr, c_funptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: model, opts
      real(c_double), value :: t0
      real(c_double), intent(in) :: y0(*), times(*), observations(*)
      integer(c_size_t), value :: num_trajectories, num_times
      type(c_ptr), value :: mask
      type(c_funptr), value :: progress
      type(c_ptr), value :: progress_data
      integer(c_int32_t) :: hylo_hybrid_train
    end function
    !> y0(n, num_trajectories), observations(n, num_times, num_trajectories), coefficients(num_terms, n).
    function hylo_hybrid_discover(model, opts, t0, y0, num_trajectories, times, num_times, observations, mask, &
                                  coefficients, capacity, physics_out) bind(C, name="hylo_hybrid_discover")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: model, opts
      real(c_double), value :: t0
      real(c_double), intent(in) :: y0(*), times(*), observations(*)
      integer(c_size_t), value :: num_trajectories, num_times
      type(c_ptr), value :: mask
      real(c_double), intent(out) :: coefficients(*)
      integer(c_size_t), value :: capacity
      type(c_ptr), value :: physics_out
      integer(c_int32_t) :: hylo_hybrid_discover
    end function
    function hylo_hybrid_training_result(model, data_loss, network_norm, multiplier) &
        bind(C, name="hylo_hybrid_training_result")
      import :: c_ptr, c_double, c_int32_t
      type(c_ptr), value :: model
      real(c_double), intent(out) :: data_loss, network_norm, multiplier
      integer(c_int32_t) :: hylo_hybrid_training_result
    end function
    !> states_out(n, num_times).
    function hylo_hybrid_solve(model, opts, t0, y0, times, num_times, states_out) bind(C, name="hylo_hybrid_solve")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: model, opts
      real(c_double), value :: t0
      real(c_double), intent(in) :: y0(*), times(*)
      integer(c_size_t), value :: num_times
      real(c_double), intent(out) :: states_out(*)
      integer(c_int32_t) :: hylo_hybrid_solve
    end function
    !> network_out: c_null_ptr or c_loc of an array of n.
    function hylo_hybrid_rhs(model, t, y, ydot, network_out) bind(C, name="hylo_hybrid_rhs")
      import :: c_ptr, c_double, c_int32_t
      type(c_ptr), value :: model
      real(c_double), value :: t
      real(c_double), intent(in) :: y(*)
      real(c_double), intent(out) :: ydot(*)
      type(c_ptr), value :: network_out
      integer(c_int32_t) :: hylo_hybrid_rhs
    end function
    function hylo_hybrid_save(model, path) bind(C, name="hylo_hybrid_save")
      import :: c_ptr, c_char, c_int32_t
      type(c_ptr), value :: model
      character(kind=c_char), dimension(*), intent(in) :: path
      integer(c_int32_t) :: hylo_hybrid_save
    end function
    function hylo_hybrid_load(path, physics, out) bind(C, name="hylo_hybrid_load")
      import :: c_ptr, c_char, c_int32_t
      character(kind=c_char), dimension(*), intent(in) :: path
      type(c_ptr), value :: physics
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_hybrid_load
    end function
    !> samples(dim, n), targets(outputs, n), coefficients(num_terms, outputs).
    function hylo_sparse_regression(samples, targets, n, dim, outputs, degree, threshold, coefficients, capacity, &
                                    num_terms) bind(C, name="hylo_sparse_regression")
      import :: c_double, c_size_t, c_int32_t
      real(c_double), intent(in) :: samples(*), targets(*)
      integer(c_size_t), value :: n, dim, outputs, degree
      real(c_double), value :: threshold
      real(c_double), intent(out) :: coefficients(*)
      integer(c_size_t), value :: capacity
      integer(c_size_t), intent(out) :: num_terms
      integer(c_int32_t) :: hylo_sparse_regression
    end function
    !> hylo_sparse_regression with the library and fit chosen by options ("degree", "trigonometric",
    !> "threshold", "ridge", "max_iterations"); opts may be c_null_ptr.
    function hylo_sindy(samples, targets, n, dim, outputs, opts, coefficients, capacity, num_terms) &
        bind(C, name="hylo_sindy")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      real(c_double), intent(in) :: samples(*), targets(*)
      integer(c_size_t), value :: n, dim, outputs
      type(c_ptr), value :: opts
      real(c_double), intent(out) :: coefficients(*)
      integer(c_size_t), value :: capacity
      integer(c_size_t), intent(out) :: num_terms
      integer(c_int32_t) :: hylo_sindy
    end function
    function hylo_sindy_terms(dim, opts, index, num_terms, name, capacity) bind(C, name="hylo_sindy_terms")
      import :: c_ptr, c_char, c_size_t, c_int32_t
      integer(c_size_t), value :: dim
      type(c_ptr), value :: opts
      integer(c_size_t), value :: index
      integer(c_size_t), intent(out) :: num_terms
      character(kind=c_char), dimension(*), intent(out) :: name
      integer(c_size_t), value :: capacity
      integer(c_int32_t) :: hylo_sindy_terms
    end function
    !> Solver in the loop: step is a bind(C) function (t, dt, u, u_next, user_data) -> int32, vjp
    !> (t, dt, u, v, u_bar, user_data) -> int32 or c_null_funptr (central differences).
    function hylo_corrector_create(n, step, vjp, user_data, opts, out) bind(C, name="hylo_corrector_create")
      import :: c_ptr, c_funptr, c_size_t, c_int32_t
      integer(c_size_t), value :: n
      type(c_funptr), value :: step, vjp
      type(c_ptr), value :: user_data, opts
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_corrector_create
    end function
    subroutine hylo_corrector_free(model) bind(C, name="hylo_corrector_free")
      import :: c_ptr
      type(c_ptr), value :: model
    end subroutine
    function hylo_corrector_num_parameters(model, count) bind(C, name="hylo_corrector_num_parameters")
      import :: c_ptr, c_size_t, c_int32_t
      type(c_ptr), value :: model
      integer(c_size_t), intent(out) :: count
      integer(c_int32_t) :: hylo_corrector_num_parameters
    end function
    function hylo_corrector_get_parameters(model, out, capacity) bind(C, name="hylo_corrector_get_parameters")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: model
      real(c_double), intent(out) :: out(*)
      integer(c_size_t), value :: capacity
      integer(c_int32_t) :: hylo_corrector_get_parameters
    end function
    function hylo_corrector_set_parameters(model, weights, n) bind(C, name="hylo_corrector_set_parameters")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: model
      real(c_double), intent(in) :: weights(*)
      integer(c_size_t), value :: n
      integer(c_int32_t) :: hylo_corrector_set_parameters
    end function
    !> states(n, num_steps + 1, num_trajectories).
    function hylo_corrector_train(model, opts, t0, dt, states, num_trajectories, num_steps, progress, progress_data) &
        bind(C, name="hylo_corrector_train")
      import :: c_ptr, c_funptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: model, opts
      real(c_double), value :: t0, dt
      real(c_double), intent(in) :: states(*)
      integer(c_size_t), value :: num_trajectories, num_steps
      type(c_funptr), value :: progress
      type(c_ptr), value :: progress_data
      integer(c_int32_t) :: hylo_corrector_train
    end function
    function hylo_corrector_training_result(model, loss, uncorrected_loss) bind(C, name="hylo_corrector_training_result")
      import :: c_ptr, c_double, c_int32_t
      type(c_ptr), value :: model
      real(c_double), intent(out) :: loss, uncorrected_loss
      integer(c_int32_t) :: hylo_corrector_training_result
    end function
    !> states_out(n, num_steps); corrected 0: the stepper alone.
    function hylo_corrector_rollout(model, t0, dt, u0, num_steps, corrected, states_out) bind(C, name="hylo_corrector_rollout")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: model
      real(c_double), value :: t0, dt
      real(c_double), intent(in) :: u0(*)
      integer(c_size_t), value :: num_steps
      integer(c_int32_t), value :: corrected
      real(c_double), intent(out) :: states_out(*)
      integer(c_int32_t) :: hylo_corrector_rollout
    end function
    function hylo_corrector_save(model, path) bind(C, name="hylo_corrector_save")
      import :: c_ptr, c_char, c_int32_t
      type(c_ptr), value :: model
      character(kind=c_char), dimension(*), intent(in) :: path
      integer(c_int32_t) :: hylo_corrector_save
    end function
    function hylo_corrector_load(path, n, step, vjp, user_data, out) bind(C, name="hylo_corrector_load")
      import :: c_ptr, c_funptr, c_char, c_size_t, c_int32_t
      character(kind=c_char), dimension(*), intent(in) :: path
      integer(c_size_t), value :: n
      type(c_funptr), value :: step, vjp
      type(c_ptr), value :: user_data
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_corrector_load
    end function

    ! ---- PINNs: strings through hylo_c_string(); points(num_coordinates, n) in Fortran order is
    ! ---- exactly the C layout n × num_coordinates; out(num_fields, n) likewise.
    function hylo_pde_create(coordinates, fields, lower, upper, num_coordinates, time, out) bind(C, name="hylo_pde_create")
      import :: c_ptr, c_char, c_double, c_size_t, c_int32_t
      character(kind=c_char), dimension(*), intent(in) :: coordinates, fields
      real(c_double), intent(in) :: lower(*), upper(*)
      integer(c_size_t), value :: num_coordinates
      type(c_ptr), value :: time
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_pde_create
    end function
    subroutine hylo_pde_free(pde) bind(C, name="hylo_pde_free")
      import :: c_ptr
      type(c_ptr), value :: pde
    end subroutine
    function hylo_pde_set_disk(pde, x, y, cx, cy, radius) bind(C, name="hylo_pde_set_disk")
      import :: c_ptr, c_char, c_double, c_int32_t
      type(c_ptr), value :: pde
      character(kind=c_char), dimension(*), intent(in) :: x, y
      real(c_double), value :: cx, cy, radius
      integer(c_int32_t) :: hylo_pde_set_disk
    end function
    function hylo_pde_set_constant(pde, name, value) bind(C, name="hylo_pde_set_constant")
      import :: c_ptr, c_char, c_double, c_int32_t
      type(c_ptr), value :: pde
      character(kind=c_char), dimension(*), intent(in) :: name
      real(c_double), value :: value
      integer(c_int32_t) :: hylo_pde_set_constant
    end function
    function hylo_pde_add_coefficient(pde, name, initial) bind(C, name="hylo_pde_add_coefficient")
      import :: c_ptr, c_char, c_double, c_int32_t
      type(c_ptr), value :: pde
      character(kind=c_char), dimension(*), intent(in) :: name
      real(c_double), value :: initial
      integer(c_int32_t) :: hylo_pde_add_coefficient
    end function
    function hylo_pde_add_equation(pde, residual) bind(C, name="hylo_pde_add_equation")
      import :: c_ptr, c_char, c_int32_t
      type(c_ptr), value :: pde
      character(kind=c_char), dimension(*), intent(in) :: residual
      integer(c_int32_t) :: hylo_pde_add_equation
    end function
    function hylo_pde_add_condition(pde, region, residual, weight) bind(C, name="hylo_pde_add_condition")
      import :: c_ptr, c_char, c_double, c_int32_t
      type(c_ptr), value :: pde
      character(kind=c_char), dimension(*), intent(in) :: region, residual
      real(c_double), value :: weight
      integer(c_int32_t) :: hylo_pde_add_condition
    end function
    function hylo_pde_set_periodic(pde, coordinate, hard) bind(C, name="hylo_pde_set_periodic")
      import :: c_ptr, c_char, c_int32_t
      type(c_ptr), value :: pde
      character(kind=c_char), dimension(*), intent(in) :: coordinate
      integer(c_int32_t), value :: hard
      integer(c_int32_t) :: hylo_pde_set_periodic
    end function
    function hylo_pde_set_output_transform(pde, field, expression) bind(C, name="hylo_pde_set_output_transform")
      import :: c_ptr, c_char, c_int32_t
      type(c_ptr), value :: pde
      character(kind=c_char), dimension(*), intent(in) :: field, expression
      integer(c_int32_t) :: hylo_pde_set_output_transform
    end function
    !> points(num_coordinates, n), values(n).
    function hylo_pde_add_observations(pde, field, points, values, n, weight) bind(C, name="hylo_pde_add_observations")
      import :: c_ptr, c_char, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: pde
      character(kind=c_char), dimension(*), intent(in) :: field
      real(c_double), intent(in) :: points(*), values(*)
      integer(c_size_t), value :: n
      real(c_double), value :: weight
      integer(c_int32_t) :: hylo_pde_add_observations
    end function
    function hylo_pinn_create(pde, opts, out) bind(C, name="hylo_pinn_create")
      import :: c_ptr, c_int32_t
      type(c_ptr), value :: pde, opts
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_pinn_create
    end function
    subroutine hylo_pinn_free(pinn) bind(C, name="hylo_pinn_free")
      import :: c_ptr
      type(c_ptr), value :: pinn
    end subroutine
    function hylo_pinn_train(pinn, opts, progress, progress_data) bind(C, name="hylo_pinn_train")
      import :: c_ptr, c_funptr, c_int32_t
      type(c_ptr), value :: pinn, opts
      type(c_funptr), value :: progress
      type(c_ptr), value :: progress_data
      integer(c_int32_t) :: hylo_pinn_train
    end function
    function hylo_pinn_sizes(pinn, num_coordinates, num_fields, num_coefficients) bind(C, name="hylo_pinn_sizes")
      import :: c_ptr, c_size_t, c_int32_t
      type(c_ptr), value :: pinn
      integer(c_size_t), intent(out) :: num_coordinates, num_fields, num_coefficients
      integer(c_int32_t) :: hylo_pinn_sizes
    end function
    function hylo_pinn_num_loss_terms(pinn, out) bind(C, name="hylo_pinn_num_loss_terms")
      import :: c_ptr, c_size_t, c_int32_t
      type(c_ptr), value :: pinn
      integer(c_size_t), intent(out) :: out
      integer(c_int32_t) :: hylo_pinn_num_loss_terms
    end function
    function hylo_pinn_loss_terms(pinn, out, capacity) bind(C, name="hylo_pinn_loss_terms")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: pinn
      real(c_double), intent(out) :: out(*)
      integer(c_size_t), value :: capacity
      integer(c_int32_t) :: hylo_pinn_loss_terms
    end function
    !> points(num_coordinates, n), out(num_fields, n).
    function hylo_pinn_evaluate(pinn, points, n, out) bind(C, name="hylo_pinn_evaluate")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: pinn
      real(c_double), intent(in) :: points(*)
      integer(c_size_t), value :: n
      real(c_double), intent(out) :: out(*)
      integer(c_int32_t) :: hylo_pinn_evaluate
    end function
    function hylo_pinn_coefficients(pinn, out, capacity) bind(C, name="hylo_pinn_coefficients")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: pinn
      real(c_double), intent(out) :: out(*)
      integer(c_size_t), value :: capacity
      integer(c_int32_t) :: hylo_pinn_coefficients
    end function
    function hylo_pinn_save(pinn, path) bind(C, name="hylo_pinn_save")
      import :: c_ptr, c_char, c_int32_t
      type(c_ptr), value :: pinn
      character(kind=c_char), dimension(*), intent(in) :: path
      integer(c_int32_t) :: hylo_pinn_save
    end function
    function hylo_pinn_load(path, out) bind(C, name="hylo_pinn_load")
      import :: c_ptr, c_char, c_int32_t
      character(kind=c_char), dimension(*), intent(in) :: path
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_pinn_load
    end function

    ! ---- Neural operators. Fields are C row-major n × channels × nx × ny, so a Fortran array
    ! a(ny, nx, channels, n) (or a(nx, n) in 1-D, one channel) is passed as is.
    function hylo_fno_create(opts, out) bind(C, name="hylo_fno_create")
      import :: c_ptr, c_int32_t
      type(c_ptr), value :: opts
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_fno_create
    end function
    subroutine hylo_fno_free(fno) bind(C, name="hylo_fno_free")
      import :: c_ptr
      type(c_ptr), value :: fno
    end subroutine
    function hylo_fno_train(fno, inputs, outputs, n, nx, ny, opts, progress, progress_data) bind(C, name="hylo_fno_train")
      import :: c_ptr, c_funptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: fno, opts, progress_data
      real(c_double), intent(in) :: inputs(*), outputs(*)
      integer(c_size_t), value :: n, nx, ny
      type(c_funptr), value :: progress
      integer(c_int32_t) :: hylo_fno_train
    end function
    function hylo_fno_predict(fno, inputs, n, nx, ny, out) bind(C, name="hylo_fno_predict")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: fno
      real(c_double), intent(in) :: inputs(*)
      integer(c_size_t), value :: n, nx, ny
      real(c_double), intent(out) :: out(*)
      integer(c_int32_t) :: hylo_fno_predict
    end function
    function hylo_fno_save(fno, path) bind(C, name="hylo_fno_save")
      import :: c_ptr, c_char, c_int32_t
      type(c_ptr), value :: fno
      character(kind=c_char), dimension(*), intent(in) :: path
      integer(c_int32_t) :: hylo_fno_save
    end function
    function hylo_fno_load(path, out) bind(C, name="hylo_fno_load")
      import :: c_ptr, c_char, c_int32_t
      character(kind=c_char), dimension(*), intent(in) :: path
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_fno_load
    end function
    function hylo_deeponet_create(opts, out) bind(C, name="hylo_deeponet_create")
      import :: c_ptr, c_int32_t
      type(c_ptr), value :: opts
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_deeponet_create
    end function
    subroutine hylo_deeponet_free(net) bind(C, name="hylo_deeponet_free")
      import :: c_ptr
      type(c_ptr), value :: net
    end subroutine
    !> u(sensors, n), y(coordinates, num_points), s(num_points, n) in Fortran order.
    function hylo_deeponet_train(net, u, n, y, num_points, s, opts, progress, progress_data) &
        bind(C, name="hylo_deeponet_train")
      import :: c_ptr, c_funptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: net, opts, progress_data
      real(c_double), intent(in) :: u(*), y(*), s(*)
      integer(c_size_t), value :: n, num_points
      type(c_funptr), value :: progress
      integer(c_int32_t) :: hylo_deeponet_train
    end function
    function hylo_deeponet_train_pointwise(net, u, y, s, n, opts, progress, progress_data) &
        bind(C, name="hylo_deeponet_train_pointwise")
      import :: c_ptr, c_funptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: net, opts, progress_data
      real(c_double), intent(in) :: u(*), y(*), s(*)
      integer(c_size_t), value :: n
      type(c_funptr), value :: progress
      integer(c_int32_t) :: hylo_deeponet_train_pointwise
    end function
    function hylo_deeponet_predict(net, u, n, y, num_points, out) bind(C, name="hylo_deeponet_predict")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: net
      real(c_double), intent(in) :: u(*), y(*)
      integer(c_size_t), value :: n, num_points
      real(c_double), intent(out) :: out(*)
      integer(c_int32_t) :: hylo_deeponet_predict
    end function
    function hylo_deeponet_predict_pointwise(net, u, y, n, out) bind(C, name="hylo_deeponet_predict_pointwise")
      import :: c_ptr, c_double, c_size_t, c_int32_t
      type(c_ptr), value :: net
      real(c_double), intent(in) :: u(*), y(*)
      integer(c_size_t), value :: n
      real(c_double), intent(out) :: out(*)
      integer(c_int32_t) :: hylo_deeponet_predict_pointwise
    end function
    function hylo_deeponet_save(net, path) bind(C, name="hylo_deeponet_save")
      import :: c_ptr, c_char, c_int32_t
      type(c_ptr), value :: net
      character(kind=c_char), dimension(*), intent(in) :: path
      integer(c_int32_t) :: hylo_deeponet_save
    end function
    function hylo_deeponet_load(path, out) bind(C, name="hylo_deeponet_load")
      import :: c_ptr, c_char, c_int32_t
      character(kind=c_char), dimension(*), intent(in) :: path
      type(c_ptr), intent(out) :: out
      integer(c_int32_t) :: hylo_deeponet_load
    end function
    function hylo_data_gaussian_field(sigma, tau, gamma, n, nx, ny, seed, out) bind(C, name="hylo_data_gaussian_field")
      import :: c_double, c_size_t, c_int64_t, c_int32_t
      real(c_double), value :: sigma, tau, gamma
      integer(c_size_t), value :: n, nx, ny
      integer(c_int64_t), value :: seed
      real(c_double), intent(out) :: out(*)
      integer(c_int32_t) :: hylo_data_gaussian_field
    end function
    function hylo_data_burgers(n, resolution, seed, opts, progress, progress_data, initial, final_state) &
        bind(C, name="hylo_data_burgers")
      import :: c_ptr, c_funptr, c_double, c_size_t, c_int64_t, c_int32_t
      integer(c_size_t), value :: n, resolution
      integer(c_int64_t), value :: seed
      type(c_ptr), value :: opts, progress_data
      type(c_funptr), value :: progress
      real(c_double), intent(out) :: initial(*), final_state(*)
      integer(c_int32_t) :: hylo_data_burgers
    end function
    function hylo_data_darcy(n, resolution, seed, opts, progress, progress_data, coefficient, solution) &
        bind(C, name="hylo_data_darcy")
      import :: c_ptr, c_funptr, c_double, c_size_t, c_int64_t, c_int32_t
      integer(c_size_t), value :: n, resolution
      integer(c_int64_t), value :: seed
      type(c_ptr), value :: opts, progress_data
      type(c_funptr), value :: progress
      real(c_double), intent(out) :: coefficient(*), solution(*)
      integer(c_int32_t) :: hylo_data_darcy
    end function
    function hylo_data_antiderivative(n, num_points, seed, opts, u, y, s) bind(C, name="hylo_data_antiderivative")
      import :: c_ptr, c_double, c_size_t, c_int64_t, c_int32_t
      integer(c_size_t), value :: n, num_points
      integer(c_int64_t), value :: seed
      type(c_ptr), value :: opts
      real(c_double), intent(out) :: u(*), y(*), s(*)
      integer(c_int32_t) :: hylo_data_antiderivative
    end function

    function c_strlen(s) bind(C, name="strlen")
      import :: c_ptr, c_size_t
      type(c_ptr), value :: s
      integer(c_size_t) :: c_strlen
    end function
  end interface

contains

  !> A Fortran string as a NUL-terminated C string (trailing blanks removed).
  function hylo_c_string(s) result(c)
    character(len=*), intent(in) :: s
    character(kind=c_char, len=:), allocatable :: c
    c = trim(s) // c_null_char
  end function

  !> A library-owned C string as a Fortran string ("" for a null pointer).
  function hylo_f_string(p) result(s)
    type(c_ptr), intent(in) :: p
    character(len=:), allocatable :: s
    character(kind=c_char), pointer :: chars(:)
    integer :: i, n
    if (.not. c_associated(p)) then
      s = ""
      return
    end if
    n = int(c_strlen(p))
    call c_f_pointer(p, chars, [n])
    allocate(character(len=n) :: s)
    do i = 1, n
      s(i:i) = chars(i)
    end do
  end function

  !> The message of the last failed call on this thread.
  function hylo_error_message() result(s)
    character(len=:), allocatable :: s
    s = hylo_f_string(hylo_last_error())
  end function
end module hylo
