#include "../core/sb_core.h"

#include <windows.h>

/* System.nanoTime() on Windows: HotSpot's os::javaTimeNanos reads QueryPerformanceCounter and
 * scales it through a double, (count / frequency) * 1e9. Same arithmetic here, so captured
 * times compare exactly with System.nanoTime() in the same process. */
static double frequency;

int64_t sb_clock_nanos(void)
{
    if (frequency == 0.0) {
        LARGE_INTEGER f;
        QueryPerformanceFrequency(&f); /* fixed at boot; never fails since Windows XP */
        frequency = (double)f.QuadPart;
    }
    LARGE_INTEGER count;
    QueryPerformanceCounter(&count);
    double current = (double)count.QuadPart;
    return (int64_t)((current / frequency) * 1000000000.0);
}
