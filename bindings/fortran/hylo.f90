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

  abstract interface
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
