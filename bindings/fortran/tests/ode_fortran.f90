!> An ODE whose physics is written in Fortran: the damped oscillator y'' + c y' + k y = 0 as a first-
!> order system, solved by Hylo; forward sensitivities and the adjoint gradient with respect to
!> (c, k) are checked against each other and the solution against the closed form.
module oscillator
  use, intrinsic :: iso_c_binding
  implicit none
contains
  function rhs(t, y, p, ydot, user_data) bind(C) result(status)
    real(c_double), value :: t
    real(c_double), intent(in) :: y(*), p(*)
    real(c_double), intent(out) :: ydot(*)
    type(c_ptr), value :: user_data
    integer(c_int32_t) :: status
    ydot(1) = y(2)
    ydot(2) = -p(1) * y(2) - p(2) * y(1)
    status = 0
  end function

  !> the truth for the hybrid check: the oscillator with an extra cubic damping
  function truth(t, y, p, ydot, user_data) bind(C) result(status)
    real(c_double), value :: t
    real(c_double), intent(in) :: y(*), p(*)
    real(c_double), intent(out) :: ydot(*)
    type(c_ptr), value :: user_data
    integer(c_int32_t) :: status
    ydot(1) = y(2)
    ydot(2) = -p(1) * y(2) - p(2) * y(1) - 0.5d0 * y(2)**3
    status = 0
  end function

  !> a coarse stepper for the oscillator (c = 0.4, k = 4): forward Euler, and its exact VJP
  function euler_step(t, dt, u, next, user_data) bind(C) result(status)
    real(c_double), value :: t, dt
    real(c_double), intent(in) :: u(2)
    real(c_double), intent(out) :: next(2)
    type(c_ptr), value :: user_data
    integer(c_int32_t) :: status
    next(1) = u(1) + dt * u(2)
    next(2) = u(2) + dt * (-0.4d0 * u(2) - 4d0 * u(1))
    status = 0
  end function

  function euler_vjp(t, dt, u, v, bar, user_data) bind(C) result(status)
    real(c_double), value :: t, dt
    real(c_double), intent(in) :: u(2), v(2)
    real(c_double), intent(out) :: bar(2)
    type(c_ptr), value :: user_data
    integer(c_int32_t) :: status
    bar(1) = v(1) - 4d0 * dt * v(2)
    bar(2) = v(2) + dt * (v(1) - 0.4d0 * v(2))
    status = 0
  end function

  !> loss = sum over output times of y1^2
  function loss(times, states, num_times, n, value, cotangents, user_data) bind(C) result(status)
    integer(c_size_t), value :: num_times, n
    real(c_double), intent(in) :: times(num_times), states(n, num_times)
    real(c_double), intent(out) :: value, cotangents(n, num_times)
    type(c_ptr), value :: user_data
    integer(c_int32_t) :: status
    value = sum(states(1, :)**2)
    cotangents = 0
    cotangents(1, :) = 2 * states(1, :)
    status = 0
  end function
end module

program ode_fortran
  use hylo
  use test_checks
  use oscillator
  use, intrinsic :: iso_c_binding
  implicit none
  type(c_ptr) :: ode, opts
  real(c_double), target :: y0(2) = [1d0, 0d0], p(2) = [0.4d0, 4d0], times(3) = [1d0, 2d0, 3d0]
  real(c_double), target :: states(2, 3), sens(2, 2, 3), grad_p(2), value
  real(c_double) :: omega, exact, expected(2)
  integer(c_int64_t) :: stats(8)
  integer :: k, j

  call expect(hylo_ode_create(2_c_size_t, 2_c_size_t, c_funloc(rhs), c_null_ptr, ode) == HYLO_OK, "create")
  call expect(hylo_options_create(opts) == HYLO_OK, "options")
  call expect(hylo_options_set_double(opts, hylo_c_string("rtol"), 1d-10) == HYLO_OK, "rtol")
  call expect(hylo_options_set_double(opts, hylo_c_string("atol"), 1d-12) == HYLO_OK, "atol")
  call expect(hylo_ode_solve(ode, opts, 0d0, y0, p, times, 3_c_size_t, states) == HYLO_OK, "solve")
  omega = sqrt(p(2) - p(1)**2 / 4)
  do k = 1, 3
    exact = exp(-p(1) * times(k) / 2) * (cos(omega * times(k)) + p(1) / (2 * omega) * sin(omega * times(k)))
    call expect(abs(states(1, k) - exact) < 1d-8, "closed form")
  end do
  call expect(hylo_ode_statistics(ode, stats, 8_c_size_t) == HYLO_OK .and. stats(1) > 0, "statistics")

  call expect(hylo_ode_sensitivities(ode, opts, 0d0, y0, p, times, 3_c_size_t, states, sens) == HYLO_OK, "sens")
  do j = 1, 2
    expected(j) = sum(2 * states(1, :) * sens(j, 1, :))
  end do
  call expect(hylo_ode_gradient(ode, opts, 0d0, y0, p, times, 3_c_size_t, c_funloc(loss), c_null_ptr, &
                                c_loc(value), c_null_ptr, c_null_ptr, c_loc(grad_p)) == HYLO_OK, "gradient")
  call expect(all(abs(grad_p - expected) < 1d-6 * maxval(abs(expected))), "adjoint = sensitivities")
  call expect(abs(value - sum(states(1, :)**2)) < 1d-10, "loss")
  call expect(hylo_ode_solve(ode, opts, 0d0, y0, p, times, 0_c_size_t, states) == HYLO_E_INVALID_ARGUMENT, &
              "bad input is an error")

  ! a hybrid model around the same physics: the network learns an extra cubic damping -0.5 y2^3
  ! (data made by the Fortran function `truth`); the fit must improve on the physics alone
  call hybrid_check()
  ! SINDy with sin and cos in the library finds a pendulum's -4 sin(theta) - 0.2 omega
  call sindy_check()
  ! solver in the loop: a Fortran Euler stepper corrected towards the exact oscillator
  call corrector_check()

  call hylo_options_free(opts)
  call hylo_ode_free(ode)
  call report()
  print *, "ode_fortran: gradient ", grad_p
