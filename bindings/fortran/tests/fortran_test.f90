!> Drives libhylo from Fortran: version, options, errors, and fitting a surrogate of
!> y = sin(3 x1) * x2 on a 2-D grid, with save/load and a progress callback.
module fortran_test_support
  use, intrinsic :: iso_c_binding
  implicit none
  integer :: calls = 0
contains
  function count_progress(stage, done, total, loss, user_data) bind(C) result(stop)
    type(c_ptr), value :: stage
    integer(c_int64_t), value :: done, total
    real(c_double), value :: loss
    type(c_ptr), value :: user_data
    integer(c_int32_t) :: stop
    if (.false.) print *, c_associated(stage), done, total, loss, c_associated(user_data)
    calls = calls + 1
    stop = 0
  end function
end module

program fortran_test
  use hylo
  use test_checks
  use fortran_test_support
  use, intrinsic :: iso_c_binding
  implicit none
  integer, parameter :: n = 400
  type(c_ptr) :: opts, mlp, loaded, reason
  real(c_double) :: x(2, n), y(1, n), p(1, n), p2(1, n), best
  integer(c_int64_t) :: epochs
  integer(c_size_t) :: ni, no, np
  integer :: i
  real(c_double) :: err


  call expect(hylo_version_number() == 100, "version number")
  call expect(hylo_f_string(hylo_version_string()) == "0.1.0", "version string")
  call expect(hylo_f_string(hylo_status_string(HYLO_E_OPTION)) == "invalid option", "status string")

  do i = 1, n
    x(1, i) = -1.0d0 + 2.0d0 * mod(i - 1, 20) / 19.0d0
    x(2, i) = -1.0d0 + 2.0d0 * ((i - 1) / 20) / 19.0d0
    y(1, i) = sin(3.0d0 * x(1, i)) * x(2, i)
  end do

  call expect(hylo_options_create(opts) == HYLO_OK, "options_create")
  call expect(hylo_options_set_int(opts, hylo_c_string("hidden_features"), 32_c_int64_t) == HYLO_OK, "set_int")
  call expect(hylo_mlp_create(2_c_size_t, 1_c_size_t, opts, mlp) == HYLO_OK, "mlp_create")
  call expect(hylo_mlp_sizes(mlp, ni, no, np) == HYLO_OK .and. ni == 2 .and. no == 1, "mlp_sizes")

  ! An unknown option is an error with a message naming it.
  call expect(hylo_options_clear(opts) == HYLO_OK, "clear")
  call expect(hylo_options_set_string(opts, hylo_c_string("optimiser"), hylo_c_string("lbfgs")) == HYLO_OK, "set_string")
  call expect(hylo_mlp_train(mlp, x, y, int(n, c_size_t), opts, c_null_funptr, c_null_ptr) == HYLO_E_OPTION, "unknown option")
  call expect(index(hylo_error_message(), "unknown option 'optimiser'") > 0, "error message")
  call expect(hylo_options_clear(opts) == HYLO_OK, "clear")

  call expect(hylo_options_set_string(opts, hylo_c_string("optimizer"), hylo_c_string("lbfgs")) == HYLO_OK, "set optimizer")
  call expect(hylo_options_set_int(opts, hylo_c_string("max_epochs"), 400_c_int64_t) == HYLO_OK, "set max_epochs")
  call expect(hylo_mlp_train(mlp, x, y, int(n, c_size_t), opts, c_funloc(count_progress), c_null_ptr) == HYLO_OK, "train")
  call expect(calls > 0, "progress callback called")
  call expect(hylo_mlp_training_result(mlp, epochs, best, reason) == HYLO_OK, "training_result")
  print '(a, i0, 3a)', "L-BFGS iterations: ", epochs, " (", hylo_f_string(reason), ")"

  call expect(hylo_mlp_predict(mlp, x, int(n, c_size_t), p) == HYLO_OK, "predict")
  err = sqrt(sum((p - y)**2) / sum(y**2))
  print '(a, es10.3)', "relative training error: ", err
  call expect(err < 0.02d0, "fit accuracy")

  call expect(hylo_mlp_save(mlp, hylo_c_string("fortran_test.safetensors")) == HYLO_OK, "save")
  call expect(hylo_mlp_load(hylo_c_string("fortran_test.safetensors"), loaded) == HYLO_OK, "load")
  call expect(hylo_mlp_predict(loaded, x, int(n, c_size_t), p2) == HYLO_OK, "predict loaded")
  call expect(all(p == p2), "bit-identical reload")
  call expect(hylo_mlp_load(hylo_c_string("no-such-file.safetensors"), loaded) == HYLO_E_IO, "missing file")

  call hylo_mlp_free(loaded)
  call hylo_mlp_free(mlp)
  call hylo_options_free(opts)
  call report()

end program
