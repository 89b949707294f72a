!> The Gaussian linear model the Fortran SBI tests share: x = theta + sqrt(0.1) noise, drawn from
!> the per-simulation seed Hylo passes, so the simulator is pure and can run on worker threads.
module gaussian_linear_simulator
  use, intrinsic :: iso_c_binding
  implicit none
contains
  !> splitmix64 step (wrapping arithmetic on signed 64-bit integers) → uniform in (0, 1).
  function uniform01(state) result(u)
    integer(c_int64_t), intent(inout) :: state
    real(c_double) :: u
    integer(c_int64_t) :: z
    state = state + int(z'3C6EF372FE94F82B', c_int64_t)  ! any odd increment mixes well
    z = state
    z = ieor(z, shiftr(z, 30)) * int(z'3F58476D1CE4E5B9', c_int64_t)
    z = ieor(z, shiftr(z, 27)) * int(z'14D049BB133111EB', c_int64_t)
    z = ieor(z, shiftr(z, 31))
    u = (real(shiftr(z, 11), c_double) + 0.5d0) * 2.0d0**(-53)
  end function

  function simulate_gaussian_linear(theta, dim_theta, x, dim_x, seed, user_data) bind(C) result(status)
    integer(c_size_t), value :: dim_theta, dim_x
    real(c_double), intent(in) :: theta(dim_theta)
    real(c_double), intent(out) :: x(dim_x)
    integer(c_int64_t), value :: seed
    type(c_ptr), value :: user_data
    integer(c_int32_t) :: status
    integer(c_int64_t) :: state
    integer(c_size_t) :: i
    real(c_double), parameter :: two_pi = 6.283185307179586d0
    real(c_double) :: u1, u2
    if (c_associated(user_data) .or. dim_x /= dim_theta) then
      status = -1
      return
    end if
    state = seed
    do i = 1, dim_x
      u1 = uniform01(state)
      u2 = uniform01(state)
      x(i) = theta(i) + sqrt(0.1d0) * sqrt(-2 * log(u1)) * cos(two_pi * u2)
    end do
    status = 0
  end function
end module
