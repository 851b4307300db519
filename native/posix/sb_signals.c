/*
 * sb_signals.c - the POSIX backend: sigaction with SA_SIGINFO, the handler, the
 * saved previous actions, chaining, and sending.
 *
 * The handler keeps the async-signal-safety rules: it saves and restores errno,
 * touches only the lock-free ring and atomic counters (sb_core_capture) and
 * wakes the dispatcher (sb_wakeup_signal: atomics, a futex wake). No malloc, no locks, no
 * stdio, no JNI. Everything else in this file runs on ordinary threads, with
 * install/uninstall serialised by one mutex.
 */
#define _GNU_SOURCE
#include "../core/sb_platform.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

#include "../core/sb_core.h"
#include "sb_wakeup.h"

#if NSIG > SB_MAX_SLOTS
#error "more signals than accounting slots"
#endif

static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction previous_action[NSIG];
static bool installed[NSIG];

/*
 * The consumer (the dispatcher thread, which calls sb_platform_consumer_refresh before every
 * drain) manages its own signal mask for the signals we install:
 * - It keeps them blocked on itself, so the kernel hands process-directed deliveries to other
 *   threads: during a flood a thread that returns from a handler is given the next pending
 *   signal at once, and a consumer caught that way ran handlers instead of draining the ring
 *   (up to 3,843 of a 10,000-signal burst). A last gasp (ABRT) must not land on it either: it
 *   could not wait for Java there.
 * - Except a signal it finds blocked already, not by us: then every thread probably blocks it
 *   (a JDK before 20 starts child processes with the spawning thread's mask, in which HotSpot
 *   blocks QUIT, JDK-8234262), and a process-directed one would stay pending forever. The
 *   consumer unblocks that one and takes it itself.
 * On uninstall it undoes what it did. `mask_generation` (bumped under install_lock) tells it
 * the installed set changed; the bit masks (bit signo-1) are read by the handler too.
 */
static atomic_bool consumer_known;
static pthread_t consumer_thread;
static _Atomic(long) consumer_tid; /* Linux: the consumer's kernel thread id, for the handler */
static _Atomic(uint64_t) consumer_blocked; /* blocked on the consumer by us */
static _Atomic(uint64_t) consumer_takes;   /* found blocked, unblocked by us: the consumer takes it */
static atomic_uint mask_generation;
static unsigned consumer_generation;
#define MASKABLE(signo) ((signo) >= 1 && (signo) <= 64)
#define BIT(signo) (UINT64_C(1) << ((signo) - 1))

/* Last-gasp state, read in signal context: atomics only. */
static atomic_int sync_enabled[NSIG];
static _Atomic(uint64_t) sync_issued[NSIG];
static _Atomic(uint64_t) sync_completed[NSIG];
static atomic_int sync_grace_millis = 3000;

static void last_gasp(int signo, siginfo_t *info, void *context, uint64_t ticket);

static bool sent_by_a_process(int signo, const siginfo_t *info)
{
    if (signo == SIGCHLD) {
        return true; /* si_pid/si_uid describe the child */
    }
#if defined(__linux__)
    return info->si_code <= 0; /* SI_USER, SI_QUEUE, SI_TKILL, SI_ASYNCIO, ...: a process sent it */
#else
    return info->si_code == SI_USER || info->si_code == SI_QUEUE;
#endif
}

static bool carries_value(const siginfo_t *info)
{
    return info->si_code == SI_QUEUE || info->si_code == SI_TIMER || info->si_code == SI_MESGQ;
}

static int64_t current_thread_id(void)
{
#if defined(__linux__)
    return (int64_t)syscall(SYS_gettid); /* a raw syscall: async-signal-safe */
#elif defined(__APPLE__)
    uint64_t tid = 0;
    pthread_threadid_np(NULL, &tid);
    return (int64_t)tid;
#else
    return 0;
#endif
}

