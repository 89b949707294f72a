!> Counting checks shared by the Fortran tests: expect records a check and, when it fails, prints
!> what failed with the library's last error message; report prints the tally and stops with
!> status 1 if any check failed.
module test_checks
  use hylo
  implicit none
  integer :: checks = 0, failures = 0
contains
  subroutine expect(cond, what)
    logical, intent(in) :: cond
    character(len=*), intent(in) :: what
    checks = checks + 1
    if (.not. cond) then
      failures = failures + 1
      print *, "FAILED: ", what, " (", hylo_error_message(), ")"
    end if
  end subroutine

  subroutine report()
    print '(i0, a, i0, a)', checks - failures, " passed, ", failures, " failed"
    if (failures > 0) error stop 1
  end subroutine
end module
