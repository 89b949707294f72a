!> A PINN from Fortran: the heat equation u_t = a u_xx on [0, 1] × [0, 0.5] with the initial and
!> boundary conditions built into the network, and the diffusivity a unknown, recovered from 40
!> observations of the exact solution exp(-a pi^2 t) sin(pi x), a = 0.4. Also checks that the saved
!> model reloads and evaluates identically.
program pinn_fortran
  use hylo
  use test_checks
  use, intrinsic :: iso_c_binding
  implicit none
  real(c_double), parameter :: pi = 3.141592653589793d0, a_true = 0.4d0
  type(c_ptr) :: pde, pinn, reloaded, net_opts, train_opts
  real(c_double) :: lower(2) = [0d0, 0d0], upper(2) = [1d0, 0.5d0]
  real(c_double) :: points(2, 40), values(40), grid(2, 25), u(25), u2(25), a(1), exact, error, norm
  integer :: i

  do i = 1, 40  ! a deterministic scatter over the domain
    points(1, i) = modulo(0.6180339887d0 * i, 1d0)
    points(2, i) = 0.5d0 * modulo(0.7548776662d0 * i, 1d0)
    values(i) = exp(-a_true * pi**2 * points(2, i)) * sin(pi * points(1, i))
  end do
  call expect(hylo_pde_create(hylo_c_string("x,t"), hylo_c_string("u"), lower, upper, 2_c_size_t, &
                              c_loc_string("t"), pde) == HYLO_OK, "pde")
  call expect(hylo_pde_add_coefficient(pde, hylo_c_string("a"), 0.1d0) == HYLO_OK, "coefficient")
  call expect(hylo_pde_add_equation(pde, hylo_c_string("u_t - a*u_xx")) == HYLO_OK, "equation")
  call expect(hylo_pde_set_output_transform(pde, hylo_c_string("u"), hylo_c_string("sin(pi*x) + t*x*(1 - x)*N")) &
              == HYLO_OK, "transform")
  call expect(hylo_pde_add_observations(pde, hylo_c_string("u"), points, values, 40_c_size_t, 1d0) == HYLO_OK, "data")
  call expect(hylo_pde_add_equation(pde, hylo_c_string("u_t - b*u_xx")) == HYLO_E_INVALID_ARGUMENT, "unknown b")

  call expect(hylo_options_create(net_opts) == HYLO_OK, "options")
  call expect(hylo_options_set_int(net_opts, hylo_c_string("hidden_layers"), 2_c_int64_t) == HYLO_OK, "layers")
  call expect(hylo_options_set_int(net_opts, hylo_c_string("hidden_features"), 20_c_int64_t) == HYLO_OK, "width")
  call expect(hylo_pinn_create(pde, net_opts, pinn) == HYLO_OK, "pinn")
  call expect(hylo_options_create(train_opts) == HYLO_OK, "options")
  call expect(hylo_options_set_int(train_opts, hylo_c_string("adam_iterations"), 200_c_int64_t) == HYLO_OK, "adam")
  call expect(hylo_options_set_double(train_opts, hylo_c_string("learning_rate"), 1d-2) == HYLO_OK, "lr")
  call expect(hylo_options_set_int(train_opts, hylo_c_string("lbfgs_iterations"), 300_c_int64_t) == HYLO_OK, "lbfgs")
  call expect(hylo_options_set_int(train_opts, hylo_c_string("collocation_points"), 300_c_int64_t) == HYLO_OK, "points")
  call expect(hylo_pinn_train(pinn, train_opts, c_null_funptr, c_null_ptr) == HYLO_OK, "train")
  call expect(hylo_pinn_coefficients(pinn, a, 1_c_size_t) == HYLO_OK, "coefficients")
  print '(a, f8.5)', "recovered a = ", a(1)
  call expect(abs(a(1) - a_true) < 0.01d0, "a within 0.01")

  do i = 1, 25
    grid(1, i) = modulo(i, 5) / 4d0
    grid(2, i) = (i / 5) / 8d0
  end do
  call expect(hylo_pinn_evaluate(pinn, grid, 25_c_size_t, u) == HYLO_OK, "evaluate")
  error = 0; norm = 0
  do i = 1, 25
    exact = exp(-a_true * pi**2 * grid(2, i)) * sin(pi * grid(1, i))
    error = error + (u(i) - exact)**2
    norm = norm + exact**2
  end do
  print '(a, es10.3)', "relative L2 error = ", sqrt(error / norm)
  call expect(sqrt(error / norm) < 1d-2, "solution within 1 %")

  call expect(hylo_pinn_save(pinn, hylo_c_string("pinn_fortran.safetensors")) == HYLO_OK, "save")
  call expect(hylo_pinn_load(hylo_c_string("pinn_fortran.safetensors"), reloaded) == HYLO_OK, "load")
  call expect(hylo_pinn_evaluate(reloaded, grid, 25_c_size_t, u2) == HYLO_OK, "evaluate reloaded")
  call expect(all(u == u2), "reload is bit-exact")

  call hylo_pinn_free(reloaded)
  call hylo_pinn_free(pinn)
  call hylo_pde_free(pde)
  call hylo_options_free(net_opts)
  call hylo_options_free(train_opts)
  call report()
contains

  !> A C string that lives for the whole program (for optional const char * arguments).
  function c_loc_string(s) result(p)
    character(*), intent(in) :: s
    type(c_ptr) :: p
    character(kind=c_char), allocatable, target, save :: buffer(:)
    integer :: k
    if (allocated(buffer)) deallocate(buffer)
    allocate(buffer(len(s) + 1))
    do k = 1, len(s)
      buffer(k) = s(k:k)
    end do
    buffer(len(s) + 1) = c_null_char
    p = c_loc(buffer)
  end function
end program