static void on_signal(int signo, siginfo_t *info, void *context)
{
    int saved_errno = errno;
    sb_event event = {0};
    event.signo = signo;
    event.source = SB_SOURCE_SIGNAL;
    event.nanos = sb_clock_nanos();
    event.tid = current_thread_id();
    bool sync = atomic_load_explicit(&sync_enabled[signo], memory_order_acquire) != 0;
    if (sync) {
        event.flags |= SB_EVENT_SYNC;
        event.ticket = atomic_fetch_add(&sync_issued[signo], 1) + 1;
    }
#if defined(__linux__)
    /* On the consumer thread (it had not blocked this signal yet: installed after its last
     * refresh): block the signal there from the return of this handler on. Otherwise, while
     * the process's queue of this signal is not empty, the kernel hands the next one to this
     * thread on every return from the handler and the consumer never drains the ring. Not for
     * a signal the consumer takes on purpose (blocked everywhere else), and not for a last
     * gasp: that one re-raises the signal to end the process as soon as the handler returns
     * (abort() on the consumer, blocked there, would end in abort's fallback crash). */
    long consumer = atomic_load_explicit(&consumer_tid, memory_order_relaxed);
    if (consumer != 0 && context != NULL && MASKABLE(signo) && consumer == event.tid &&
        !sync && !(atomic_load_explicit(&consumer_takes, memory_order_relaxed) & BIT(signo))) {
        sigaddset(&((ucontext_t *)context)->uc_sigmask, signo);
        atomic_fetch_or_explicit(&consumer_blocked, BIT(signo), memory_order_relaxed);
    }
#else
    (void)context;
#endif
    if (info != NULL) {
        event.code = info->si_code;
        if (sent_by_a_process(signo, info)) {
            event.flags |= SB_EVENT_HAS_SENDER;
            event.pid = (int32_t)info->si_pid;
            event.uid = (int32_t)info->si_uid;
        }
        if (carries_value(info)) {
            event.flags |= SB_EVENT_HAS_VALUE;
            event.value = info->si_value.sival_int;
        }
    }
    sb_core_capture(&event);
    sb_wakeup_signal();
    if (sync) {
        last_gasp(signo, info, context, event.ticket);
    }
    errno = saved_errno;
}

static bool valid_signal(int signo)
{
    return signo > 0 && signo < NSIG;
}

static bool is_ours(const struct sigaction *action)
{
    return (action->sa_flags & SA_SIGINFO) && action->sa_sigaction == on_signal;
}

int sb_platform_init(uint32_t ring_capacity)
{
    int rc = sb_core_init(ring_capacity);
    return rc != 0 ? rc : sb_wakeup_init();
}

void sb_platform_info_get(sb_platform_info *out)
{
    out->nsig = NSIG;
#if defined(SIGRTMIN)
    out->rtmin = SIGRTMIN; /* glibc computes these at run time: it keeps the first few for itself */
    out->rtmax = SIGRTMAX;
#else
    out->rtmin = -1;
    out->rtmax = -1;
#endif
}

int sb_platform_install(int signo)
{
    if (!valid_signal(signo)) {
        return EINVAL;
    }
    if (!sb_core_ready()) {
        return EAGAIN;
    }
    int rc = 0;
    pthread_mutex_lock(&install_lock);
    if (!installed[signo]) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = on_signal;
        /* SA_ONSTACK: a Go c-shared library in the process runs handlers on its own
         * alternate stack and crashes without it. The mask stays empty: never block
         * the JVM's SEGV/BUS/FPE/ILL through sa_mask (JDK-8252533). */
        action.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
        sigemptyset(&action.sa_mask);
        if (sigaction(signo, &action, &previous_action[signo]) == 0) {
            installed[signo] = true;
            atomic_fetch_add(&mask_generation, 1);
        } else {
            rc = errno;
        }
    }
    pthread_mutex_unlock(&install_lock);
    if (rc == 0) {
        sb_wakeup_signal(); /* the consumer updates its mask before it waits again */
    }
    return rc;
}

