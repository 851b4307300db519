/* test_signals.c - the POSIX backend with real signals: sender identity, sigqueue values,
 * restoring exactly the previous action, leaving a replacement alone, chaining, and
 * spurious wake-ups. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../core/sb_core.h"
#include "../core/sb_platform.h"
#include "sb_check.h"

/* Waits for and drains events of one signal; returns how many it collected. */
static uint32_t collect(int signo, sb_event *out, uint32_t want)
{
    uint32_t got = 0;
    while (got < want) {
        sb_event batch[16];
        uint32_t n = sb_core_drain(batch, 16);
        if (n == 0) {
            CHECK_EQ(0, sb_platform_wait());
            continue;
        }
        for (uint32_t i = 0; i < n; i++) {
            if (batch[i].signo == signo && got < want) {
                out[got++] = batch[i];
            }
        }
    }
    return got;
}

static void raise_reports_our_pid(void)
{
    CHECK_EQ(0, sb_platform_install(SIGUSR1));
    CHECK_EQ(SB_DISPOSITION_SIGBRIDGE, sb_platform_disposition(SIGUSR1));
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(0, sb_platform_raise(SIGUSR1));
    }
    sb_event events[3];
    collect(SIGUSR1, events, 3);
    for (int i = 0; i < 3; i++) {
        CHECK(events[i].flags & SB_EVENT_HAS_SENDER);
        CHECK_EQ(getpid(), events[i].pid);
        CHECK_EQ(getuid(), (uid_t)events[i].uid);
        CHECK_EQ(SI_TKILL, events[i].code);
        CHECK(events[i].nanos > 0 && events[i].nanos <= sb_clock_nanos());
    }
    CHECK(events[0].sequence < events[1].sequence && events[1].sequence < events[2].sequence);
}

static void sigqueue_from_another_process_carries_value(void)
{
    pid_t parent = getpid();
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        union sigval sv;
        sv.sival_int = 4242;
        _exit(sigqueue(parent, SIGUSR1, sv) == 0 ? 0 : 1);
    }
    sb_event event;
    collect(SIGUSR1, &event, 1);
    int status;
    CHECK_EQ(child, waitpid(child, &status, 0));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(child, event.pid);
    CHECK_EQ(SI_QUEUE, event.code);
    CHECK(event.flags & SB_EVENT_HAS_VALUE);
    CHECK_EQ(4242, event.value);
}

static void uninstall_restores_the_previous_action(void)
{
    signal(SIGUSR2, SIG_IGN);
    CHECK_EQ(SB_DISPOSITION_IGNORE, sb_platform_disposition(SIGUSR2));
    CHECK_EQ(0, sb_platform_install(SIGUSR2));
    CHECK_EQ(SB_DISPOSITION_SIGBRIDGE, sb_platform_disposition(SIGUSR2));
    int outcome = -1;
    CHECK_EQ(0, sb_platform_uninstall(SIGUSR2, &outcome));
    CHECK_EQ(SB_UNINSTALL_RESTORED, outcome);
    CHECK_EQ(SB_DISPOSITION_IGNORE, sb_platform_disposition(SIGUSR2));
    CHECK_EQ(0, sb_platform_uninstall(SIGUSR2, &outcome));
    CHECK_EQ(SB_UNINSTALL_NOT_INSTALLED, outcome);
}

static void their_handler(int signo)
{
    (void)signo;
}

static void uninstall_leaves_a_replacement_alone(void)
{
    CHECK_EQ(0, sb_platform_install(SIGUSR2));
    struct sigaction theirs;
    memset(&theirs, 0, sizeof theirs);
    theirs.sa_handler = their_handler;
    sigemptyset(&theirs.sa_mask);
    CHECK_EQ(0, sigaction(SIGUSR2, &theirs, NULL));
    int outcome = -1;
    CHECK_EQ(0, sb_platform_uninstall(SIGUSR2, &outcome));
    CHECK_EQ(SB_UNINSTALL_LEFT_THEIRS, outcome);
    CHECK_EQ((uintptr_t)their_handler, sb_platform_handler_address(SIGUSR2));
    signal(SIGUSR2, SIG_DFL);
}

static volatile sig_atomic_t chained_pid, chained_value, chained_calls;

static void previous_handler(int signo, siginfo_t *info, void *context)
{
    (void)signo;
    (void)context;
    chained_pid = info->si_pid;
    chained_value = info->si_value.sival_int;
    chained_calls++;
}

