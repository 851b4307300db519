#!/usr/bin/env bash
# linux-aarch64 beyond the build: the C tests (ctest, under qemu-user) and the Java signal tests
# in an aarch64 Temurin 17 JRE from Maven Central, under qemu-user (profile aarch64-tests; see
# the pom for which tests and why). Installs the toolchain first if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/install-aarch64.sh
# The Linux suites already ran in `mvn verify`: only the aarch64 pass (and ctest) here.
mvn -B -ntp -Paarch64-tests -Dsigbridge.linux.tests.skip=true verify
echo "== aarch64 Java tests under qemu-user:"
grep -h -o 'testsuite [^>]*name="[^"]*"[^>]*tests="[0-9]*"[^>]*' target/surefire-reports-aarch64/TEST-*.xml \
  | sed -E 's/.*name="([^"]*)".*/\1/' | sort | sed 's/^/  /'