int sb_platform_uninstall(int signo, int *outcome)
{
    *outcome = SB_UNINSTALL_NOT_INSTALLED;
    if (!valid_signal(signo)) {
        return EINVAL;
    }
    int rc = 0;
    pthread_mutex_lock(&install_lock);
    atomic_store(&sync_enabled[signo], 0);
    if (installed[signo]) {
        struct sigaction current;
        if (sigaction(signo, NULL, &current) != 0) {
            rc = errno;
        } else if (is_ours(&current)) {
            if (sigaction(signo, &previous_action[signo], NULL) == 0) {
                installed[signo] = false;
                *outcome = SB_UNINSTALL_RESTORED;
            } else {
                rc = errno;
            }
        } else {
            installed[signo] = false;
            *outcome = SB_UNINSTALL_LEFT_THEIRS;
        }
        if (!installed[signo]) {
            atomic_fetch_add(&mask_generation, 1);
        }
    }
    pthread_mutex_unlock(&install_lock);
    if (*outcome != SB_UNINSTALL_NOT_INSTALLED) {
        sb_wakeup_signal(); /* the dispatcher puts its mask back before it waits again */
    }
    return rc;
}

static int classify(const struct sigaction *action)
{
    if (is_ours(action)) {
        return SB_DISPOSITION_SIGBRIDGE;
    }
    if (!(action->sa_flags & SA_SIGINFO)) {
        if (action->sa_handler == SIG_DFL) {
            return SB_DISPOSITION_DEFAULT;
        }
        if (action->sa_handler == SIG_IGN) {
            return SB_DISPOSITION_IGNORE;
        }
    }
    return SB_DISPOSITION_OTHER;
}

int sb_platform_disposition(int signo)
{
    struct sigaction current;
    if (!valid_signal(signo) || sigaction(signo, NULL, &current) != 0) {
        return -EINVAL;
    }
    return classify(&current);
}

uintptr_t sb_platform_handler_address(int signo)
{
    struct sigaction current;
    if (!valid_signal(signo) || sigaction(signo, NULL, &current) != 0) {
        return 0;
    }
    return (current.sa_flags & SA_SIGINFO) ? (uintptr_t)current.sa_sigaction
                                           : (uintptr_t)current.sa_handler;
}

static bool on_consumer_thread(void)
{
    return atomic_load(&consumer_known) && pthread_equal(pthread_self(), consumer_thread);
}

void sb_platform_consumer_refresh(void)
{
    if (!on_consumer_thread()) {
        /* A new consumer (the JVM has one; the C tests start several): manage its mask afresh. */
        consumer_thread = pthread_self();
        atomic_store(&consumer_blocked, 0);
        atomic_store(&consumer_takes, 0);
        consumer_generation = atomic_load(&mask_generation) - 1;
#if defined(__linux__)
        atomic_store(&consumer_tid, (long)syscall(SYS_gettid));
#endif
        atomic_store(&consumer_known, true);
    }
    unsigned generation = atomic_load(&mask_generation);
    if (generation == consumer_generation) {
        return; /* the common case: one atomic load before each drain */
    }
    bool wanted[NSIG];
    pthread_mutex_lock(&install_lock);
    generation = atomic_load(&mask_generation);
    memcpy(wanted, installed, sizeof wanted);
    pthread_mutex_unlock(&install_lock);

    sigset_t current, block, unblock;
    if (pthread_sigmask(SIG_BLOCK, NULL, &current) != 0) {
        return;
    }
    sigemptyset(&block);
    sigemptyset(&unblock);
    for (int signo = 1; signo < NSIG && MASKABLE(signo); signo++) {
        uint64_t bit = BIT(signo);
        bool blocked_now = sigismember(&current, signo) == 1;
        bool ours_blocked = (atomic_load(&consumer_blocked) & bit) != 0;
        bool ours_taken = (atomic_load(&consumer_takes) & bit) != 0;
        if (wanted[signo]) {
            if (ours_blocked || ours_taken) {
                continue;
            }
            if (blocked_now) {
                sigaddset(&unblock, signo);
                atomic_fetch_or(&consumer_takes, bit);
            } else {
                sigaddset(&block, signo);
                atomic_fetch_or(&consumer_blocked, bit);
            }
        } else {
            if (ours_blocked) {
                sigaddset(&unblock, signo);
                atomic_fetch_and(&consumer_blocked, ~bit);
            }
            if (ours_taken) {
                sigaddset(&block, signo);
                atomic_fetch_and(&consumer_takes, ~bit);
            }
        }
    }
    pthread_sigmask(SIG_BLOCK, &block, NULL);
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
    consumer_generation = generation;
}

