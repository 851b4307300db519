/* test_signals.c - the POSIX backend with real signals: sender identity, sigqueue values,
 * restoring exactly the previous action, leaving a replacement alone, chaining, and
 * spurious wake-ups. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <fcntl.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../core/sb_core.h"
#include "../core/sb_platform.h"
#include "sb_check.h"

/* The si_code a handler sees for kill(2) and raise(3). XNU writes 0 for every signal a process
 * posts (bsd/kern/kern_sig.c, psignal_internal), not SI_USER, and macOS has no sigqueue. */
#if defined(__APPLE__)
#define CODE_OF_KILL 0
#define CODE_OF_RAISE 0
#define HAVE_SIGQUEUE 0
#else
#define CODE_OF_KILL SI_USER
#define CODE_OF_RAISE SI_TKILL
#define HAVE_SIGQUEUE 1
#endif

static long this_thread_id(void)
{
#if defined(__linux__)
    return (long)syscall(SYS_gettid);
#else
    uint64_t id = 0;
    pthread_threadid_np(NULL, &id);
    return (long)id;
#endif
}

/* Waits for and drains events of one signal; returns how many it collected. As the consumer
 * of a multi-threaded process it refreshes its mask before every drain, as the JNI layer does. */
static uint32_t collect_events(int signo, sb_event *out, uint32_t want, bool as_consumer)
{
    uint32_t got = 0;
    while (got < want) {
        sb_event batch[16];
        if (as_consumer) {
            sb_platform_consumer_refresh();
        }
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

static uint32_t collect(int signo, sb_event *out, uint32_t want)
{
    return collect_events(signo, out, want, false);
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
        CHECK_EQ(CODE_OF_RAISE, events[i].code);
        CHECK(events[i].nanos > 0 && events[i].nanos <= sb_clock_nanos());
    }
    CHECK(events[0].sequence < events[1].sequence && events[1].sequence < events[2].sequence);
}

#if HAVE_SIGQUEUE
/* A child process that sigqueues `value` to us after `delay_ns`; exits 0 when it could. */
static pid_t sigqueue_from_a_child(int signo, int value, long delay_ns)
{
    pid_t parent = getpid();
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct timespec delay = {0, delay_ns};
        nanosleep(&delay, NULL);
        union sigval sv;
        sv.sival_int = value;
        _exit(sigqueue(parent, signo, sv) == 0 ? 0 : 1);
    }
    return child;
}

