#!/usr/bin/env bash
# Runs every test suite: Swift (swift test), C and Fortran (ctest), Python (pytest).
# Builds what it needs and installs the Python test dependencies into build/venv.
# Every suite runs even if an earlier one fails; the exit status is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=()

scripts/install-deps.sh || exit 1
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null && cmake --build build -j2 || exit 1

echo "== Swift tests"
swift test || failed+=("swift")

echo "== C and Fortran tests (ctest)"
(cd build && ctest --output-on-failure) || failed+=("ctest")

echo "== Python tests (pytest)"
if [ ! -x build/venv/bin/python ]; then python3 -m venv build/venv || exit 1; fi
build/venv/bin/pip install -q --upgrade pip > /dev/null
build/venv/bin/pip install -q numpy pytest matplotlib -e bindings/python || exit 1
HYLO_LIBRARY="$PWD/build/lib/libhylo.so" build/venv/bin/python -m pytest bindings/python/tests -q || failed+=("pytest")

if [ ${#failed[@]} -gt 0 ]; then echo "FAILED suites: ${failed[*]}"; exit 1; fi
echo "all test suites passed"
