#!/usr/bin/env bash
# linux-aarch64 beyond the build: the C tests (ctest, under qemu-user) and the JUnit suite in an
# aarch64 Temurin 17 JRE from Maven Central, under qemu-user (profile aarch64-tests), against
# META-INF/native/linux-aarch64/. Installs the toolchain and registers qemu-aarch64 with
# binfmt_misc first (ci/install-aarch64.sh).
#
# With binfmt_misc the emulated JVM starts aarch64 programs too (child JVMs, sigbridge-exec,
# sigbridge-helper), and the whole suite runs but for the tests the emulator cannot host, each
# excluded for its reason (the pom's sigbridge.aarch64.tests; README, "Platform notes").
# Without binfmt_misc only host programs can be started from there: then the tests that start
# no aarch64 program run (sigbridge.aarch64.tests.hostOnly).
# Extra Maven arguments are passed on, e.g. -Dsigbridge.aarch64.tests='**/RaiseTest'.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
bash ci/install-aarch64.sh

# Does the kernel hand an aarch64 program to qemu? Try one, rather than trusting the registration.
probe=target/aarch64-binfmt-probe
mkdir -p target
printf 'int main(void) { return 0; }\n' | aarch64-linux-gnu-gcc -x c - -o "$probe"
selection=()
if QEMU_LD_PREFIX=/usr/aarch64-linux-gnu "$probe" 2>/dev/null; then
  echo "binfmt_misc runs aarch64 programs: the whole suite but the tests qemu-user cannot host"
else
  echo "binfmt_misc does not run aarch64 programs here: only the tests that start none"
  selection=(-Paarch64-tests-host-only)
fi

# The Linux suites already ran in `mvn verify`: only the aarch64 pass (and ctest) here.
mvn -B -ntp -Paarch64-tests -Dsigbridge.linux.tests.skip=true "${selection[@]}" "$@" verify
echo "== aarch64 Java tests under qemu-user (tests, failures, errors, skipped):"
for report in target/surefire-reports-aarch64/TEST-*.xml; do
  sed -n 's/.*<testsuite [^>]*name="\([^"]*\)"[^>]*tests="\([0-9]*\)"[^>]*errors="\([0-9]*\)"[^>]*skipped="\([0-9]*\)"[^>]*failures="\([0-9]*\)".*/  \1 \2 \5 \3 \4/p' "$report" | head -n 1
done | sort
echo "aarch64 tests under qemu-user: $(( $(date +%s) - started )) s"