contains
  subroutine hybrid_check()
    type(c_ptr) :: truth_ode, model, loaded, shooting
    real(c_double) :: data(2, 3), fitted(2, 3), again(2, 3), loss, norm, multiplier, before
    real(c_double), allocatable :: params(:)
    integer(c_size_t) :: np, total
    call expect(hylo_ode_create(2_c_size_t, 2_c_size_t, c_funloc(truth), c_null_ptr, truth_ode) == HYLO_OK, "truth")
    call expect(hylo_options_create(shooting) == HYLO_OK, "options")
    call expect(hylo_ode_solve(truth_ode, opts, 0d0, y0, p, times, 3_c_size_t, data) == HYLO_OK, "data")
    call expect(hylo_hybrid_create(ode, 2_c_size_t, c_null_ptr, 0_c_size_t, c_null_ptr, model) == HYLO_OK, "hybrid")
    call expect(hylo_hybrid_num_parameters(model, np, total) == HYLO_OK .and. np == 2, "sizes")
    allocate(params(total))
    call expect(hylo_hybrid_get_parameters(model, params, total) == HYLO_OK, "get")
    params(1:2) = p
    call expect(hylo_hybrid_set_parameters(model, params, total) == HYLO_OK, "set")
    before = sum((states - data)**2) / 6
    call expect(hylo_hybrid_train(model, c_null_ptr, 0d0, y0, 1_c_size_t, times, 3_c_size_t, data, c_null_ptr, &
                                  c_null_funptr, c_null_ptr) == HYLO_OK, "train")
    call expect(hylo_hybrid_training_result(model, loss, norm, multiplier) == HYLO_OK, "result")
    call expect(loss < before / 10, "the network explains the missing damping")
    call expect(hylo_hybrid_solve(model, c_null_ptr, 0d0, y0, times, 3_c_size_t, fitted) == HYLO_OK, "solve")
    call expect(hylo_hybrid_save(model, hylo_c_string("ode_fortran_hybrid.safetensors")) == HYLO_OK, "save")
    call expect(hylo_hybrid_load(hylo_c_string("ode_fortran_hybrid.safetensors"), ode, loaded) == HYLO_OK, "load")
    call expect(hylo_hybrid_solve(loaded, c_null_ptr, 0d0, y0, times, 3_c_size_t, again) == HYLO_OK, "solve loaded")
    call expect(all(again == fitted), "bit-identical after reload")
    ! multiple shooting: two segments, each from its own free start, joined by the continuity term
    call expect(hylo_options_set_int(shooting, hylo_c_string("shooting_segments"), 2_c_int64_t) == HYLO_OK, "segments")
    call expect(hylo_options_set_int(shooting, hylo_c_string("lbfgs_iterations"), 20_c_int64_t) == HYLO_OK, "lbfgs")
    call expect(hylo_hybrid_train(model, shooting, 0d0, y0, 1_c_size_t, times, 3_c_size_t, data, c_null_ptr, &
                                  c_null_funptr, c_null_ptr) == HYLO_OK, "train by multiple shooting")
    call expect(hylo_hybrid_training_result(model, loss, norm, multiplier) == HYLO_OK .and. loss < before / 10, &
                "multiple shooting keeps the fit")
    ! equation discovery names the missing term, -0.5 y2^3 (terms of degree <= 3), from a model
    ! trained on 20 observations over 5 time units
    call discovery_check(truth_ode)
    ! the network applied to the physics' output: g(y, f(y)) corrects the tendencies
    call hylo_hybrid_free(model)
    call expect(hylo_options_set_string(shooting, hylo_c_string("coupling"), hylo_c_string("physics_output")) == HYLO_OK, &
                "coupling")
    call expect(hylo_hybrid_create(ode, 2_c_size_t, c_null_ptr, 0_c_size_t, shooting, model) /= HYLO_OK, &
                "training options are refused at creation")
    call hylo_options_free(shooting)
    call expect(hylo_options_create(shooting) == HYLO_OK, "options")
    call expect(hylo_options_set_string(shooting, hylo_c_string("coupling"), hylo_c_string("physics_output")) == HYLO_OK, &
                "coupling")
    call expect(hylo_hybrid_create(ode, 2_c_size_t, c_null_ptr, 0_c_size_t, shooting, model) == HYLO_OK, "physics_output")
    call expect(hylo_hybrid_get_parameters(model, params, total) /= HYLO_OK, "4 inputs: more weights than before")
    deallocate(params)
    call expect(hylo_hybrid_num_parameters(model, np, total) == HYLO_OK .and. np == 2, "sizes")
    allocate(params(total))
    call expect(hylo_hybrid_get_parameters(model, params, total) == HYLO_OK, "get")
    params(1:2) = p
    call expect(hylo_hybrid_set_parameters(model, params, total) == HYLO_OK, "set")
    call expect(hylo_hybrid_train(model, c_null_ptr, 0d0, y0, 1_c_size_t, times, 3_c_size_t, data, c_null_ptr, &
                                  c_null_funptr, c_null_ptr) == HYLO_OK, "train physics_output")
    call expect(hylo_hybrid_training_result(model, loss, norm, multiplier) == HYLO_OK .and. loss < before / 10, &
                "the corrected physics fits")
    call hylo_options_free(shooting)
    call hylo_hybrid_free(loaded)
    call hylo_hybrid_free(model)
    call hylo_ode_free(truth_ode)
  end subroutine

  subroutine discovery_check(truth_ode)
    type(c_ptr), intent(in) :: truth_ode
    type(c_ptr) :: model, settings
    real(c_double) :: long_times(20), observed(2, 20), discovered(10, 2)
    integer(c_size_t), target :: second(1) = [1]  ! the network adds to y2 only (0-based index 1)
    real(c_double), allocatable :: params(:)
    integer(c_size_t) :: np, total
    long_times = [(0.25d0 * k, k = 1, 20)]
    call expect(hylo_ode_solve(truth_ode, opts, 0d0, y0, p, long_times, 20_c_size_t, observed) == HYLO_OK, "long data")
    call expect(hylo_options_create(settings) == HYLO_OK, "options")
    call expect(hylo_options_set_int(settings, "hidden_features", 16_c_int64_t) == HYLO_OK, "hidden")
    call expect(hylo_hybrid_create(ode, 2_c_size_t, c_loc(second), 1_c_size_t, settings, model) == HYLO_OK, "model")
    call expect(hylo_hybrid_num_parameters(model, np, total) == HYLO_OK, "sizes")
    allocate(params(total))
    call expect(hylo_hybrid_get_parameters(model, params, total) == HYLO_OK, "get")
    params(1:2) = p
    call expect(hylo_hybrid_set_parameters(model, params, total) == HYLO_OK, "set")
    call expect(hylo_options_clear(settings) == HYLO_OK, "clear")
    call expect(hylo_options_set_int(settings, "train_physics", 0_c_int64_t) == HYLO_OK, "fixed physics")
    call expect(hylo_hybrid_train(model, settings, 0d0, y0, 1_c_size_t, long_times, 20_c_size_t, observed, c_null_ptr, &
                                  c_null_funptr, c_null_ptr) == HYLO_OK, "train")
    call expect(hylo_options_clear(settings) == HYLO_OK, "clear")
    call expect(hylo_options_set_int(settings, "degree", 3_c_int64_t) == HYLO_OK, "degree")
    call expect(hylo_hybrid_discover(model, settings, 0d0, y0, 1_c_size_t, long_times, 20_c_size_t, observed, c_null_ptr, &
                                     discovered, 20_c_size_t, c_null_ptr) == HYLO_OK, "discover")
    call expect(abs(discovered(10, 2) + 0.5d0) < 0.05d0 .and. count(discovered /= 0) == 1, "the cubic damping is found")
    call hylo_options_free(settings)
    call hylo_hybrid_free(model)
  end subroutine

  subroutine corrector_check()
    type(c_ptr) :: model, settings
    real(c_double) :: reference(2, 41, 4), rolled(2, 40), alone(2, 40), start(2), loss, uncorrected
    integer :: j
    do j = 1, 4
      start = [cos(1.3d0 * j), sin(1.3d0 * j)]
      call expect(hylo_ode_solve(ode, opts, 0d0, start, p, [(0.1d0 * k, k = 1, 40)], 40_c_size_t, reference(:, 2:, j)) &
                  == HYLO_OK, "reference")
      reference(:, 1, j) = start
    end do
    call expect(hylo_options_create(settings) == HYLO_OK, "options")
    call expect(hylo_options_set_int(settings, "hidden_features", 16_c_int64_t) == HYLO_OK, "hidden")
    call expect(hylo_corrector_create(2_c_size_t, c_funloc(euler_step), c_funloc(euler_vjp), c_null_ptr, settings, model) &
                == HYLO_OK, "corrector")
    call expect(hylo_options_clear(settings) == HYLO_OK, "clear")
    call expect(hylo_options_set_int(settings, "iterations", 800_c_int64_t) == HYLO_OK, "iterations")
    call expect(hylo_options_set_double(settings, "learning_rate", 3d-3) == HYLO_OK, "rate")
    call expect(hylo_corrector_train(model, settings, 0d0, 0.1d0, reference, 4_c_size_t, 40_c_size_t, c_null_funptr, &
                                     c_null_ptr) == HYLO_OK, "train corrector")
    call expect(hylo_corrector_training_result(model, loss, uncorrected) == HYLO_OK .and. loss < uncorrected / 10, &
                "the correction learns Euler's error")
    call expect(hylo_corrector_rollout(model, 0d0, 0.1d0, reference(:, 1, 1), 40_c_size_t, 1, rolled) == HYLO_OK, "rollout")
    call expect(hylo_corrector_rollout(model, 0d0, 0.1d0, reference(:, 1, 1), 40_c_size_t, 0, alone) == HYLO_OK, "alone")
    call expect(maxval(abs(rolled - reference(:, 2:, 1))) * 5 < maxval(abs(alone - reference(:, 2:, 1))), &
                "the corrected rollout tracks the reference")
    call expect(hylo_corrector_train(model, settings, 0d0, -0.1d0, reference, 4_c_size_t, 40_c_size_t, c_null_funptr, &
                                     c_null_ptr) == HYLO_E_INVALID_ARGUMENT, "dt must be > 0")
    call hylo_options_free(settings)
    call hylo_corrector_free(model)
  end subroutine

  subroutine sindy_check()
    type(c_ptr) :: library
    real(c_double) :: states(2, 60), accelerations(60), xi(7)
    integer(c_size_t) :: k, terms
    character(kind=c_char) :: name(16)
    do k = 1, 60
      states(1, k) = -3d0 + 6d0 * real(k - 1, c_double) / 59d0
      states(2, k) = cos(3d0 * real(k, c_double))
    end do
    accelerations = -4d0 * sin(states(1, :)) - 0.2d0 * states(2, :)
    call expect(hylo_options_create(library) == HYLO_OK, "options")
    call expect(hylo_options_set_int(library, hylo_c_string("degree"), 1_c_int64_t) == HYLO_OK, "degree")
    call expect(hylo_options_set_int(library, hylo_c_string("trigonometric"), 1_c_int64_t) == HYLO_OK, "trigonometric")
    call expect(hylo_sindy(states, accelerations, 60_c_size_t, 2_c_size_t, 1_c_size_t, library, xi, 7_c_size_t, terms) &
                == HYLO_OK .and. terms == 7, "sindy")
    call expect(abs(xi(4) + 4d0) < 1d-8 .and. abs(xi(3) + 0.2d0) < 1d-8, "sin(theta) and omega recovered")
    call expect(all(xi([1, 2, 5, 6, 7]) == 0d0), "no spurious terms")
    call expect(hylo_sindy_terms(2_c_size_t, library, 3_c_size_t, terms, name, 16_c_size_t) == HYLO_OK, "term name")
    call expect(transfer(name(1:8), "12345678") == "sin(x0)"//c_null_char, "term 3 is sin(x0)")
    call hylo_options_free(library)
  end subroutine

end program
