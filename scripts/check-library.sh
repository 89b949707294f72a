#!/usr/bin/env bash
# Checks libhylo.so against the C ABI rules: it exports exactly the functions the header declares
# (all hylo_*), has the versioned SONAME, and needs no Swift runtime library.
set -euo pipefail
lib="$1"; header="$2"
fail() { echo "FAIL: $*"; exit 1; }

exported=$(nm -D --extern-only --defined-only "$lib" | awk '{print $3}' | sort)
declared=$(grep -oE '^[a-z0-9_ ]+[ *]hylo_[a-z0-9_]+\(' "$header" | grep -oE 'hylo_[a-z0-9_]+\($' | tr -d '(' | sort)
[ -n "$declared" ] || fail "no declarations found in $header"
if other=$(echo "$exported" | grep -v '^hylo_'); then fail "non-hylo symbols exported: $other"; fi
missing=$(comm -23 <(echo "$declared") <(echo "$exported")); [ -z "$missing" ] || fail "declared but not exported: $missing"
extra=$(comm -13 <(echo "$declared") <(echo "$exported")); [ -z "$extra" ] || fail "exported but not declared: $extra"
readelf -d "$lib" | grep -q 'SONAME.*\[libhylo\.so\.0\]' || fail "SONAME is not libhylo.so.0"
# ldd's output is read once: `ldd | grep -q` fails under pipefail when grep stops reading early.
dependencies=$(ldd "$lib")
if echo "$dependencies" | grep -i swift; then fail "the Swift runtime is linked dynamically"; fi
for dep in libopenblas libfftw3; do grep -q "$dep" <<< "$dependencies" || fail "$dep is not linked"; done
echo "ok: $(echo "$exported" | wc -l) hylo_* symbols, SONAME libhylo.so.0, no Swift runtime dependency"
