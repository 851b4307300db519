#!/usr/bin/env bash
# What the linux-aarch64 cross-build needs (Debian/Ubuntu, as root): the cross compiler and
# libc (the pom's linux-aarch64 profile turns on when /usr/bin/aarch64-linux-gnu-gcc exists)
# and qemu-user, with which ctest runs the aarch64 C tests and ci/aarch64-tests.sh the Java ones.
#
# Then it registers qemu-aarch64 with the kernel's binfmt_misc (mounting it first), so that an
# aarch64 program started by an emulated JVM (a child JVM, jspawnhelper, sigbridge-exec,
# sigbridge-helper) runs under qemu as well: without it only host programs can be started from
# there. That is what Debian's qemu-user-binfmt does, for aarch64 alone and with no service
# manager. Where it is not allowed (no root, a container without the mount) it says so and
# ci/aarch64-tests.sh runs the tests that start no aarch64 program.
set -euo pipefail
if command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 && command -v qemu-aarch64 >/dev/null 2>&1 \
   && [ -d /usr/aarch64-linux-gnu/lib ]; then
  echo "aarch64 cross toolchain and qemu-user: already installed"
else
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
  aarch64-linux-gnu-gcc --version | head -n 1
  qemu-aarch64 --version | head -n 1
fi

binfmt=/proc/sys/fs/binfmt_misc
# The ELF header of an aarch64 executable or shared object (e_ident, e_type 2 or 3, e_machine 183).
aarch64_magic=7f454c460201010000000000000000000200b700
register_binfmt() {
  if ! mountpoint -q "$binfmt"; then
    mount -t binfmt_misc binfmt_misc "$binfmt" 2>/dev/null || return 1
  fi
  local entry
  for entry in "$binfmt"/*; do
    case "$entry" in */register | */status) continue ;; esac
    if grep -qx "enabled" "$entry" && grep -qx "magic $aarch64_magic" "$entry"; then
      echo "binfmt_misc: aarch64 programs already run by $(sed -n 's/^interpreter //p' "$entry")"
      return 0
    fi
  done
  [ "$(cat "$binfmt/status")" = enabled ] || return 1
  printf '%s' ':qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:'"$(command -v qemu-aarch64)"':' \
    > "$binfmt/register" 2>/dev/null || return 1
  echo "binfmt_misc: registered $(command -v qemu-aarch64) for aarch64 programs"
}
if ! register_binfmt; then
  echo "binfmt_misc: cannot register qemu-aarch64 here (needs root and a mountable binfmt_misc):" \
    "emulated JVMs can start host programs only"
fi
