# Cross-compiling the linux-aarch64 natives on an x86_64 Debian/Ubuntu machine
# (apt-get install gcc-aarch64-linux-gnu; for the C tests also qemu-user: bash ci/install-aarch64.sh).
#   cmake -S . -B target/cmake-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake ...
# The JNI headers are those of the host JDK: include/linux/jni_md.h is the same for every
# 64-bit Linux (LP64), so an x86_64 JDK's headers build the aarch64 library.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(SIGBRIDGE_CROSS_PREFIX aarch64-linux-gnu CACHE STRING "GNU target triple of the cross compiler")
find_program(CMAKE_C_COMPILER NAMES ${SIGBRIDGE_CROSS_PREFIX}-gcc REQUIRED)

set(CMAKE_FIND_ROOT_PATH /usr/${SIGBRIDGE_CROSS_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

# ctest runs the aarch64 test programs under qemu-user when it is installed (add_test with a
# target as COMMAND prepends the emulator); -L gives qemu the aarch64 loader and libc.
find_program(SIGBRIDGE_QEMU NAMES qemu-aarch64 qemu-aarch64-static)
if(SIGBRIDGE_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${SIGBRIDGE_QEMU};-L;/usr/${SIGBRIDGE_CROSS_PREFIX}")
endif()
