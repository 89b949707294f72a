#!/usr/bin/env bash
# Installs Hylo into a scratch prefix and builds a consumer with find_package(Hylo) and with
# pkg-config, then runs both: the installed library, header and CMake/pkg-config files work.
set -euo pipefail
build="$1"; src="$2"
prefix="$build/install-test/prefix"; work="$build/install-test/consumer"
rm -rf "$build/install-test"; mkdir -p "$work"
cmake --install "$build" --prefix "$prefix" > /dev/null
libdir=$(dirname "$(find "$prefix" -name libhylo.so -print -quit)")

cat > "$work/main.c" <<'C'
#include <hylo.h>
#include <stdio.h>
int main(void) {
    if (hylo_version_number() != HYLO_VERSION_NUMBER) return 1;
    printf("consumer linked against Hylo %s\n", hylo_version_string());
    return 0;
}
C
cat > "$work/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.20)
project(consumer C)
find_package(Hylo 0.1 REQUIRED)
add_executable(consumer main.c)
target_link_libraries(consumer PRIVATE Hylo::hylo)
CM
cmake -S "$work" -B "$work/build" -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
cmake --build "$work/build" > /dev/null
LD_LIBRARY_PATH="$libdir" "$work/build/consumer"

export PKG_CONFIG_PATH="$libdir/pkgconfig"
cc "$work/main.c" -o "$work/consumer-pc" $(pkg-config --cflags --libs hylo)
LD_LIBRARY_PATH="$libdir" "$work/consumer-pc"
test -f "$prefix/include/hylo/fortran/hylo.mod"
echo "install test passed"
