/*
 * sigbridge-helper - a separate process for the benchmark and the tests.
 *
 *   latency COUNT SIGNO         the C floor: a sigaction handler writes to a pipe and a
 *                               second thread wakes on it; prints one kill-to-wake latency
 *                               in nanoseconds per line (back to back: the next kill as soon
 *                               as the waiter has woken)
 *   isolated COUNT SIGNO GAP_US the same floor for isolated signals: raise(3), then sleep
 *                               GAP_US microseconds before the next, so the waiter is asleep
 *                               each time; prints one raise-to-wake latency per line
 *   queue PID SIGNO VALUE       one sigqueue(2)
 *   burst PID SIGNO COUNT [FIRST]  COUNT sigqueue(2) with values FIRST..FIRST+COUNT-1 (FIRST
 *                               0 by default), retrying EAGAIN; prints
 *                               "sent COUNT retries R nanos T"
 *   flood PID SIGNO MILLIS      kill(2) as fast as possible for MILLIS ms; prints "sent N"
 *
 * It links nothing of sigbridge: the floor is what plain C achieves on this machine.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t now_nanos(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static long parse_long(const char *text, const char *what)
{
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0') {
        fprintf(stderr, "sigbridge-helper: bad %s: %s\n", what, text);
        exit(2);
    }
    return value;
}

/* --- latency: the floor ------------------------------------------------------------ */

static int wake_pipe[2];
static int ack_pipe[2];
static volatile int64_t woke_at;

static void floor_handler(int signo)
{
    (void)signo;
    int saved = errno;
    char one = 1;
    ssize_t ignored = write(wake_pipe[1], &one, 1);
    (void)ignored;
    errno = saved;
}

static void *floor_waiter(void *arg)
{
    (void)arg;
    char byte;
    while (read(wake_pipe[0], &byte, 1) == 1) {
        woke_at = now_nanos();
        if (write(ack_pipe[1], &byte, 1) != 1) {
            break;
        }
    }
    return NULL;
}

/* raise(3) (isolated) or kill(2) of this process (back to back). */
static int run_latency(long count, int signo, long gap_micros, int isolated)
{
    if (pipe(wake_pipe) != 0 || pipe(ack_pipe) != 0) {
        perror("pipe");
        return 1;
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = floor_handler;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    if (sigaction(signo, &action, NULL) != 0) {
        perror("sigaction");
        return 1;
    }
    pthread_t waiter;
    if (pthread_create(&waiter, NULL, floor_waiter, NULL) != 0) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pid_t self = getpid();
    struct timespec gap = {gap_micros / 1000000, (gap_micros % 1000000) * 1000};
    for (long i = 0; i < count; i++) {
        if (isolated) {
            nanosleep(&gap, NULL);
        }
        int64_t sent_at = now_nanos();
        if ((isolated ? raise(signo) : kill(self, signo)) != 0) {
            perror(isolated ? "raise" : "kill");
            return 1;
        }
        char byte;
        if (read(ack_pipe[0], &byte, 1) != 1) {
            perror("read");
            return 1;
        }
        printf("%lld\n", (long long)(woke_at - sent_at));
    }
    return fflush(stdout) == 0 ? 0 : 1;
}

/* --- senders ----------------------------------------------------------------------- */

#if defined(__APPLE__)
/* macOS has no sigqueue(2): the queue and burst modes report it instead of faking it. */
static int sigqueue(pid_t pid, int signo, union sigval value)
{
    (void)pid;
    (void)signo;
    (void)value;
    errno = ENOTSUP;
    return -1;
}
#endif

static int run_queue(pid_t pid, int signo, int value)
{
    union sigval sv;
    sv.sival_int = value;
    if (sigqueue(pid, signo, sv) != 0) {
        perror("sigqueue");
        return 1;
    }
    return 0;
}

static int run_burst(pid_t pid, int signo, long count, long first)
{
    long retries = 0;
    int64_t start = now_nanos();
    for (long i = 0; i < count; i++) {
        union sigval sv;
        sv.sival_int = (int)(first + i);
        while (sigqueue(pid, signo, sv) != 0) {
            if (errno != EAGAIN) {
                perror("sigqueue");
                return 1;
            }
            /* The receiver's queue of pending real-time signals is full: let it drain. */
            retries++;
            struct timespec pause = {0, 20000};
            nanosleep(&pause, NULL);
        }
    }
    int64_t elapsed = now_nanos() - start;
    printf("sent %ld retries %ld nanos %lld\n", count, retries, (long long)elapsed);
    return fflush(stdout) == 0 ? 0 : 1;
}

static int run_flood(pid_t pid, int signo, long millis)
{
    int64_t end = now_nanos() + (int64_t)millis * 1000000;
    long sent = 0;
    while (now_nanos() < end) {
        if (kill(pid, signo) != 0) {
            perror("kill");
            return 1;
        }
        sent++;
    }
    printf("sent %ld\n", sent);
    return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "latency") == 0) {
        return run_latency(parse_long(argv[2], "count"), (int)parse_long(argv[3], "signal"), 0, 0);
    }
    if (argc == 5 && strcmp(argv[1], "isolated") == 0) {
        return run_latency(parse_long(argv[2], "count"), (int)parse_long(argv[3], "signal"),
                           parse_long(argv[4], "gap"), 1);
    }
    if (argc == 5 && strcmp(argv[1], "queue") == 0) {
        return run_queue((pid_t)parse_long(argv[2], "pid"), (int)parse_long(argv[3], "signal"),
                         (int)parse_long(argv[4], "value"));
    }
    if ((argc == 5 || argc == 6) && strcmp(argv[1], "burst") == 0) {
        return run_burst((pid_t)parse_long(argv[2], "pid"), (int)parse_long(argv[3], "signal"),
                         parse_long(argv[4], "count"), argc == 6 ? parse_long(argv[5], "first") : 0);
    }
    if (argc == 5 && strcmp(argv[1], "flood") == 0) {
        return run_flood((pid_t)parse_long(argv[2], "pid"), (int)parse_long(argv[3], "signal"),
                         parse_long(argv[4], "millis"));
    }
    fprintf(stderr,
            "usage: sigbridge-helper latency COUNT SIGNO\n"
            "       sigbridge-helper isolated COUNT SIGNO GAP_US\n"
            "       sigbridge-helper queue PID SIGNO VALUE\n"
            "       sigbridge-helper burst PID SIGNO COUNT [FIRST]\n"
            "       sigbridge-helper flood PID SIGNO MILLIS\n");
    return 2;
}