static void chain_calls_the_previous_handler_with_the_siginfo(void)
{
    struct sigaction previous;
    memset(&previous, 0, sizeof previous);
    previous.sa_sigaction = previous_handler;
    previous.sa_flags = SA_SIGINFO;
    sigemptyset(&previous.sa_mask);
    CHECK_EQ(0, sigaction(SIGWINCH, &previous, NULL));
    CHECK_EQ(0, sb_platform_install(SIGWINCH));
    union sigval sv;
    sv.sival_int = 77;
    CHECK_EQ(0, sigqueue(getpid(), SIGWINCH, sv));
    sb_event event;
    collect(SIGWINCH, &event, 1);
    CHECK_EQ(0, chained_calls); /* ours replaced it: it ran only through the chain below */
    CHECK_EQ(0, sb_platform_chain(&event));
    CHECK_EQ(1, chained_calls);
    CHECK_EQ(getpid(), chained_pid);
    CHECK_EQ(77, chained_value);
    int outcome;
    CHECK_EQ(0, sb_platform_uninstall(SIGWINCH, &outcome));
    CHECK_EQ((uintptr_t)previous_handler, sb_platform_handler_address(SIGWINCH));
}

static void chain_to_default_ends_the_process_by_that_signal(void)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        signal(SIGTERM, SIG_DFL);
        if (sb_platform_install(SIGTERM) != 0 || sb_platform_raise(SIGTERM) != 0) {
            _exit(3);
        }
        sb_event event;
        collect(SIGTERM, &event, 1); /* we survived the signal: our handler took it */
        sb_platform_chain(&event);
        _exit(4); /* not reached: the default action ends us */
    }
    int status;
    CHECK_EQ(child, waitpid(child, &status, 0));
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(SIGTERM, WTERMSIG(status));
}

static void spurious_wake_ups_are_harmless(void)
{
    sb_platform_wake();
    CHECK_EQ(0, sb_platform_wait());
    sb_event none[4];
    CHECK_EQ(0, sb_core_drain(none, 4));
}

static bool blocked_here(int signo)
{
    sigset_t mask;
    CHECK_EQ(0, pthread_sigmask(SIG_BLOCK, NULL, &mask));
    return sigismember(&mask, signo) == 1;
}

/* A process started with a signal blocked in every thread (a JDK before 20 spawns its
 * children with QUIT blocked): the dispatcher thread, here the only thread, unblocks it
 * for itself while the handler is installed and blocks it again afterwards. */
static void a_signal_blocked_everywhere_still_reaches_the_dispatcher(void)
{
    sigset_t prof, saved;
    sigemptyset(&prof);
    sigaddset(&prof, SIGPROF);
    CHECK_EQ(0, pthread_sigmask(SIG_BLOCK, &prof, &saved));
    CHECK_EQ(0, sb_platform_install(SIGPROF));
    CHECK_EQ(0, kill(getpid(), SIGPROF)); /* pending: no thread accepts it */
    alarm(20);                             /* without the unblock, collect never returns */
    sb_event event;
    collect(SIGPROF, &event, 1);
    alarm(0);
    CHECK_EQ(getpid(), event.pid);
    CHECK(!blocked_here(SIGPROF));
    int outcome;
    CHECK_EQ(0, sb_platform_uninstall(SIGPROF, &outcome));
    CHECK_EQ(SB_UNINSTALL_RESTORED, outcome);
    CHECK_EQ(0, sb_platform_wait()); /* returns at once: uninstall woke the dispatcher */
    CHECK(blocked_here(SIGPROF));
    CHECK_EQ(0, pthread_sigmask(SIG_SETMASK, &saved, NULL));
}

static void bad_targets_are_refused(void)
{
    CHECK_EQ(EINVAL, sb_platform_kill(0, SIGUSR1));
    CHECK_EQ(EINVAL, sb_platform_kill(-5, SIGUSR1));
    CHECK_EQ(EINVAL, sb_platform_kill_group(1, SIGUSR1));
    CHECK_EQ(EINVAL, sb_platform_install(0));
    CHECK_EQ(EINVAL, sb_platform_install(NSIG));
    CHECK_EQ(EINVAL, sb_platform_install(SIGKILL)); /* the kernel's own refusal */
}

int main(void)
{
    CHECK_EQ(0, sb_platform_init(256));
    RUN(raise_reports_our_pid);
    RUN(sigqueue_from_another_process_carries_value);
    RUN(uninstall_restores_the_previous_action);
    RUN(uninstall_leaves_a_replacement_alone);
    RUN(chain_calls_the_previous_handler_with_the_siginfo);
    RUN(chain_to_default_ends_the_process_by_that_signal);
    RUN(spurious_wake_ups_are_harmless);
    RUN(a_signal_blocked_everywhere_still_reaches_the_dispatcher);
    RUN(bad_targets_are_refused);
    return 0;
}
