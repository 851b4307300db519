#define _GNU_SOURCE
#include "sb_wakeup.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>

#include "../core/sb_platform.h"

/* Linux sleeps on a futex; other systems (macOS) on a self-pipe. SB_WAKEUP_FORCE_PIPE builds
 * the pipe on Linux too, so that its C test runs here. */
#if defined(__linux__) && !defined(SB_WAKEUP_FORCE_PIPE)
#define SB_WAKEUP_FUTEX 1
#include <linux/futex.h>
#include <sys/syscall.h>
#else
#define SB_WAKEUP_FUTEX 0
#endif

/* Bumped by every wake-up; the futex word on Linux. Compared for equality only, so wrapping
 * is harmless (it would take 2^32 wake-ups between two looks of the consumer). */
static _Atomic(uint32_t) wake_count;
/* 1 while the consumer sleeps or is about to: handlers make the system call only then. */
static atomic_int consumer_sleeping;
static atomic_bool stopped;
/* Consumer-only: the count when the consumer last returned from sb_wakeup_wait. */
static uint32_t consumed_count;

#if SB_WAKEUP_FUTEX

int sb_wakeup_init(void)
{
    return 0;
}

static void wake_sleeper(void)
{
    /* A raw system call: async-signal-safe. FUTEX_PRIVATE: no other process shares the word. */
    syscall(SYS_futex, (uint32_t *)&wake_count, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Sleeps unless the count moved away from `expected`; EINTR and EAGAIN are ordinary. */
static int sleep_while(uint32_t expected)
{
    if (syscall(SYS_futex, (uint32_t *)&wake_count, FUTEX_WAIT_PRIVATE, expected, NULL, NULL,
                0) != 0 &&
        errno != EAGAIN && errno != EINTR) {
        return errno;
    }
    return 0;
}

#else

static int wake_fds[2] = {-1, -1};
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;

/* The write end is non-blocking (a handler never waits; a full pipe means the consumer has
 * wake-ups enough); the read end blocks, so that sleeping is a single read(2). */
static int open_pipe(int fds[2])
{
    if (pipe(fds) != 0) {
        return errno;
    }
    /* Nobody forks between these lines that we care about: this runs once, before any
     * handler is installed. */
    if (fcntl(fds[0], F_SETFD, FD_CLOEXEC) != 0 || fcntl(fds[1], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK) != 0) {
        int err = errno;
        close(fds[0]);
        close(fds[1]);
        return err;
    }
    return 0;
}

int sb_wakeup_init(void)
{
    int rc = 0;
    pthread_mutex_lock(&init_lock);
    if (wake_fds[0] < 0) {
        int fds[2];
        rc = open_pipe(fds);
        if (rc == 0) {
            wake_fds[0] = fds[0];
            wake_fds[1] = fds[1];
        }
    }
    pthread_mutex_unlock(&init_lock);
    return rc;
}

static void wake_sleeper(void)
{
    int fd = wake_fds[1];
    if (fd >= 0) {
        static const char one = 1;
        /* EAGAIN means the pipe is already full of wake-ups: the consumer will wake. */
        ssize_t ignored = write(fd, &one, 1);
        (void)ignored;
    }
}

static int sleep_while(uint32_t expected)
{
    (void)expected; /* a byte in the pipe stands for every wake-up since the flag went up */
    int fd = wake_fds[0];
    if (fd < 0) {
        return EBADF;
    }
    char sink[64];
    if (read(fd, sink, sizeof sink) < 0 && errno != EINTR) {
        return errno;
    }
    return 0;
}

#endif

void sb_wakeup_signal(void)
{
    int saved_errno = errno;
    /* seq_cst on both sides (here: count, then flag; the consumer: flag, then count): either
     * the consumer sees the new count before it sleeps, or we see it sleeping and wake it. */
    atomic_fetch_add(&wake_count, 1);
    if (atomic_load(&consumer_sleeping)) {
        wake_sleeper();
    }
    errno = saved_errno;
}

int sb_wakeup_wait(void)
{
    for (;;) {
        if (atomic_load(&stopped)) {
            return SB_WAIT_STOPPED;
        }
        uint32_t now = atomic_load(&wake_count);
        if (now != consumed_count) {
            consumed_count = now;
            return 0;
        }
        atomic_store(&consumer_sleeping, 1);
        int rc = 0;
        if (atomic_load(&wake_count) == consumed_count && !atomic_load(&stopped)) {
            rc = sleep_while(consumed_count);
        }
        atomic_store(&consumer_sleeping, 0);
        if (rc != 0) {
            return rc;
        }
    }
}

void sb_wakeup_stop(void)
{
    atomic_store(&stopped, true);
    atomic_fetch_add(&wake_count, 1);
    wake_sleeper(); /* whether or not the flag is up yet: a spare wake-up costs nothing here */
}

bool sb_wakeup_stopped(void)
{
    atomic_thread_fence(memory_order_seq_cst);
    return atomic_load(&stopped);
}