static void sigqueue_from_another_process_carries_value(void)
{
    pid_t child = sigqueue_from_a_child(SIGUSR1, 4242, 0);
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
#else
static void sigqueue_is_refused_without_the_os_call(void)
{
    CHECK_EQ(ENOTSUP, sb_platform_sigqueue(getpid(), SIGUSR1, 4242));
}
#endif

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

static volatile sig_atomic_t chained_pid, chained_value, chained_calls, chained_code;
static void *volatile chained_context;
static volatile long chained_tid;

static void previous_handler(int signo, siginfo_t *info, void *context)
{
    (void)signo;
    chained_pid = info->si_pid;
    chained_value = info->si_value.sival_int;
    chained_code = info->si_code;
    chained_context = context;
    chained_tid = this_thread_id();
    if (context != NULL) {
        /* as Go's handler and crash reporters do: read the interrupted context */
        volatile int masked = sigismember(&((ucontext_t *)context)->uc_sigmask, signo);
        (void)masked;
    }
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
#if HAVE_SIGQUEUE
    union sigval sv;
    sv.sival_int = 77;
    CHECK_EQ(0, sigqueue(getpid(), SIGWINCH, sv));
#else
    CHECK_EQ(0, kill(getpid(), SIGWINCH));
#endif
    sb_event event;
    collect(SIGWINCH, &event, 1);
    CHECK_EQ(0, chained_calls); /* ours replaced it: it ran only through the chain below */
    CHECK_EQ(0, sb_platform_chain(&event));
    CHECK_EQ(1, chained_calls);
    CHECK_EQ(getpid(), chained_pid);
#if HAVE_SIGQUEUE
    CHECK_EQ(77, chained_value);
#endif
    CHECK(chained_context != NULL); /* in signal context, with a real ucontext */
    sb_slot_stats stats;
    sb_core_stats(SIGWINCH, &stats);
    CHECK_EQ(1, stats.invocations); /* the re-delivery is not a delivery */
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

/* What HotSpot's os::signal installs when sun.misc.Signal puts a default or an ignore back:
 * SIG_DFL or SIG_IGN in the one handler field, with SA_SIGINFO set. */
static struct sigaction hotspot_style(void (*disposition)(int))
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = disposition;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    return action;
}

static void sig_dfl_and_sig_ign_with_sa_siginfo_are_default_and_ignore(void)
{
    struct sigaction dfl = hotspot_style(SIG_DFL), ign = hotspot_style(SIG_IGN), saved;
    CHECK_EQ(0, sigaction(SIGURG, &dfl, &saved));
    CHECK_EQ(SB_DISPOSITION_DEFAULT, sb_platform_disposition(SIGURG));
    CHECK_EQ(0, sigaction(SIGURG, &ign, NULL));
    CHECK_EQ(SB_DISPOSITION_IGNORE, sb_platform_disposition(SIGURG));
    CHECK_EQ(0, sigaction(SIGURG, &saved, NULL));
}

/* Chaining to such a SIG_DFL takes the default action; it used to call address 0 (SIGSEGV in
 * the signal handler: the whole JVM crashed instead of ending by the signal). */
static void chain_to_a_default_set_with_sa_siginfo_ends_the_process_by_that_signal(void)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct sigaction dfl = hotspot_style(SIG_DFL);
        if (sigaction(SIGUSR2, &dfl, NULL) != 0 || sb_platform_install(SIGUSR2) != 0 ||
            sb_platform_raise(SIGUSR2) != 0) {
            _exit(3);
        }
        sb_event event;
        collect(SIGUSR2, &event, 1);
        sb_platform_chain(&event);
        sleep(2); /* a re-delivery on Linux: the default action ends us here */
        _exit(4);
    }
    int status;
    CHECK_EQ(child, waitpid(child, &status, 0));
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(SIGUSR2, WTERMSIG(status));
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
 * children with QUIT blocked): the consumer thread finds it blocked, unblocks it for itself
 * while the handler is installed and takes it, and blocks it again after uninstall. */
static sb_event everywhere_event;
static atomic_int everywhere_step;

static void *everywhere_consumer(void *arg)
{
    (void)arg;
    sb_platform_consumer_refresh(); /* inherited SIGPROF blocked: unblocks it */
    atomic_store(&everywhere_step, blocked_here(SIGPROF) ? -1 : 1);
    collect_events(SIGPROF, &everywhere_event, 1, true);
    atomic_store(&everywhere_step, 2);
    while (atomic_load(&everywhere_step) != 3) {
        sched_yield(); /* until the main thread uninstalled */
    }
    sb_platform_consumer_refresh(); /* blocks it again */
    atomic_store(&everywhere_step, blocked_here(SIGPROF) ? 4 : -4);
    return NULL;
}

static void a_signal_blocked_everywhere_still_reaches_the_consumer(void)
{
    sigset_t prof, saved;
    sigemptyset(&prof);
    sigaddset(&prof, SIGPROF);
    CHECK_EQ(0, pthread_sigmask(SIG_BLOCK, &prof, &saved));
    CHECK_EQ(0, sb_platform_install(SIGPROF));
    pthread_t consumer;
    CHECK_EQ(0, pthread_create(&consumer, NULL, everywhere_consumer, NULL)); /* inherits the mask */
    while (atomic_load(&everywhere_step) == 0) {
        sched_yield();
    }
    CHECK_EQ(1, atomic_load(&everywhere_step)); /* the consumer unblocked SIGPROF for itself */
    CHECK_EQ(0, kill(getpid(), SIGPROF)); /* only the consumer accepts it */
    alarm(20);                             /* without the unblock it would stay pending */
    while (atomic_load(&everywhere_step) != 2) {
        sched_yield();
    }
    alarm(0);
    CHECK_EQ(getpid(), everywhere_event.pid);
    int outcome;
    CHECK_EQ(0, sb_platform_uninstall(SIGPROF, &outcome));
    CHECK_EQ(SB_UNINSTALL_RESTORED, outcome);
    atomic_store(&everywhere_step, 3);
    CHECK_EQ(0, pthread_join(consumer, NULL));
    CHECK_EQ(4, atomic_load(&everywhere_step)); /* blocked again once uninstalled */
    CHECK_EQ(0, pthread_sigmask(SIG_SETMASK, &saved, NULL));
}