int sb_platform_wait(void)
{
    return sb_wakeup_wait();
}

void sb_platform_wake(void)
{
    sb_wakeup_signal();
}

void sb_platform_stop_waiting(void)
{
    sb_wakeup_stop();
}

/* The default action of a signal, for chaining to a saved SIG_DFL. */
enum default_action { ACTION_IGNORE, ACTION_END, ACTION_STOP };

static enum default_action default_action_of(int signo)
{
    switch (signo) {
    case SIGCHLD:
    case SIGCONT:
    case SIGURG:
    case SIGWINCH:
        return ACTION_IGNORE;
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
    case SIGSTOP:
        return ACTION_STOP;
    default:
        return ACTION_END; /* terminate, or terminate with a core dump */
    }
}

/* Lets the default action happen to this process, then puts our handler back if
 * the process is still here (a stop signal continues; an ending one does not). */
static int take_default_action(int signo)
{
    struct sigaction ours, dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    pthread_mutex_lock(&install_lock);
    if (sigaction(signo, &dfl, &ours) != 0) {
        int err = errno;
        pthread_mutex_unlock(&install_lock);
        return err;
    }
    pthread_mutex_unlock(&install_lock);

    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, signo);
    pthread_sigmask(SIG_UNBLOCK, &only, NULL);
    int rc = raise(signo) == 0 ? 0 : errno;

    pthread_mutex_lock(&install_lock);
    struct sigaction now;
    if (installed[signo] && sigaction(signo, NULL, &now) == 0 && now.sa_handler == SIG_DFL &&
        !(now.sa_flags & SA_SIGINFO)) {
        sigaction(signo, &ours, NULL);
    }
    pthread_mutex_unlock(&install_lock);
    return rc;
}

int sb_platform_chain(const sb_event *event)
{
    int signo = event->signo;
    if (!valid_signal(signo)) {
        return EINVAL;
    }
    struct sigaction previous;
    pthread_mutex_lock(&install_lock);
    previous = previous_action[signo];
    pthread_mutex_unlock(&install_lock);

    switch (classify(&previous)) {
    case SB_DISPOSITION_IGNORE:
    case SB_DISPOSITION_SIGBRIDGE: /* cannot happen: we never save ourselves */
        return 0;
    case SB_DISPOSITION_DEFAULT:
        return default_action_of(signo) == ACTION_IGNORE ? 0 : take_default_action(signo);
    default:
        break;
    }
    if (previous.sa_flags & SA_SIGINFO) {
        siginfo_t info;
        memset(&info, 0, sizeof info);
        info.si_signo = signo;
        info.si_code = event->code;
        if (event->flags & SB_EVENT_HAS_SENDER) {
            info.si_pid = (pid_t)event->pid;
            info.si_uid = (uid_t)event->uid;
        }
        if (event->flags & SB_EVENT_HAS_VALUE) {
            info.si_value.sival_int = event->value;
        }
        /* The JVM's UserHandler (HUP, INT, TERM) only posts to its Signal Dispatcher
         * thread, so calling it on an ordinary thread is what it expects. There is no
         * ucontext outside signal context. */
        previous.sa_sigaction(signo, &info, NULL);
    } else {
        previous.sa_handler(signo);
    }
    return 0;
}

/* --- last gasp ----------------------------------------------------------------------- */

static bool previous_default_ends_process(int signo)
{
    const struct sigaction *p = &previous_action[signo];
    return !(p->sa_flags & SA_SIGINFO) && p->sa_handler == SIG_DFL &&
           default_action_of(signo) == ACTION_END;
}

int sb_platform_set_synchronous(int signo, int mode)
{
    if (!valid_signal(signo)) {
        return EINVAL;
    }
    pthread_mutex_lock(&install_lock);
    int on = mode == SB_SYNC_ALWAYS ||
             (mode == SB_SYNC_IF_PREVIOUS_ENDS && installed[signo] &&
              previous_default_ends_process(signo));
    atomic_store_explicit(&sync_enabled[signo], on, memory_order_release);
    pthread_mutex_unlock(&install_lock);
    return 0;
}

void sb_platform_set_sync_grace_millis(int32_t millis)
{
    atomic_store(&sync_grace_millis, millis > 0 ? millis : 0);
}

