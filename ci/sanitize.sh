#!/usr/bin/env bash
# The C tests (ring, accounting, POSIX handler) under AddressSanitizer and
# UndefinedBehaviorSanitizer. The JNI library is not part of this build: it needs
# the headers javac writes, and a sanitized library cannot be loaded into a JVM
# without preloading the runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
build=target/sanitize
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DSIGBRIDGE_SANITIZE=ON >/dev/null
cmake --build "$build" --parallel 2
# halt_on_error: any report fails the run; detect_leaks: the tests free what they allocate.
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
ctest --test-dir "$build" --output-on-failure