/* The consumer of a multi-threaded process keeps the installed signals blocked on its own
 * thread, so that other threads take them (and it drains instead of running handlers). */
static sb_event consumer_events[3];
static atomic_int consumer_blocked_usr1 = -1;

static void *consumer_main(void *arg)
{
    (void)arg;
    sb_platform_consumer_refresh();
    sigset_t mask;
    pthread_sigmask(SIG_BLOCK, NULL, &mask);
    atomic_store(&consumer_blocked_usr1, sigismember(&mask, SIGUSR1));
    collect_events(SIGUSR1, consumer_events, 3, true);
    return NULL;
}

static void the_consumer_thread_blocks_installed_signals(void)
{
    CHECK_EQ(0, sb_platform_install(SIGUSR1));
    pthread_t consumer;
    CHECK_EQ(0, pthread_create(&consumer, NULL, consumer_main, NULL));
    while (atomic_load(&consumer_blocked_usr1) < 0) {
        sched_yield(); /* until the consumer has refreshed its mask */
    }
    CHECK_EQ(1, atomic_load(&consumer_blocked_usr1));
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(0, sb_platform_kill(getpid(), SIGUSR1)); /* to the process: this thread takes it */
    }
    CHECK_EQ(0, pthread_join(consumer, NULL));
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(getpid(), consumer_events[i].pid);
        CHECK_EQ(CODE_OF_KILL, consumer_events[i].code);
    }
    CHECK_EQ(0, sb_platform_raise(SIGUSR1)); /* on a thread that is not the consumer: as before */
}

/* --- last gasps the process survives ---------------------------------------------------- */

/* The dispatcher's part of a last gasp: drain, count the events of one signal, complete their
 * tickets. Runs until the (forked) test process ends. */
static atomic_int gasp_events;

static atomic_bool consumer_running;

static void *completing_consumer(void *arg)
{
    int signo = (int)(intptr_t)arg;
    for (;;) {
        sb_platform_consumer_refresh();
        atomic_store(&consumer_running, true);
        sb_event batch[16];
        uint32_t n = sb_core_drain(batch, 16);
        if (n == 0) {
            sb_platform_wait();
            continue;
        }
        for (uint32_t i = 0; i < n; i++) {
            if (batch[i].signo != signo) {
                continue;
            }
            if (batch[i].flags & SB_EVENT_SYNC) {
                sb_platform_complete(signo, batch[i].ticket);
            }
            atomic_fetch_add(&gasp_events, 1 + (int)batch[i].coalesced);
        }
    }
    return NULL;
}

static int previous_calls_seen;
static volatile sig_atomic_t previous_calls;

static void returning_previous(int signo, siginfo_t *info, void *context)
{
    (void)signo;
    (void)info;
    (void)context;
    previous_calls++;
}

/* In a child: `previous` is the action before ours, `mode` makes USR1 a last gasp; raises it
 * three times from a thread that is not the consumer. Each one must reach the consumer (our
 * handler still installed after the first) and the disposition stays ours until uninstall,
 * which then restores `previous`. Exit status 0 when all held, else the failing line's check. */
static void survive_three_last_gasps(const struct sigaction *previous, int mode)
{
    alarm(20); /* a lost delivery would leave the loop below waiting forever */
    int outcome = -1;
    CHECK_EQ(0, sb_platform_uninstall(SIGUSR1, &outcome)); /* earlier tests left ours on it */
    CHECK_EQ(0, sigaction(SIGUSR1, previous, NULL));
    CHECK_EQ(0, sb_platform_set_synchronous(SIGUSR1, mode));
    CHECK_EQ(0, sb_platform_install(SIGUSR1));
    CHECK_EQ(0, sb_platform_set_synchronous(SIGUSR1, mode));
    pthread_t consumer;
    CHECK_EQ(0, pthread_create(&consumer, NULL, completing_consumer, (void *)(intptr_t)SIGUSR1));
    for (int i = 1; i <= 3; i++) {
        CHECK_EQ(0, raise(SIGUSR1)); /* this thread waits in the handler for the consumer */
        while (atomic_load(&gasp_events) < i) {
            sched_yield();
        }
        CHECK_EQ(SB_DISPOSITION_SIGBRIDGE, sb_platform_disposition(SIGUSR1));
    }
    previous_calls_seen = previous_calls;
    CHECK_EQ(0, sb_platform_uninstall(SIGUSR1, &outcome));
    CHECK_EQ(SB_UNINSTALL_RESTORED, outcome);
    CHECK_EQ((uintptr_t)((previous->sa_flags & SA_SIGINFO) ? (void *)previous->sa_sigaction
                                                            : (void *)previous->sa_handler),
             sb_platform_handler_address(SIGUSR1));
}