void sb_platform_complete(int signo, uint64_t ticket)
{
    if (!valid_signal(signo)) {
        return;
    }
    uint64_t seen = atomic_load(&sync_completed[signo]);
    while (seen < ticket && !atomic_compare_exchange_weak(&sync_completed[signo], &seen, ticket)) {
        /* seen was reloaded: retry until ours or a later ticket is recorded */
    }
}

/*
 * Signal context. Waits with nanosleep (async-signal-safe) until the Java handlers of this
 * delivery completed or the grace ran out, then puts the previous action back and lets it
 * take effect. On the dispatcher thread itself nothing can complete the ticket, so it does
 * not wait: the Java handlers of that delivery never run, and the process ends as before.
 */
static void last_gasp(int signo, siginfo_t *info, void *context, uint64_t ticket)
{
    /* Once the dispatcher stopped (the JVM is ending) no Java handler will run: die at once,
     * as without sigbridge, rather than after the grace with the JVM's exit status. */
    if (!on_consumer_thread() && !sb_wakeup_stopped()) {
        int64_t deadline = sb_clock_nanos() + (int64_t)atomic_load(&sync_grace_millis) * 1000000;
        while (atomic_load_explicit(&sync_completed[signo], memory_order_acquire) < ticket &&
               sb_clock_nanos() < deadline) {
            struct timespec pause = {0, 200000};
            nanosleep(&pause, NULL);
        }
    }
    struct sigaction previous = previous_action[signo];
    sigaction(signo, &previous, NULL);
    switch (classify(&previous)) {
    case SB_DISPOSITION_DEFAULT:
        if (default_action_of(signo) == ACTION_END) {
            /* Blocked while this handler runs: delivered, with SIG_DFL, as soon as it returns. */
            raise(signo);
        }
        return;
    case SB_DISPOSITION_IGNORE:
        return;
    default:
        if (previous.sa_flags & SA_SIGINFO) {
            previous.sa_sigaction(signo, info, context);
        } else {
            previous.sa_handler(signo);
        }
        return;
    }
}

int sb_platform_raise(int signo)
{
    if (!valid_signal(signo)) {
        return EINVAL;
    }
    /* raise(3) targets the calling thread: on the consumer, where we keep our signals blocked
     * (a handler that raises), unblock it for the call so that it is delivered now. */
    sigset_t only, previous;
    bool unblocked = false;
    if (MASKABLE(signo) && (atomic_load(&consumer_blocked) & BIT(signo)) && on_consumer_thread()) {
        sigemptyset(&only);
        sigaddset(&only, signo);
        unblocked = pthread_sigmask(SIG_UNBLOCK, &only, &previous) == 0;
    }
    int rc = raise(signo) == 0 ? 0 : errno;
    if (unblocked) {
        pthread_sigmask(SIG_SETMASK, &previous, NULL);
    }
    return rc;
}

int sb_platform_kill(int64_t pid, int signo)
{
    if (pid <= 0 || pid > INT32_MAX) {
        return EINVAL; /* 0 and negatives address groups or everyone: never through this call */
    }
    return kill((pid_t)pid, signo) == 0 ? 0 : errno;
}

int sb_platform_sigqueue(int64_t pid, int signo, int value)
{
    if (pid <= 0 || pid > INT32_MAX) {
        return EINVAL;
    }
#if defined(__APPLE__)
    (void)signo;
    (void)value;
    return ENOTSUP;
#else
    union sigval sv;
    sv.sival_int = value;
    return sigqueue((pid_t)pid, signo, sv) == 0 ? 0 : errno;
#endif
}

int sb_platform_kill_group(int64_t pgid, int signo)
{
    if (pgid <= 1 || pgid > INT32_MAX) {
        return EINVAL; /* kill(-1) would signal every process we may signal */
    }
    return killpg((pid_t)pgid, signo) == 0 ? 0 : errno;
}

void sb_platform_error_text(int code, char *buffer, size_t size)
{
    if (size == 0) {
        return;
    }
    const char *text = strerror(code);
    strncpy(buffer, text != NULL ? text : "unknown error", size - 1);
    buffer[size - 1] = '\0';
}
