#!/usr/bin/env bash
# What the linux-aarch64 cross-build needs (Debian/Ubuntu, as root): the cross compiler and
# libc (the pom's linux-aarch64 profile turns on when /usr/bin/aarch64-linux-gnu-gcc exists)
# and qemu-user, with which ctest runs the aarch64 C tests and ci/aarch64-tests.sh the Java ones.
set -euo pipefail
if command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 && command -v qemu-aarch64 >/dev/null 2>&1 \
   && [ -d /usr/aarch64-linux-gnu/lib ]; then
  echo "aarch64 cross toolchain and qemu-user: already installed"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
aarch64-linux-gnu-gcc --version | head -n 1
qemu-aarch64 --version | head -n 1