static struct sigaction plain_action(void (*handler)(int))
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    return action;
}

static void expect_child_success(pid_t child)
{
    int status;
    CHECK_EQ(child, waitpid(child, &status, 0));
    CHECK_EQ(0, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    CHECK_EQ(0, WEXITSTATUS(status));
}

static void a_survived_last_gasp_with_sig_ign_before_keeps_our_handler(void)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct sigaction ignore = plain_action(SIG_IGN);
        survive_three_last_gasps(&ignore, SB_SYNC_ALWAYS); /* as ABRT under `trap '' ABRT` */
        CHECK_EQ(SB_DISPOSITION_IGNORE, sb_platform_disposition(SIGUSR1));
        _exit(0);
    }
    expect_child_success(child);
}

static void a_survived_last_gasp_with_a_returning_handler_before_keeps_our_handler(void)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct sigaction theirs = plain_action(SIG_DFL);
        theirs.sa_sigaction = returning_previous;
        theirs.sa_flags = SA_SIGINFO;
        survive_three_last_gasps(&theirs, SB_SYNC_ALWAYS);
        CHECK_EQ(3, previous_calls_seen); /* each delivery: the Java side, then theirs */
        _exit(0);
    }
    expect_child_success(child);
}

/* The mode set before the install holds from the first delivery on: for ABRT an abort() just
 * after the install must already be a last gasp, and "if the previous action ends the
 * process" is decided from the action the install saves. */
static void a_mode_set_before_the_install_holds_for_the_first_delivery(void)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        int outcome;
        CHECK_EQ(0, sb_platform_uninstall(SIGUSR2, &outcome));
        signal(SIGUSR2, SIG_DFL);
        CHECK_EQ(0, sb_platform_set_synchronous(SIGUSR2, SB_SYNC_IF_PREVIOUS_ENDS));
        sb_platform_set_sync_grace_millis(1); /* nobody completes the ticket here */
        CHECK_EQ(0, sb_platform_install(SIGUSR2));
        raise(SIGUSR2); /* a last gasp: after the grace, USR2 again under SIG_DFL ends us */
        _exit(0);       /* reached only when the delivery was not a last gasp */
    }
    int status;
    CHECK_EQ(child, waitpid(child, &status, 0));
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(SIGUSR2, WTERMSIG(status));
}

/* fork() without exec in a process with a dispatcher: the child has no consumer. It must get
 * the actions it would have had without sigbridge back (nothing is captured into a ring nobody
 * drains), and its abort() must not wait for Java (the grace here is a minute). */
static pid_t fork_and(void (*in_child)(void))
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        in_child();
        _exit(0);
    }
    return child;
}

static void child_has_the_previous_actions(void)
{
    CHECK_EQ(SB_DISPOSITION_IGNORE, sb_platform_disposition(SIGUSR2));
    CHECK_EQ(SB_DISPOSITION_DEFAULT, sb_platform_disposition(SIGABRT));
    CHECK_EQ(SB_DISPOSITION_DEFAULT, sb_platform_disposition(SIGUSR1));
}

static void child_aborts(void)
{
    abort();
}

