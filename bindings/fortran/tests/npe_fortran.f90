!> NPE with a simulator written in Fortran (gaussian_linear_simulator.f90): x = theta + noise,
!> theta ~ N(0, 0.1 I) in 2-D, whose posterior at x_o is N(x_o / 2, 0.05 I).
program npe_fortran
  use hylo
  use test_checks
  use gaussian_linear_simulator
  use, intrinsic :: iso_c_binding
  implicit none
  integer, parameter :: n = 3000, m = 4000
  type(c_ptr) :: prior, opts, npe, posterior, loaded
  real(c_double) :: mean(2) = 0, cov(2, 2), theta(2, n), x(2, n), x_o(2), s(2, m), s2(2, m), rate, mu(2), var(2)
  integer(c_size_t) :: excluded, n_out

  cov = reshape([0.1d0, 0d0, 0d0, 0.1d0], [2, 2])
  x_o = [0.4d0, -0.2d0]
  call expect(hylo_prior_create_gaussian(mean, cov, 2_c_size_t, prior) == HYLO_OK, "prior")
  call expect(hylo_prior_sample(prior, int(n, c_size_t), 1_c_int64_t, theta) == HYLO_OK, "prior sample")
  call expect(hylo_options_create(opts) == HYLO_OK, "options")
  call expect(hylo_options_set_int(opts, hylo_c_string("num_workers"), 2_c_int64_t) == HYLO_OK, "workers")
  call expect(hylo_simulate(c_funloc(simulate_gaussian_linear), c_null_ptr, theta, int(n, c_size_t), 2_c_size_t, &
                            2_c_size_t, opts, c_null_funptr, c_null_ptr, x, c_null_ptr, c_null_ptr) == HYLO_OK, "simulate")

  print '(a, 2f8.4, a, 2f8.4)', "noise mean ", sum(x - theta, dim=2) / n, "  variance ", &
    sum((x - theta)**2, dim=2) / n
  call expect(all(abs(sum((x - theta)**2, dim=2) / n - 0.1d0) < 0.01d0), "simulator noise variance")
  call expect(hylo_options_clear(opts) == HYLO_OK, "clear")
  call expect(hylo_options_set_int(opts, hylo_c_string("hidden_features"), 32_c_int64_t) == HYLO_OK, "hidden")
  call expect(hylo_options_set_int(opts, hylo_c_string("num_transforms"), 3_c_int64_t) == HYLO_OK, "transforms")
  call expect(hylo_npe_create(prior, opts, npe) == HYLO_OK, "npe")
  ! The simulations go through .npy files, as they would from a cluster job array.
  call expect(hylo_npy_write(hylo_c_string("npe_fortran_theta.npy"), theta, int(n, c_size_t), 2_c_size_t) == HYLO_OK, "npy theta")
  call expect(hylo_npy_write(hylo_c_string("npe_fortran_x.npy"), x, int(n, c_size_t), 2_c_size_t) == HYLO_OK, "npy x")
  call expect(hylo_npe_append_npy(npe, hylo_c_string("npe_fortran_theta.npy"), hylo_c_string("npe_fortran_x.npy"), &
                                  excluded) == HYLO_OK .and. excluded == 0, "append from npy")
  call expect(hylo_options_clear(opts) == HYLO_OK, "clear")
  call expect(hylo_options_set_double(opts, hylo_c_string("learning_rate"), 1d-3) == HYLO_OK, "lr")
  call expect(hylo_npe_train(npe, opts, c_null_funptr, c_null_ptr) == HYLO_OK, "train")
  call expect(hylo_npe_build_posterior(npe, posterior) == HYLO_OK, "posterior")
  call expect(hylo_posterior_sample(posterior, x_o, 2_c_size_t, int(m, c_size_t), 7_c_int64_t, c_null_ptr, s, &
                                    n_out, rate) == HYLO_OK .and. n_out == m, "sample")
  mu = sum(s, dim=2) / m
  var = sum((s - spread(mu, 2, m))**2, dim=2) / m
  print '(a, 2f8.4, a, 2f8.4, a)', "posterior mean ", mu, "  (exact ", x_o / 2, ")"
  print '(a, 2f8.4, a)', "posterior var  ", var, "  (exact  0.0500  0.0500)"
  call expect(all(abs(mu - x_o / 2) < 0.04d0), "posterior mean")
  call expect(all(abs(var - 0.05d0) < 0.015d0), "posterior variance")

  call expect(hylo_posterior_map(posterior, x_o, 2_c_size_t, 1_c_int64_t, c_null_ptr, mu, rate) == HYLO_OK, "map")
  print '(a, 2f8.4)', "MAP estimate   ", mu
  call expect(all(abs(mu - x_o / 2) < 0.05d0), "MAP near x_o / 2")
  call expect(hylo_posterior_save(posterior, hylo_c_string("npe_fortran.safetensors")) == HYLO_OK, "save")
  call expect(hylo_posterior_load(hylo_c_string("npe_fortran.safetensors"), loaded) == HYLO_OK, "load")
  call expect(hylo_posterior_sample(loaded, x_o, 2_c_size_t, int(m, c_size_t), 7_c_int64_t, c_null_ptr, s2, &
                                    n_out, rate) == HYLO_OK, "sample loaded")
  call expect(all(s == s2), "bit-identical reload")


  ! A second, sequential round (SNPE-C): theta from the posterior at x_o, appended as proposal draws.
  call expect(hylo_simulate(c_funloc(simulate_gaussian_linear), c_null_ptr, s, int(m, c_size_t), 2_c_size_t, &
                            2_c_size_t, c_null_ptr, c_null_funptr, c_null_ptr, s2, c_null_ptr, c_null_ptr) == HYLO_OK, &
              "simulate round 2")
  call expect(hylo_npe_append_proposal_simulations(npe, s, s2, int(m, c_size_t), 2_c_size_t, excluded) == HYLO_OK, &
              "append proposal simulations")
  call expect(hylo_npe_train(npe, opts, c_null_funptr, c_null_ptr) == HYLO_OK, "train round 2 (atomic loss)")
  call hylo_posterior_free(posterior)
  call expect(hylo_npe_build_posterior(npe, posterior) == HYLO_OK, "posterior round 2")
  call expect(hylo_posterior_sample(posterior, x_o, 2_c_size_t, int(m, c_size_t), 8_c_int64_t, c_null_ptr, s, &
                                    n_out, rate) == HYLO_OK, "sample round 2")
  mu = sum(s, dim=2) / m
  var = sum((s - spread(mu, 2, m))**2, dim=2) / m
  print '(a, 2f8.4, a, 2f8.4)', "SNPE-C round 2: mean ", mu, "  var ", var
  call expect(all(abs(mu - x_o / 2) < 0.04d0) .and. all(abs(var - 0.05d0) < 0.015d0), "SNPE-C posterior")
  ! TSNPE's proposal: prior draws in the region holding 99.9 % of the posterior's mass.
  call expect(hylo_options_clear(opts) == HYLO_OK, "clear")
  call expect(hylo_options_set_double(opts, hylo_c_string("quantile"), 1d-3) == HYLO_OK, "quantile")
  call expect(hylo_posterior_sample_truncated_prior(posterior, x_o, 2_c_size_t, int(m, c_size_t), 9_c_int64_t, opts, s, &
                                                    n_out, rate) == HYLO_OK .and. n_out == m, "truncated prior")
  print '(a, f8.4)', "truncated prior: prior mass of the region ", rate
  ! The region is about the disc of radius 0.83 around x_o / 2, which holds ~0.92 of the prior N(0, 0.1 I).
  call expect(rate > 0.85d0 .and. rate < 0.97d0, "region's prior mass")

  call hylo_posterior_free(loaded)
  call hylo_posterior_free(posterior)
  call hylo_npe_free(npe)
  call hylo_options_free(opts)
  call hylo_prior_free(prior)
  call report()
end program
