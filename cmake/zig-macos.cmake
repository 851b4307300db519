# Cross-compiling the macOS natives on Linux with Zig's C compiler (clang with the macOS libc
# headers and a Mach-O linker; `bash ci/macos-compile.sh` installs Zig 0.11 from npm and runs this
# for both architectures). A compile-and-link check: nothing built here runs on this machine.
#   cmake -S . -B target/cmake-macos-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/zig-macos.cmake \
#     -DSIGBRIDGE_MACOS_ARCH=aarch64 -DSIGBRIDGE_ZIG=/path/to/zig ...
# The JNI headers may be a Linux JDK's: since JDK 11 include/darwin/jni_md.h and
# include/linux/jni_md.h are the same file (src/java.base/unix/native/include/jni_md.h).
set(CMAKE_SYSTEM_NAME Darwin)

set(SIGBRIDGE_MACOS_ARCH x86_64 CACHE STRING "x86_64 or aarch64")
# Zig 0.11 carries the libc headers of macOS 11 to 13 only: 11.0 (Big Sur) is the lowest it can
# target, and the first release with Apple silicon anyway.
set(SIGBRIDGE_MACOS_MIN 11.0 CACHE STRING "the lowest macOS version the binaries run on")
if(NOT SIGBRIDGE_MACOS_ARCH MATCHES "^(x86_64|aarch64)$")
  message(FATAL_ERROR "SIGBRIDGE_MACOS_ARCH must be x86_64 or aarch64, not '${SIGBRIDGE_MACOS_ARCH}'")
endif()
set(CMAKE_SYSTEM_PROCESSOR ${SIGBRIDGE_MACOS_ARCH})

find_program(SIGBRIDGE_ZIG NAMES zig HINTS ENV SIGBRIDGE_ZIG_HOME REQUIRED)
# try_compile's inner projects read this file again: hand them the same choices.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES SIGBRIDGE_ZIG SIGBRIDGE_MACOS_ARCH SIGBRIDGE_MACOS_MIN)
set(sigbridge_zig_target ${SIGBRIDGE_MACOS_ARCH}-macos.${SIGBRIDGE_MACOS_MIN})
# A list: the compiler, then arguments CMake passes on every call, try_compile's included.
set(CMAKE_C_COMPILER "${SIGBRIDGE_ZIG}" cc -target ${sigbridge_zig_target})
# GNU ar would write no symbol index that Mach-O's linker reads: Zig's llvm-ar and ranlib.
set(CMAKE_AR "${SIGBRIDGE_ZIG}" CACHE FILEPATH "")
set(CMAKE_C_ARCHIVE_CREATE "<CMAKE_AR> ar qc <TARGET> <LINK_FLAGS> <OBJECTS>")
set(CMAKE_C_ARCHIVE_APPEND "<CMAKE_AR> ar q <TARGET> <LINK_FLAGS> <OBJECTS>")
set(CMAKE_C_ARCHIVE_FINISH "<CMAKE_AR> ranlib <TARGET>")

# No SDK, no xcrun: Zig brings its own headers and libSystem stubs.
set(CMAKE_OSX_SYSROOT "" CACHE PATH "")
set(CMAKE_OSX_DEPLOYMENT_TARGET "" CACHE STRING "")
set(CMAKE_OSX_ARCHITECTURES "" CACHE STRING "")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
