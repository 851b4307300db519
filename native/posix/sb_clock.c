#define _GNU_SOURCE
#include "../core/sb_core.h"

#include <time.h>

int64_t sb_clock_nanos(void)
{
    struct timespec ts;
#if defined(__APPLE__)
    /* HotSpot's System.nanoTime on macOS reads mach_absolute_time, which is this clock. */
    clock_gettime(CLOCK_UPTIME_RAW, &ts);
#else
    /* clock_gettime is async-signal-safe; System.nanoTime on Linux reads CLOCK_MONOTONIC. */
    clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
