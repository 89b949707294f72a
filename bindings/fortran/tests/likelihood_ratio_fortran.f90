!> NLE and NRE from Fortran on the Gaussian linear model x = theta + noise, theta ~ N(0, 0.1 I) in
!> 2-D, whose posterior at x_o is N(x_o / 2, 0.05 I): the NLE posterior sampled by NUTS with R-hat
!> and ESS reported, the NRE (NRE-C) posterior by the default slice sampler, an ensemble of both,
!> FMPE, and TMNRE's marginals.
program likelihood_ratio_fortran
  use hylo
  use test_checks
  use, intrinsic :: iso_c_binding
  implicit none
  integer, parameter :: n = 4000, m = 2000
  type(c_ptr) :: prior, opts, nle, nre, fmpe, tmnre, posterior, members(2), ensemble
  real(c_double) :: low(2), high(2), marginal(m)
  integer(c_size_t) :: no_pairs(1) = 0
  real(c_double) :: mean(2) = 0, cov(2, 2), theta(2, n), noise(2, n), x(2, n), x_o(2), s(2, m), rate, mu(2), var(2)
  real(c_double) :: rhat(2), ess(2)
  integer(c_size_t) :: excluded, n_out

  cov = reshape([0.1d0, 0d0, 0d0, 0.1d0], [2, 2])
  x_o = [0.4d0, -0.2d0]
  call expect(hylo_prior_create_gaussian(mean, cov, 2_c_size_t, prior) == HYLO_OK, "prior")
  call expect(hylo_prior_sample(prior, int(n, c_size_t), 1_c_int64_t, theta) == HYLO_OK, "theta")
  call expect(hylo_prior_sample(prior, int(n, c_size_t), 2_c_int64_t, noise) == HYLO_OK, "noise")
  x = theta + noise
  call expect(hylo_options_create(opts) == HYLO_OK, "options")

  ! NLE, sampled by NUTS.
  call expect(hylo_options_set_int(opts, hylo_c_string("hidden_features"), 32_c_int64_t) == HYLO_OK, "hidden")
  call expect(hylo_options_set_int(opts, hylo_c_string("num_transforms"), 3_c_int64_t) == HYLO_OK, "transforms")
  call expect(hylo_nle_create(prior, opts, nle) == HYLO_OK, "nle")
  call expect(hylo_nle_append_simulations(nle, theta, x, int(n, c_size_t), 2_c_size_t, excluded) == HYLO_OK, "nle append")
  call train_options()
  call expect(hylo_nle_train(nle, opts, c_null_funptr, c_null_ptr) == HYLO_OK, "nle train")
  call expect(hylo_nle_build_posterior(nle, posterior) == HYLO_OK, "nle posterior")
  call expect(hylo_options_clear(opts) == HYLO_OK, "clear")
  call expect(hylo_options_set_string(opts, hylo_c_string("mcmc_method"), hylo_c_string("nuts")) == HYLO_OK, "nuts")
  call expect(hylo_options_set_int(opts, hylo_c_string("num_chains"), 4_c_int64_t) == HYLO_OK, "chains")
  call expect(hylo_posterior_sample_mcmc(posterior, x_o, 2_c_size_t, int(m, c_size_t), 3_c_int64_t, opts, c_null_funptr, &
                                         c_null_ptr, s, n_out, rhat, ess, rate) == HYLO_OK .and. n_out == m, "nle nuts")
  print '(a, 2f8.4, a, 2f9.1, a, f6.3)', "NLE (NUTS) R-hat ", rhat, "  ESS ", ess, &
    "  acceptance ", rate
  call expect(all(rhat < 1.1d0) .and. all(ess > 100) .and. rate > 0.5d0, "nuts diagnostics")
  call check_moments("NLE")
  members(1) = posterior
  call hylo_nle_free(nle)

  ! NRE-C, sampled by the default slice sampler.
  call expect(hylo_options_clear(opts) == HYLO_OK, "clear")
  call expect(hylo_options_set_string(opts, hylo_c_string("loss"), hylo_c_string("nre_c")) == HYLO_OK, "loss")
  call expect(hylo_options_set_int(opts, hylo_c_string("hidden_features"), 32_c_int64_t) == HYLO_OK, "hidden")
  call expect(hylo_nre_create(prior, opts, nre) == HYLO_OK, "nre")
  call expect(hylo_nre_append_simulations(nre, theta, x, int(n, c_size_t), 2_c_size_t, excluded) == HYLO_OK, "nre append")
  call train_options()
  call expect(hylo_nre_train(nre, opts, c_null_funptr, c_null_ptr) == HYLO_OK, "nre train")
  call expect(hylo_nre_build_posterior(nre, posterior) == HYLO_OK, "nre posterior")
  call expect(hylo_posterior_sample(posterior, x_o, 2_c_size_t, int(m, c_size_t), 4_c_int64_t, c_null_ptr, s, &
                                    n_out, rate) == HYLO_OK .and. n_out == m, "nre sample")
  call check_moments("NRE")
  call expect(hylo_options_clear(opts) == HYLO_OK, "clear")
  call expect(hylo_options_set_int(opts, hylo_c_string("max_proposals"), 10_c_int64_t) == HYLO_OK, "max_proposals")
  call expect(hylo_posterior_sample(posterior, x_o, 2_c_size_t, 10_c_size_t, 4_c_int64_t, opts, s, n_out, rate) &
              == HYLO_E_OPTION, "direct-sampling options are refused")
  members(2) = posterior
  call hylo_nre_free(nre)

  ! The two as an equally weighted ensemble, each member sampled by its default slice sampler.
  call expect(hylo_posterior_ensemble_create(members, 2_c_size_t, c_null_ptr, ensemble) == HYLO_OK, "ensemble")
  call hylo_posterior_free(members(1))
  call hylo_posterior_free(members(2))
  call expect(hylo_options_clear(opts) == HYLO_OK, "clear")
  call expect(hylo_options_set_int(opts, hylo_c_string("num_chains"), 10_c_int64_t) == HYLO_OK, "chains")
  call expect(hylo_posterior_sample(ensemble, x_o, 2_c_size_t, int(m, c_size_t), 5_c_int64_t, opts, s, n_out, rate) &
              == HYLO_OK .and. n_out == m, "ensemble sample")
  call check_moments("ensemble")
  call hylo_posterior_free(ensemble)

  ! FMPE: a velocity field trained by flow matching, sampled by integrating its ODE.
  call expect(hylo_options_clear(opts) == HYLO_OK, "clear")
  call expect(hylo_options_set_int(opts, hylo_c_string("hidden_features"), 32_c_int64_t) == HYLO_OK, "hidden")
  call expect(hylo_options_set_int(opts, hylo_c_string("num_blocks"), 2_c_int64_t) == HYLO_OK, "blocks")
  call expect(hylo_options_set_int(opts, hylo_c_string("num_steps"), 20_c_int64_t) == HYLO_OK, "steps")
  call expect(hylo_fmpe_create(prior, opts, fmpe) == HYLO_OK, "fmpe")
  call expect(hylo_fmpe_append_simulations(fmpe, theta, x, int(n, c_size_t), 2_c_size_t, excluded) == HYLO_OK, "fmpe append")
  call train_options()
  call expect(hylo_options_set_int(opts, hylo_c_string("max_num_epochs"), 150_c_int64_t) == HYLO_OK, "epochs")
  call expect(hylo_options_set_int(opts, hylo_c_string("stop_after_epochs"), 150_c_int64_t) == HYLO_OK, "patience")
  call expect(hylo_fmpe_train(fmpe, opts, c_null_funptr, c_null_ptr) == HYLO_OK, "fmpe train")
  call expect(hylo_fmpe_build_posterior(fmpe, posterior) == HYLO_OK, "fmpe posterior")
  call expect(hylo_posterior_sample(posterior, x_o, 2_c_size_t, int(m, c_size_t), 6_c_int64_t, c_null_ptr, s, &
                                    n_out, rate) == HYLO_OK .and. n_out == m, "fmpe sample")
  call check_moments("FMPE")
  call hylo_posterior_free(posterior)
  call hylo_fmpe_free(fmpe)

  ! TMNRE: one ratio per parameter, a truncation round, unweighted marginal samples of theta_2.
  call expect(hylo_options_clear(opts) == HYLO_OK, "clear")
  call expect(hylo_options_set_int(opts, hylo_c_string("hidden_features"), 32_c_int64_t) == HYLO_OK, "hidden")
  call expect(hylo_tmnre_create(prior, no_pairs, 0_c_size_t, opts, tmnre) == HYLO_OK, "tmnre")
  call expect(hylo_tmnre_append_simulations(tmnre, theta, x, int(n, c_size_t), 2_c_size_t, excluded) == HYLO_OK, "tmnre append")
  call train_options()
  call expect(hylo_tmnre_train(tmnre, opts, c_null_funptr, c_null_ptr) == HYLO_OK, "tmnre train")
  call expect(hylo_tmnre_truncate(tmnre, x_o, 2_c_size_t, c_null_ptr, low, high) == HYLO_OK, "truncate")
  print '(a, 2f8.3, a, 2f8.3)', "TMNRE box low ", low, "  high ", high
  call expect(all(low < x_o / 2 - 4 * sqrt(0.05d0)) .and. all(high > x_o / 2 + 4 * sqrt(0.05d0)), "box holds the posterior")
  call expect(hylo_tmnre_marginal_samples(tmnre, x_o, 2_c_size_t, 1_c_size_t, int(m, c_size_t), 7_c_int64_t, marginal, &
                                          c_null_ptr) == HYLO_OK, "marginal samples")
  mu(1) = sum(marginal) / m
  var(1) = sum((marginal - mu(1))**2) / m
  print '(a, f8.4, a, f8.4)', "TMNRE theta_2 marginal mean ", mu(1), "  var ", var(1)
  call expect(abs(mu(1) - x_o(2) / 2) < 0.05d0 .and. abs(var(1) / 0.05d0 - 1) < 0.3d0, "TMNRE marginal")
  call hylo_tmnre_free(tmnre)

  call hylo_options_free(opts)
  call hylo_prior_free(prior)
  call report()
contains
  subroutine train_options()
    call expect(hylo_options_clear(opts) == HYLO_OK, "clear")
    call expect(hylo_options_set_double(opts, hylo_c_string("learning_rate"), 1d-3) == HYLO_OK, "lr")
    call expect(hylo_options_set_int(opts, hylo_c_string("max_num_epochs"), 60_c_int64_t) == HYLO_OK, "epochs")
  end subroutine

  subroutine check_moments(what)
    character(len=*), intent(in) :: what
    mu = sum(s, dim=2) / m
    var = sum((s - spread(mu, 2, m))**2, dim=2) / m
    print '(a, a, 2f8.4, a, 2f8.4, a, 2f8.4)', what, " posterior mean ", mu, "  var ", var, "  exact mean ", x_o / 2
    call expect(all(abs(mu - x_o / 2) < 0.05d0), what // " posterior mean")
    call expect(all(abs(var / 0.05d0 - 1) < 0.3d0), what // " posterior variance")
  end subroutine

end program
