#define _GNU_SOURCE
#include "sb_wakeup.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

static int wake_fds[2] = {-1, -1};
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;

static int open_pipe(int fds[2])
{
#if defined(__linux__)
    return pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0 ? 0 : errno;
#else
    /* macOS has no pipe2. Nobody forks between these lines that we care about:
     * this runs once, before any handler is installed. */
    if (pipe(fds) != 0) {
        return errno;
    }
    for (int i = 0; i < 2; i++) {
        if (fcntl(fds[i], F_SETFD, FD_CLOEXEC) != 0 ||
            fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK) != 0) {
            int err = errno;
            close(fds[0]);
            close(fds[1]);
            return err;
        }
    }
    return 0;
#endif
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

void sb_wakeup_signal(void)
{
    int saved_errno = errno;
    int fd = wake_fds[1];
    if (fd >= 0) {
        static const char one = 1;
        /* EAGAIN means the pipe is already full of wake-ups: the dispatcher will wake. */
        ssize_t ignored = write(fd, &one, 1);
        (void)ignored;
    }
    errno = saved_errno;
}

int sb_wakeup_wait(void)
{
    int fd = wake_fds[0];
    if (fd < 0) {
        return EBADF;
    }
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    for (;;) {
        int n = poll(&pfd, 1, -1);
        if (n > 0) {
            break;
        }
        if (n < 0 && errno != EINTR) {
            return errno;
        }
    }
    char sink[256];
    while (read(fd, sink, sizeof sink) > 0) {
        /* drain every pending wake-up: one drain of the ring serves them all */
    }
    return 0;
}
