/*
 * test_run - sigbridge-run on its own, without the JVM that normally execs it: exit statuses,
 * forwarding of signals a JVM could never pass on, the grace, the internal options' checks.
 * ctest runs it from the Maven build and ci/sanitize.sh under ASan/UBSan (the supervisor is
 * instrumented there; its children are not). The scenarios against the jar are Java tests.
 *
 * usage: test_run PATH/sigbridge-run PATH/sb_run_probe
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sb_check.h"

static const char *supervisor;
static const char *probe;

/* Starts `supervisor ARGS...` with stdout on a pipe; returns its pid, *out the read end. */
static pid_t start(char *const args[], int *out)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execv(supervisor, args);
        _exit(99);
    }
    close(fds[1]);
    *out = fds[0];
    return pid;
}

static int wait_status(pid_t pid)
{
    int status;
    for (int tries = 0; tries < 3000; tries++) { /* 30 s */
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            CHECK(WIFEXITED(status));
            return WEXITSTATUS(status);
        }
        usleep(10000);
    }
    kill(pid, SIGKILL);
    fprintf(stderr, "the supervisor did not end within 30 s\n");
    exit(1);
}

static int run_to_end(char *const args[])
{
    int out;
    pid_t pid = start(args, &out);
    close(out);
    return wait_status(pid);
}

/* Reads one line (without the newline) into buf. */
static void read_line(int fd, char *buf, size_t size)
{
    size_t n = 0;
    while (n + 1 < size) {
        char c;
        ssize_t r = read(fd, &c, 1);
        CHECK(r == 1);
        if (c == '\n') {
            break;
        }
        buf[n++] = c;
    }
    buf[n] = '\0';
}

static void exit_status_is_the_childs(void)
{
    char *const seven[] = {(char *)supervisor, "--", "sh", "-c", "exit 7", NULL};
    CHECK_EQ(7, run_to_end(seven));
    char *const killed[] = {(char *)supervisor, "--", "sh", "-c", "kill -TERM $$", NULL};
    CHECK_EQ(143, run_to_end(killed));
    char *const remapped[] = {(char *)supervisor, "--remap-exit", "143:0", "--", "sh", "-c", "kill -TERM $$", NULL};
    CHECK_EQ(0, run_to_end(remapped));
    char *const missing[] = {(char *)supervisor, "--", "/no/such/program", NULL};
    CHECK_EQ(127, run_to_end(missing));
}

static void bad_internal_options_exit_2(void)
{
    char *const reserved[] = {(char *)supervisor, "--rewrite", "9:15", "--", "true", NULL};
    CHECK_EQ(2, run_to_end(reserved));
    char *const chld[] = {(char *)supervisor, "--delay", "17:100", "--", "true", NULL};
    CHECK_EQ(2, run_to_end(chld));
    char *const no_command[] = {(char *)supervisor, "--grace-ms", "5", NULL};
    CHECK_EQ(2, run_to_end(no_command));
    char *const mask[] = {(char *)supervisor, "--sigmask", "xyz", "--", "true", NULL};
    CHECK_EQ(2, run_to_end(mask));
}

static void signals_a_jvm_owns_are_forwarded(void)
{
    int out;
    char *const args[] = {(char *)supervisor, "--", (char *)probe, "signals", "--exit-on", "10", NULL};
    pid_t pid = start(args, &out);
    char line[128];
    read_line(out, line, sizeof line);
    CHECK(strncmp(line, "ready ", 6) == 0);
    int sent[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGQUIT, SIGUSR2, SIGPIPE, SIGALRM, SIGCONT, SIGRTMIN + 2, SIGUSR1};
    for (size_t i = 0; i < sizeof sent / sizeof sent[0]; i++) {
        CHECK(kill(pid, sent[i]) == 0);
        read_line(out, line, sizeof line);
        CHECK_EQ(sent[i], atoi(line));
    }
    close(out);
    CHECK_EQ(0, wait_status(pid));
}

static void term_escalates_to_kill_after_the_grace(void)
{
    int out;
    char *const args[] = {(char *)supervisor, "--grace-ms", "300", "--", "sh", "-c",
                          "trap '' TERM; echo ready; while :; do sleep 1; done", NULL};
    pid_t pid = start(args, &out);
    char line[64];
    read_line(out, line, sizeof line);
    CHECK(strcmp(line, "ready") == 0);
    CHECK(kill(pid, SIGTERM) == 0);
    close(out);
    CHECK_EQ(137, wait_status(pid));
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_run SIGBRIDGE_RUN PROBE\n");
        return 2;
    }
    supervisor = argv[1];
    probe = argv[2];
    signal(SIGPIPE, SIG_IGN);
    RUN(exit_status_is_the_childs);
    RUN(bad_internal_options_exit_2);
    RUN(signals_a_jvm_owns_are_forwarded);
    RUN(term_escalates_to_kill_after_the_grace);
    return 0;
}
