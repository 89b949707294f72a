!> Rejection ABC and SMC-ABC on a simulator written in Fortran (gaussian_linear_simulator.f90):
!> x = theta + noise, theta ~ N(0, 0.1 I) in 2-D, whose posterior at x_o is N(x_o / 2, 0.05 I);
!> and the misspecification check on its simulations.
program abc_fortran
  use hylo
  use test_checks
  use gaussian_linear_simulator
  use, intrinsic :: iso_c_binding
  implicit none
  integer, parameter :: m = 4000
  type(c_ptr) :: prior, opts, result, status
  real(c_double) :: mean(2) = 0, cov(2, 2), x_o(2), epsilon, mu(2), var(2), s(2, m), sims(2, m), p_value, mmd
  real(c_double), allocatable :: theta(:, :), weights(:), distances(:), epsilons(:)
  integer(c_size_t) :: n, d, simulations, invalid, populations

  cov = reshape([0.1d0, 0d0, 0d0, 0.1d0], [2, 2])
  x_o = [0.4d0, -0.2d0]
  call expect(hylo_prior_create_gaussian(mean, cov, 2_c_size_t, prior) == HYLO_OK, "prior")

  ! Rejection ABC at a loose 10 % quantile, made exact for this linear model by the regression adjustment.
  call expect(hylo_options_create(opts) == HYLO_OK, "options")
  call expect(hylo_options_set_int(opts, hylo_c_string("num_simulations"), 40000_c_int64_t) == HYLO_OK, "budget")
  call expect(hylo_options_set_double(opts, hylo_c_string("quantile"), 0.1d0) == HYLO_OK, "quantile")
  call expect(hylo_options_set_int(opts, hylo_c_string("lra"), 1_c_int64_t) == HYLO_OK, "lra")
  call expect(hylo_options_set_int(opts, hylo_c_string("num_workers"), 2_c_int64_t) == HYLO_OK, "workers")
  call expect(hylo_abc_rejection(prior, c_funloc(simulate_gaussian_linear), c_null_funptr, c_null_ptr, x_o, 2_c_size_t, &
                                 opts, c_null_funptr, c_null_ptr, result) == HYLO_OK, "rejection ABC")
  call expect(hylo_abc_result_info(result, n, d, epsilon, simulations, invalid, populations, status) == HYLO_OK, "info")
  call expect(n == 4000 .and. d == 2 .and. simulations == 40000 .and. invalid == 0, "sizes")
  call expect(hylo_f_string(status) == "complete", "status")
  allocate(theta(d, n), weights(n), distances(n))
  call expect(hylo_abc_result_samples(result, theta, weights, distances, n) == HYLO_OK, "samples")
  call expect(all(distances <= epsilon) .and. abs(sum(weights) - 1) < 1d-12, "distances and weights")
  call moments(theta, int(n))
  print '(a, 2f8.4, a, 2f8.4, a, 2f8.4)', "rejection ABC + LRA: mean ", mu, "  var ", var, "  (exact mean ", x_o / 2
  call expect(all(abs(mu - x_o / 2) < 0.03d0) .and. all(abs(var - 0.05d0) < 0.01d0), "rejection ABC moments")
  call hylo_abc_result_free(result)
  deallocate(theta, weights, distances)

  ! SMC-ABC within a 40,000-simulation budget.
  call expect(hylo_options_clear(opts) == HYLO_OK, "clear")
  call expect(hylo_options_set_int(opts, hylo_c_string("num_particles"), 1000_c_int64_t) == HYLO_OK, "particles")
  call expect(hylo_options_set_int(opts, hylo_c_string("num_simulations"), 40000_c_int64_t) == HYLO_OK, "budget")
  call expect(hylo_options_set_int(opts, hylo_c_string("distance_based_decay"), 1_c_int64_t) == HYLO_OK, "decay")
  call expect(hylo_abc_smc(prior, c_funloc(simulate_gaussian_linear), c_null_funptr, c_null_ptr, x_o, 2_c_size_t, &
                           opts, c_null_funptr, c_null_ptr, result) == HYLO_OK, "SMC-ABC")
  call expect(hylo_abc_result_info(result, n, d, epsilon, simulations, invalid, populations, status) == HYLO_OK, "info")
  allocate(epsilons(populations))
  call expect(hylo_abc_result_epsilons(result, epsilons, populations) == HYLO_OK, "epsilons")
  print '(a, i0, a, f8.4)', "SMC-ABC populations ", populations, "  final epsilon ", epsilon
  call expect(populations > 3 .and. all(epsilons(2:) < epsilons(:populations - 1)), "decreasing tolerances")
  call expect(hylo_abc_result_resample(result, int(m, c_size_t), 3_c_int64_t, s) == HYLO_OK, "resample")
  call moments(s, m)
  print '(a, 2f8.4, a, 2f8.4)', "SMC-ABC: mean ", mu, "  var ", var
  call expect(all(abs(mu - x_o / 2) < 0.05d0) .and. all(abs(var - 0.05d0) < 0.02d0), "SMC-ABC moments")
  call hylo_abc_result_free(result)

  ! Misspecification: x_o is like the model's simulations, (3, -3) is not.
  call expect(hylo_prior_sample(prior, int(m, c_size_t), 11_c_int64_t, s) == HYLO_OK, "prior draws")
  call expect(hylo_simulate(c_funloc(simulate_gaussian_linear), c_null_ptr, s, int(m, c_size_t), 2_c_size_t, 2_c_size_t, &
                            c_null_ptr, c_null_funptr, c_null_ptr, sims, c_null_ptr, c_null_ptr) == HYLO_OK, "simulate")
  call expect(hylo_misspecification_mmd(x_o, 1_c_size_t, sims, int(m, c_size_t), 2_c_size_t, c_null_ptr, c_null_ptr, &
                                        p_value, mmd) == HYLO_OK .and. p_value > 0.05d0, "x_o not flagged")
  call expect(hylo_misspecification_mmd([3d0, -3d0], 1_c_size_t, sims, int(m, c_size_t), 2_c_size_t, c_null_ptr, &
                                        c_null_ptr, p_value, mmd) == HYLO_OK .and. p_value < 0.01d0, "(3, -3) flagged")
  print '(a, f8.4)', "misspecification p-value of (3, -3): ", p_value

  ! Both simulator slots, or neither, are refused with a message.
  call expect(hylo_abc_smc(prior, c_null_funptr, c_null_funptr, c_null_ptr, x_o, 2_c_size_t, opts, c_null_funptr, &
                           c_null_ptr, result) == HYLO_E_INVALID_ARGUMENT, "no simulator refused")
  print '(a, a)', "message: ", hylo_error_message()

  call hylo_options_free(opts)
  call hylo_prior_free(prior)
  call report()
contains
  subroutine moments(samples, count)
    real(c_double), intent(in) :: samples(:, :)
    integer, intent(in) :: count
    mu = sum(samples, dim=2) / count
    var = sum((samples - spread(mu, 2, count))**2, dim=2) / count
  end subroutine

end program
