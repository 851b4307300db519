#!/bin/bash
# The Windows tests: sigbridge.dll (cross-built with mingw-w64) in a real Windows JVM (Temurin
# 17 for Windows, from Maven Central) under Wine 8. Installs what it needs (Debian packages),
# sets up a Wine prefix under target/, runs `mvn -Pwindows-tests verify` (only the tests of
# src/test/java/io/sigbridge/windows/ run, in the Windows JVM) and stops wineserver at the end.
#   bash ci/windows-tests.sh [extra maven arguments]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { echo "[windows-tests] $*"; }
now() { date +%s; }
t0=$(now)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
if ! installed gcc-mingw-w64-x86-64-win32 || ! installed wine || ! installed wine64; then
  step "installing gcc-mingw-w64-x86-64-win32 wine wine64"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    gcc-mingw-w64-x86-64-win32 wine wine64 >/dev/null
fi
step "toolchain ready after $(( $(now) - t0 )) s: $(x86_64-w64-mingw32-gcc --version | head -1); $(wine --version)"

export WINEPREFIX="$PWD/target/wineprefix"
export WINEARCH=win64
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml="
trap 'wineserver -k >/dev/null 2>&1 || true' EXIT

t1=$(now)
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  mkdir -p target
  step "creating the Wine prefix $WINEPREFIX"
  wineboot -i >/dev/null 2>&1
  wineserver -w || true
fi
# Windows without an X display: with the null graphics driver CreateWindowEx works (sigbridge's
# hidden window, which taskkill and wineboot --end-session reach); without it, it returns NULL.
if ! grep -qi '"Graphics"="null"' "$WINEPREFIX/user.reg" 2>/dev/null; then
  step "setting Wine's graphics driver to null"
  wine reg add 'HKCU\Software\Wine\Drivers' /v Graphics /d null /f >/dev/null 2>&1
  wineserver -w || true
fi
step "Wine prefix ready after $(( $(now) - t1 )) s"

t2=$(now)
# Bounded: a Windows JVM under Wine that never lets go of its pipes would otherwise hold CI
# until its own limit (ci/wine-java/bin/java ends Wine after the JVM for that reason).
timeout --kill-after=30s 15m mvn -B -ntp -Pwindows-tests verify "$@"
if [ ! -f target/classes/META-INF/native/windows-x86_64/sigbridge.dll ]; then
  step "FAILED: no sigbridge.dll was built (is the windows-dll profile active?)"
  exit 1
fi
step "Maven with the Windows JVM took $(( $(now) - t2 )) s; $(( $(now) - t0 )) s in all"
