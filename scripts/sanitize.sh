#!/usr/bin/env bash
# Builds the C tests with clang's AddressSanitizer and UndefinedBehaviorSanitizer (Debian's clang
# and its runtime) against the built libhylo, and runs them. Any report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/sanitize; mkdir -p "$out"
cc=$(command -v clang-14 || command -v clang)
for test in abi_test bad_input_test; do
  "$cc" -std=c99 -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
    -Iinclude bindings/c/tests/$test.c -Lbuild/lib -lhylo -Wl,-rpath,"$PWD/build/lib" -lm -lpthread -o "$out/$test"
  echo "== $test under ASan+UBSan"
  (cd "$out" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "./$test")
done