static void a_forked_child_gets_the_previous_actions_and_does_not_wait(void)
{
    pid_t dispatcher_process = fork();
    CHECK(dispatcher_process >= 0);
    if (dispatcher_process == 0) {
        alarm(20); /* a child waiting out the grace would keep waitpid below blocked */
        int outcome;
        CHECK_EQ(0, sb_platform_uninstall(SIGUSR1, &outcome));
        CHECK_EQ(0, sb_platform_uninstall(SIGUSR2, &outcome));
        signal(SIGUSR1, SIG_DFL);
        signal(SIGUSR2, SIG_IGN);
        signal(SIGABRT, SIG_DFL);
        sb_platform_set_sync_grace_millis(60000);
        CHECK_EQ(0, sb_platform_set_synchronous(SIGABRT, SB_SYNC_ALWAYS));
        CHECK_EQ(0, sb_platform_install(SIGABRT));
        CHECK_EQ(0, sb_platform_install(SIGUSR1));
        CHECK_EQ(0, sb_platform_install(SIGUSR2));
        pthread_t consumer;
        CHECK_EQ(0, pthread_create(&consumer, NULL, completing_consumer, (void *)(intptr_t)SIGUSR1));
        while (!atomic_load(&consumer_running)) {
            sched_yield();
        }
        expect_child_success(fork_and(child_has_the_previous_actions));
        int status;
        pid_t aborting = fork_and(child_aborts);
        CHECK_EQ(aborting, waitpid(aborting, &status, 0));
        CHECK(WIFSIGNALED(status));
        CHECK_EQ(SIGABRT, WTERMSIG(status));
        CHECK_EQ(SB_DISPOSITION_SIGBRIDGE, sb_platform_disposition(SIGUSR2)); /* the parent keeps ours */
        _exit(0);
    }
    expect_child_success(dispatcher_process);
}

/* --- a dispatcher that does not move ------------------------------------------------------ */

static pthread_mutex_t held_by_the_gasping_thread = PTHREAD_MUTEX_INITIALIZER;
static atomic_int dispatcher_kind; /* 1: blocks on the mutex first; 2: computes first */
static atomic_bool dispatcher_done;

static void spin_for_millis(int millis)
{
    int64_t until = sb_clock_nanos() + (int64_t)millis * 1000000;
    volatile uint64_t sink = 0;
    while (sb_clock_nanos() < until) {
        sink++;
    }
}

static void *slow_dispatcher(void *arg)
{
    (void)arg;
    sb_platform_consumer_refresh();
    atomic_store(&consumer_running, true);
    if (atomic_load(&dispatcher_kind) == 1) {
        /* as a JVM dispatcher that needs glibc's heap lock, held by the aborting thread */
        pthread_mutex_lock(&held_by_the_gasping_thread);
        pthread_mutex_unlock(&held_by_the_gasping_thread);
    } else {
        spin_for_millis(900); /* a handler still at work: uses CPU, drains nothing */
    }
    for (;;) {
        sb_platform_consumer_refresh();
        sb_event batch[16];
        uint32_t n = sb_core_drain(batch, 16);
        for (uint32_t i = 0; i < n; i++) {
            if (batch[i].ticket != 0) {
                atomic_store(&dispatcher_done, true); /* first: the gasp may end at the next */
                sb_platform_complete(batch[i].signo, batch[i].ticket);
            }
        }
        if (n == 0) {
            sb_platform_wait();
        }
    }
    return NULL;
}

/* In a child with stderr in a file: a last gasp on USR1 (SIG_IGN before, so the child lives)
 * with a grace of 1.5 s, i.e. a stall window of 0.5 s; returns what the child wrote. */
static void gasp_against(int kind, char *text, size_t size)
{
    char path[] = "/tmp/sigbridge-test-stall-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        alarm(20);
        dup2(fd, STDERR_FILENO);
        int outcome;
        sb_platform_uninstall(SIGUSR1, &outcome);
        signal(SIGUSR1, SIG_IGN);
        sb_platform_set_sync_grace_millis(1500);
        CHECK_EQ(0, sb_platform_set_synchronous(SIGUSR1, SB_SYNC_ALWAYS));
        CHECK_EQ(0, sb_platform_install(SIGUSR1));
        atomic_store(&dispatcher_kind, kind);
        pthread_mutex_lock(&held_by_the_gasping_thread);
        pthread_t dispatcher;
        CHECK_EQ(0, pthread_create(&dispatcher, NULL, slow_dispatcher, NULL));
        while (!atomic_load(&consumer_running)) {
            sched_yield();
        }
        raise(SIGUSR1); /* waits in the handler, holding the mutex */
        bool done = atomic_load(&dispatcher_done);
        pthread_mutex_unlock(&held_by_the_gasping_thread);
        /* the blocked dispatcher cannot have completed; the computing one must have */
        _exit(done == (kind == 2) ? 0 : 5);
    }
    expect_child_success(child);
    ssize_t n = pread(fd, text, size - 1, 0);
    text[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(path);
}

