/*
 * sb_run_probe - the programs the `sigbridge run` tests put under (or around) the supervisor.
 * Test-only; never packaged.
 *
 *   signals [--stamp] [--exit-on N]
 *       takes every catchable signal (all of 1..NSIG-1 but KILL and STOP, CHLD included), prints
 *       "ready PID", then one line per signal: its number (and with --stamp the CLOCK_MONOTONIC
 *       nanoseconds it was taken at, the clock Java's System.nanoTime reads on Linux; or
 *       "N value V" for one sent with sigqueue); ends with status 0 after signal N
 *   launch [--ignore N,N..] [--block N,N..] -- COMMAND [ARGS...]
 *       execs COMMAND as a login shell would start it, every disposition at its default and
 *       no signal blocked (a JVM's children have QUIT blocked, and 32 and 33 ignored after
 *       posix_spawn), but for the ones given: SIG_IGN / blocked (tini's sigconf test)
 *   supervise COMMAND [ARGS...]
 *       the plain C supervisor the benchmark compares with: COMMAND in a new group, every
 *       signal forwarded to it with sigwaitinfo, orphans reaped, its status as ours (128+n)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void block_all(sigset_t *all)
{
    sigfillset(all);
    sigprocmask(SIG_SETMASK, all, NULL);
}

static int print_signals(int argc, char **argv)
{
    int stamp = 0, exit_on = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--stamp") == 0) {
            stamp = 1;
        } else if (strcmp(argv[i], "--exit-on") == 0 && i + 1 < argc) {
            exit_on = atoi(argv[++i]);
        }
    }
    sigset_t all;
    block_all(&all);
    printf("ready %ld\n", (long)getpid());
    fflush(stdout);
    for (;;) {
        siginfo_t info;
        int sig = sigwaitinfo(&all, &info);
        if (sig <= 0) {
            continue;
        }
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        if (stamp) {
            printf("%d %lld\n", sig, (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
        } else if (info.si_code == SI_QUEUE) {
            printf("%d value %d\n", sig, info.si_value.sival_int);
        } else {
            printf("%d\n", sig);
        }
        fflush(stdout);
        if (sig == exit_on) {
            return 0;
        }
    }
}

static void for_each_number(const char *list, void (*action)(int))
{
    for (const char *p = list; *p != '\0';) {
        char *end;
        long n = strtol(p, &end, 10);
        if (end == p) {
            return;
        }
        action((int)n);
        p = *end == ',' ? end + 1 : end;
    }
}

static void ignore_one(int sig)
{
    signal(sig, SIG_IGN);
}

static sigset_t to_block;

static void block_one(int sig)
{
    sigaddset(&to_block, sig);
}

/* SIG_DFL for every signal, glibc's own 32 and 33 too (its sigaction refuses them; a JVM's
 * posix_spawn leaves them ignored in its children). */
static void every_disposition_default(void)
{
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) {
            continue;
        }
#if defined(__linux__)
        struct {
            void (*handler)(int);
            unsigned long flags;
            void (*restorer)(void);
            unsigned long mask;
        } dfl = {SIG_DFL, 0, NULL, 0};
        syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
#else
        signal(sig, SIG_DFL);
#endif
    }
}

static int launch(int argc, char **argv)
{
    every_disposition_default();
    sigemptyset(&to_block);
    int i = 2;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--ignore") == 0 && i + 1 < argc) {
            for_each_number(argv[++i], ignore_one);
        } else if (strcmp(argv[i], "--block") == 0 && i + 1 < argc) {
            for_each_number(argv[++i], block_one);
        }
    }
    if (i + 1 >= argc) {
        fprintf(stderr, "launch: no command\n");
        return 2;
    }
    sigprocmask(SIG_SETMASK, &to_block, NULL); /* exactly these: a JVM parent blocks QUIT */
    execvp(argv[i + 1], argv + i + 1);
    perror(argv[i + 1]);
    return 127;
}

static int supervise(int argc, char **argv)
{
    if (argc < 3) {
        return 2;
    }
    sigset_t all, none;
    block_all(&all);
    sigemptyset(&none);
    pid_t child = fork();
    if (child == 0) {
        setpgid(0, 0);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execvp(argv[2], argv + 2);
        _exit(127);
    }
    setpgid(child, child);
    for (;;) {
        int sig = sigwaitinfo(&all, NULL);
        if (sig == SIGCHLD) {
            int status;
            pid_t pid;
            while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
                if (pid == child) {
                    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                }
            }
        } else if (sig > 0) {
            kill(-child, sig);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "signals") == 0) {
        return print_signals(argc, argv);
    }
    if (argc >= 2 && strcmp(argv[1], "launch") == 0) {
        return launch(argc, argv);
    }
    if (argc >= 2 && strcmp(argv[1], "supervise") == 0) {
        return supervise(argc, argv);
    }
    fprintf(stderr, "usage: sb_run_probe signals|launch|supervise ...\n");
    return 2;
}
