#define _GNU_SOURCE
#include "../core/sb_process.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

int sb_process_setpgid(int64_t pid, int64_t pgid)
{
    if (pid <= 0 || pgid < 0) {
        return EINVAL;
    }
    return setpgid((pid_t)pid, (pid_t)pgid) == 0 ? 0 : errno;
}

int64_t sb_process_getpgid(int64_t pid)
{
    if (pid <= 0) {
        return -EINVAL;
    }
    pid_t pgid = getpgid((pid_t)pid);
    return pgid >= 0 ? (int64_t)pgid : -(int64_t)errno;
}

int sb_process_become_subreaper(void)
{
#if defined(__linux__) && defined(PR_SET_CHILD_SUBREAPER)
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : errno;
#else
    return ENOSYS;
#endif
}

int sb_process_reap(int64_t pid)
{
    if (pid <= 0) {
        return -EINVAL;
    }
    int status;
    pid_t r = waitpid((pid_t)pid, &status, WNOHANG);
    if (r == (pid_t)pid) {
        return 1;
    }
    return r == 0 ? 0 : -errno;
}

int sb_process_exec(const char *path, char *const argv[], char *const envp[])
{
    /* The mask survives execve. `run` execs sigbridge-run, which takes every signal blocked
     * with sigtimedwait: blocked from here on, a signal sent during the exec waits for it
     * instead of meeting the default action of a half-started image. (The child gets the mask
     * `java` was started with from sigbridge-run's --sigmask, not this one.) */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    execve(path, argv, envp);
    int err = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    return err;
}