static void a_last_gasp_stops_waiting_for_a_dispatcher_that_does_not_move(void)
{
    char text[512];
    gasp_against(1, text, sizeof text);
    CHECK(strstr(text, "the dispatcher thread made no progress") != NULL);
    CHECK(strstr(text, "within the grace") == NULL);
}

static void a_last_gasp_waits_for_a_dispatcher_that_computes(void)
{
    char text[512];
    gasp_against(2, text, sizeof text);
    CHECK_EQ(0, (long long)strlen(text)); /* no complaint: it moved, and completed in time */
}

/* PID 1 of a PID namespace: the kernel discards a signal whose action is SIG_DFL, so a last
 * gasp that re-raises under SIG_DFL leaves the process alive. Needs CAP_SYS_ADMIN (root). */
#if defined(__linux__) /* unshare(CLONE_NEWPID), POSIX timers, rt_tgsigqueueinfo, sigqueue */
static void a_last_gasp_in_pid_1_survives_and_keeps_our_handler(void)
{
    pid_t outer = fork();
    CHECK(outer >= 0);
    if (outer == 0) {
        if (unshare(CLONE_NEWPID) != 0) {
            _exit(77);
        }
        pid_t init = fork();
        if (init < 0) {
            _exit(2);
        }
        if (init == 0) {
            CHECK_EQ(1, getpid());
            struct sigaction dfl = plain_action(SIG_DFL);
            survive_three_last_gasps(&dfl, SB_SYNC_IF_PREVIOUS_ENDS); /* Chain.PREVIOUS on USR1 */
            _exit(0);
        }
        int status;
        if (waitpid(init, &status, 0) != init) {
            _exit(3);
        }
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
    int status;
    CHECK_EQ(outer, waitpid(outer, &status, 0));
    CHECK(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) {
        printf("  skipped: unshare(CLONE_NEWPID) is not permitted here\n");
        return;
    }
    CHECK_EQ(0, WEXITSTATUS(status));
}

/* A POSIX timer's signal: the siginfo union holds the timer id and the overrun where a sender's
 * pid and uid would be, so it has no sender; the overrun counts the expirations that happened
 * while it was pending (here: blocked for 30 periods of 1 ms). */
static void a_timer_signal_has_no_sender_and_reports_its_overrun(void)
{
    int signo = SIGRTMIN + 3;
    CHECK_EQ(0, sb_platform_install(signo));
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, signo);
    CHECK_EQ(0, pthread_sigmask(SIG_BLOCK, &only, NULL));
    struct sigevent how;
    memset(&how, 0, sizeof how);
    how.sigev_notify = SIGEV_SIGNAL;
    how.sigev_signo = signo;
    how.sigev_value.sival_int = 31;
    timer_t timer;
    CHECK_EQ(0, timer_create(CLOCK_MONOTONIC, &how, &timer));
    struct itimerspec every_ms = {{0, 1000000}, {0, 1000000}};
    CHECK_EQ(0, timer_settime(timer, 0, &every_ms, NULL));
    struct timespec wait = {0, 30000000};
    nanosleep(&wait, NULL);
    CHECK_EQ(0, pthread_sigmask(SIG_UNBLOCK, &only, NULL)); /* delivered here, now */
    CHECK_EQ(0, timer_delete(timer));
    sb_event event;
    collect(signo, &event, 1);
    CHECK_EQ(SI_TIMER, event.code);
    CHECK(!(event.flags & SB_EVENT_HAS_SENDER));
    CHECK(event.flags & SB_EVENT_HAS_VALUE);
    CHECK_EQ(31, event.value);
    CHECK(event.flags & SB_EVENT_HAS_OVERRUN);
    CHECK(event.overrun > 0);
    printf("  overrun %d after 30 ms blocked\n", event.overrun);

    /* SI_SIGIO: the union holds band and fd there. */
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = signo;
    info.si_code = SI_SIGIO;
    CHECK_EQ(0, syscall(SYS_rt_tgsigqueueinfo, getpid(), syscall(SYS_gettid), signo, &info));
    collect(signo, &event, 1);
    CHECK_EQ(SI_SIGIO, event.code);
    CHECK(!(event.flags & (SB_EVENT_HAS_SENDER | SB_EVENT_HAS_OVERRUN)));
    int outcome;
    CHECK_EQ(0, sb_platform_uninstall(signo, &outcome));
}

