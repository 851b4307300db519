# Cross-compiling the Windows x86_64 DLL on Linux with mingw-w64
# (Debian: apt-get install gcc-mingw-w64-x86-64-win32).
#   cmake -S . -B target/cmake-windows -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake ...
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(SIGBRIDGE_MINGW_PREFIX x86_64-w64-mingw32 CACHE STRING "mingw-w64 target triple")
find_program(CMAKE_C_COMPILER NAMES ${SIGBRIDGE_MINGW_PREFIX}-gcc-win32 ${SIGBRIDGE_MINGW_PREFIX}-gcc REQUIRED)
find_program(CMAKE_RC_COMPILER NAMES ${SIGBRIDGE_MINGW_PREFIX}-windres)

set(CMAKE_FIND_ROOT_PATH /usr/${SIGBRIDGE_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

# ctest runs the Windows test programs under Wine when it is there.
find_program(SIGBRIDGE_WINE wine)
if(SIGBRIDGE_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${SIGBRIDGE_WINE})
endif()