/* The chain from the dispatcher of a multi-threaded process: the previous handler runs on
 * another thread, in signal context, with the original sender's siginfo. */
static sb_event chain_event;
static atomic_int chain_step;

static void *chaining_consumer(void *arg)
{
    (void)arg;
    collect_events(SIGURG, &chain_event, 1, true); /* SIGURG blocked here: others take it */
    atomic_store(&chain_step, sb_platform_chain(&chain_event) == 0 ? 1 : -1);
    return NULL;
}

static void chain_from_the_dispatcher_runs_the_previous_handler_in_signal_context(void)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        alarm(20);
        struct sigaction previous = plain_action(SIG_DFL);
        previous.sa_sigaction = previous_handler;
        previous.sa_flags = SA_SIGINFO;
        CHECK_EQ(0, sigaction(SIGURG, &previous, NULL));
        CHECK_EQ(0, sb_platform_install(SIGURG));
        chained_calls = 0;
        pthread_t consumer;
        CHECK_EQ(0, pthread_create(&consumer, NULL, chaining_consumer, NULL));
        pid_t sender = sigqueue_from_a_child(SIGURG, 4242, 50000000); /* the consumer blocks it first */
        while (atomic_load(&chain_step) == 0) {
            sched_yield(); /* this thread does not block SIGURG: the re-delivery comes here */
        }
        CHECK_EQ(1, atomic_load(&chain_step));
        CHECK_EQ(0, pthread_join(consumer, NULL));
        int status;
        CHECK_EQ(sender, waitpid(sender, &status, 0));
        CHECK_EQ(1, chained_calls);
        CHECK(chained_context != NULL);
        CHECK_EQ(sender, chained_pid); /* the original siginfo, not the re-delivery's */
        CHECK_EQ(4242, chained_value);
        CHECK_EQ(SI_QUEUE, chained_code);
        CHECK_EQ(this_thread_id(), chained_tid); /* not on the consumer */
        _exit(0);
    }
    expect_child_success(child);
}

#endif

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
#if HAVE_SIGQUEUE
    RUN(sigqueue_from_another_process_carries_value);
#else
    RUN(sigqueue_is_refused_without_the_os_call);
#endif
    RUN(uninstall_restores_the_previous_action);
    RUN(uninstall_leaves_a_replacement_alone);
    RUN(chain_calls_the_previous_handler_with_the_siginfo);
    RUN(chain_to_default_ends_the_process_by_that_signal);
    RUN(sig_dfl_and_sig_ign_with_sa_siginfo_are_default_and_ignore);
    RUN(chain_to_a_default_set_with_sa_siginfo_ends_the_process_by_that_signal);
    RUN(spurious_wake_ups_are_harmless);
    RUN(bad_targets_are_refused);
#if defined(__linux__)
    RUN(chain_from_the_dispatcher_runs_the_previous_handler_in_signal_context);
    RUN(a_timer_signal_has_no_sender_and_reports_its_overrun);
#endif
    RUN(a_survived_last_gasp_with_sig_ign_before_keeps_our_handler);
    RUN(a_survived_last_gasp_with_a_returning_handler_before_keeps_our_handler);
#if defined(__linux__)
    RUN(a_last_gasp_in_pid_1_survives_and_keeps_our_handler);
#endif
    RUN(a_mode_set_before_the_install_holds_for_the_first_delivery);
    RUN(a_forked_child_gets_the_previous_actions_and_does_not_wait);
    RUN(a_last_gasp_stops_waiting_for_a_dispatcher_that_does_not_move);
    RUN(a_last_gasp_waits_for_a_dispatcher_that_computes);
    RUN(the_consumer_thread_blocks_installed_signals); /* last: they make consumer threads */
    RUN(a_signal_blocked_everywhere_still_reaches_the_consumer);
    return 0;
}
