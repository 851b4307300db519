/*
 * sb_signals.c - the POSIX backend: sigaction with SA_SIGINFO, the handler, the
 * saved previous actions, chaining, and sending.
 *
 * The handler keeps the async-signal-safety rules: it saves and restores errno,
 * touches only the lock-free ring and atomic counters (sb_core_capture) and
 * wakes the dispatcher (sb_wakeup_signal: atomics, a futex wake). No malloc, no locks, no
 * stdio, no JNI. Everything else in this file runs on ordinary threads, with
 * install/uninstall serialised by one mutex; a last gasp, in signal context, changes
 * the action too, under the async-signal-safe half of that lock (lock_actions below).
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
 * Who may change the action of a signal we installed: ordinary threads (install, uninstall,
 * take_default_action) and a last gasp in signal context, which puts the previous action in
 * place and, when the process outlives it, ours back. A handler cannot take a mutex (the
 * thread it interrupted may hold it), so the lock has two halves: ordinary threads queue on
 * install_lock, then block the asynchronous signals on themselves and take `action_busy`, a
 * spin flag; a handler blocks them too and takes only the flag. No thread is ever interrupted
 * by a handler while it holds the flag, so the spinning (with nanosleep) always ends. The
 * synchronous faults stay unblocked (JDK-8252533): HotSpot must take those at any time.
 * installed[] and previous_action[] change only under both halves; readers on ordinary
 * threads take install_lock alone.
 */
static atomic_flag action_busy = ATOMIC_FLAG_INIT;

static void block_asynchronous_signals(sigset_t *saved)
{
    sigset_t all;
    sigfillset(&all);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGFPE);
    sigdelset(&all, SIGILL);
    sigdelset(&all, SIGTRAP);
    pthread_sigmask(SIG_BLOCK, &all, saved);
}

/* Signal context, or an ordinary thread holding install_lock. */
static void take_action_flag(sigset_t *saved)
{
    block_asynchronous_signals(saved);
    while (atomic_flag_test_and_set_explicit(&action_busy, memory_order_acquire)) {
        struct timespec pause = {0, 20000};
        nanosleep(&pause, NULL);
    }
}

static void drop_action_flag(const sigset_t *saved)
{
    atomic_flag_clear_explicit(&action_busy, memory_order_release);
    pthread_sigmask(SIG_SETMASK, saved, NULL);
}

static void lock_actions(sigset_t *saved)
{
    pthread_mutex_lock(&install_lock);
    take_action_flag(saved);
}

static void unlock_actions(const sigset_t *saved)
{
    drop_action_flag(saved);
    pthread_mutex_unlock(&install_lock);
}

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
static atomic_int consumer_pid; /* the process the consumer lives in: a forked child has none */
static pthread_t consumer_thread;
#if defined(__linux__)
static _Atomic(long) consumer_tid; /* the consumer's kernel thread id, for the handler */
#endif
static _Atomic(uint64_t) consumer_blocked; /* blocked on the consumer by us */
static _Atomic(uint64_t) consumer_takes;   /* found blocked, unblocked by us: the consumer takes it */
static atomic_uint mask_generation;
static unsigned consumer_generation;
#define MASKABLE(signo) ((signo) >= 1 && (signo) <= 64)
#define BIT(signo) (UINT64_C(1) << ((signo) - 1))

/* Last-gasp state, read in signal context: atomics only. */
static atomic_int sync_mode[NSIG];        /* SB_SYNC_*: kept whether installed or not */
static atomic_bool previous_ends[NSIG];   /* the saved action is a SIG_DFL that ends the process */
static _Atomic(uint64_t) sync_issued[NSIG];
static _Atomic(uint64_t) sync_completed[NSIG];
static _Atomic(uint64_t) completions; /* every sb_platform_complete: the dispatcher moves */
static atomic_int sync_grace_millis = 3000;
#if defined(__linux__)
/* The consumer's CPU-time clock: a waiting last gasp reads it (clock_gettime is
 * async-signal-safe) to tell a dispatcher that runs from one that is blocked. */
static atomic_int consumer_cpu_clock;
static atomic_bool consumer_cpu_clock_known;
#endif

static void last_gasp(int signo, siginfo_t *info, void *context, uint64_t ticket);
static bool default_that_ends(int signo, const struct sigaction *action);
static bool on_consumer_thread(void);
#if defined(__linux__)
static bool chained_redelivery(int signo, siginfo_t *info, void *context);
#endif

static bool sent_by_a_process(int signo, const siginfo_t *info)
{
    if (signo == SIGCHLD) {
        return true; /* si_pid/si_uid describe the child */
    }
#if defined(__linux__)
    /* SI_USER, SI_QUEUE, SI_TKILL, SI_MESGQ, SI_ASYNCIO: a process sent it. Not a timer's
     * (SI_TIMER: the union holds the timer id and overrun where si_pid/si_uid would be) nor
     * SI_SIGIO's (band and fd there). */
    return info->si_code <= 0 && info->si_code != SI_TIMER && info->si_code != SI_SIGIO;
#elif defined(__APPLE__)
    /* XNU (bsd/kern/kern_sig.c, psignal_internal) writes si_code 0, not SI_USER, and the pid of
     * the process whose call posted it, for kill and pthread_kill alike; the kernel's own
     * (kernel_task) leave pid 0. One slot per process: a later sender may overwrite it. */
    return (info->si_code == 0 && info->si_pid > 0) || info->si_code == SI_USER;
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
#if defined(__linux__)
    if (chained_redelivery(signo, info, context)) {
        errno = saved_errno;
        return;
    }
#endif
    sb_event event = {0};
    event.signo = signo;
    event.source = SB_SOURCE_SIGNAL;
    event.nanos = sb_clock_nanos();
    event.tid = current_thread_id();
    int mode = atomic_load_explicit(&sync_mode[signo], memory_order_acquire);
    bool sync = mode == SB_SYNC_ALWAYS ||
                (mode == SB_SYNC_IF_PREVIOUS_ENDS &&
                 atomic_load_explicit(&previous_ends[signo], memory_order_acquire));
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
#if defined(__linux__)
        if (info->si_code == SI_TIMER) {
            event.flags |= SB_EVENT_HAS_OVERRUN;
            event.overrun = info->si_overrun;
        }
#endif
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

static struct sigaction our_action(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_signal;
    /* SA_ONSTACK: a Go c-shared library in the process runs handlers on its own
     * alternate stack and crashes without it. The mask stays empty: never block
     * the JVM's SEGV/BUS/FPE/ILL through sa_mask (JDK-8252533). */
    action.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    return action;
}

/* The one handler field of an action (sa_handler and sa_sigaction share it), as a number. */
static uintptr_t handler_value(const struct sigaction *action)
{
    return (action->sa_flags & SA_SIGINFO) ? (uintptr_t)action->sa_sigaction
                                           : (uintptr_t)action->sa_handler;
}

/* The same handler (the kernel reports flags back with additions such as SA_RESTORER). */
static bool same_handler(const struct sigaction *a, const struct sigaction *b)
{
    if ((a->sa_flags & SA_SIGINFO) != (b->sa_flags & SA_SIGINFO)) {
        return false;
    }
    return (a->sa_flags & SA_SIGINFO) ? a->sa_sigaction == b->sa_sigaction
                                      : a->sa_handler == b->sa_handler;
}

/*
 * fork() without exec: the child is a copy of one thread, without the dispatcher. Our handlers
 * would capture its signals into a ring nobody drains, and its abort() would wait the whole
 * grace for Java that cannot run. So the child gets back, for every signal we installed, the
 * action it would have had without sigbridge (the JVM's, SIG_IGN, SIG_DFL), and the forking
 * thread's mask loses what the consumer changed on itself. The lock is held across the fork, so
 * the copy is consistent and no other thread's half-done install can be left in it. The child
 * side keeps to async-signal-safe calls (the parent had other threads).
 */
static sigset_t fork_saved_mask;

static void before_fork(void)
{
    lock_actions(&fork_saved_mask);
}

static void after_fork_in_parent(void)
{
    unlock_actions(&fork_saved_mask);
}

static void after_fork_in_child(void)
{
    for (int signo = 1; signo < NSIG; signo++) {
        if (!installed[signo]) {
            continue;
        }
        struct sigaction current;
        if (sigaction(signo, NULL, &current) == 0 && is_ours(&current)) {
            sigaction(signo, &previous_action[signo], NULL);
        }
        installed[signo] = false;
        atomic_store(&sync_mode[signo], SB_SYNC_OFF);
    }
    sigset_t mask = fork_saved_mask;
    if (on_consumer_thread()) {
        for (int signo = 1; signo < NSIG && MASKABLE(signo); signo++) {
            if (atomic_load(&consumer_blocked) & BIT(signo)) {
                sigdelset(&mask, signo);
            }
            if (atomic_load(&consumer_takes) & BIT(signo)) {
                sigaddset(&mask, signo);
            }
        }
    }
    atomic_store(&consumer_known, false); /* consumer_pid stays the parent's: see last_gasp */
#if defined(__linux__)
    atomic_store(&consumer_tid, 0);
#endif
    atomic_store(&consumer_blocked, 0);
    atomic_store(&consumer_takes, 0);
    atomic_fetch_add(&mask_generation, 1);
    unlock_actions(&mask);
}

static pthread_once_t fork_handlers_once = PTHREAD_ONCE_INIT;
static int fork_handlers_rc;

static void register_fork_handlers(void)
{
    fork_handlers_rc = pthread_atfork(before_fork, after_fork_in_parent, after_fork_in_child);
}

int sb_platform_init(uint32_t ring_capacity)
{
    int rc = sb_core_init(ring_capacity);
    if (rc == 0) {
        rc = sb_wakeup_init();
    }
    if (rc == 0) {
        pthread_once(&fork_handlers_once, register_fork_handlers);
        rc = fork_handlers_rc;
    }
    return rc;
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
    sigset_t saved;
    lock_actions(&saved);
    if (!installed[signo]) {
        /* Whether a delivery is a last gasp must be known before our handler can take the first
         * one (an abort() right after the install): decide it from the action about to be saved. */
        struct sigaction before;
        if (sigaction(signo, NULL, &before) == 0) {
            atomic_store_explicit(&previous_ends[signo], default_that_ends(signo, &before),
                                  memory_order_release);
        }
        struct sigaction action = our_action();
        if (sigaction(signo, &action, &previous_action[signo]) == 0) {
            installed[signo] = true;
            atomic_store_explicit(&previous_ends[signo],
                                  default_that_ends(signo, &previous_action[signo]),
                                  memory_order_release);
            atomic_fetch_add(&mask_generation, 1);
        } else {
            rc = errno;
        }
    }
    unlock_actions(&saved);
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
    sigset_t saved;
    lock_actions(&saved);
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
        } else if (same_handler(&current, &previous_action[signo])) {
            /* A last gasp in progress put the saved action in place (it puts ours back only
             * while installed[] says so): that is what closing restores anyway. */
            installed[signo] = false;
            *outcome = SB_UNINSTALL_RESTORED;
        } else {
            installed[signo] = false;
            *outcome = SB_UNINSTALL_LEFT_THEIRS;
        }
        if (!installed[signo]) {
            atomic_fetch_add(&mask_generation, 1);
        }
    }
    unlock_actions(&saved);
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
    /* Whatever SA_SIGINFO says: HotSpot's os::signal sets it with SIG_DFL or SIG_IGN when
     * sun.misc.Signal puts a default back, and the kernel then takes the default or ignores. */
    if (handler_value(action) == (uintptr_t)SIG_DFL) {
        return SB_DISPOSITION_DEFAULT;
    }
    if (handler_value(action) == (uintptr_t)SIG_IGN) {
        return SB_DISPOSITION_IGNORE;
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
    return handler_value(&current);
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
        atomic_store(&consumer_pid, (int)getpid());
#if defined(__linux__)
        clockid_t cpu_clock;
        bool clock_known = pthread_getcpuclockid(pthread_self(), &cpu_clock) == 0;
        if (clock_known) {
            atomic_store(&consumer_cpu_clock, (int)cpu_clock);
        }
        atomic_store(&consumer_cpu_clock_known, clock_known);
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
#if defined(__APPLE__)
    case SIGIO: /* on Linux it ends the process; on macOS it and SIGINFO do nothing (XNU's sigprop) */
    case SIGINFO:
#endif
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

static bool default_that_ends(int signo, const struct sigaction *action)
{
    return classify(action) == SB_DISPOSITION_DEFAULT && default_action_of(signo) == ACTION_END;
}

/* Lets the default action happen to this process, then puts our handler back if
 * the process is still here (a stop signal continues; an ending one does not). */
static int take_default_action(int signo)
{
    struct sigaction ours, dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigset_t saved;
    lock_actions(&saved);
    if (sigaction(signo, &dfl, &ours) != 0) {
        int err = errno;
        unlock_actions(&saved);
        return err;
    }
    unlock_actions(&saved);

    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, signo);
    pthread_sigmask(SIG_UNBLOCK, &only, NULL);
    int rc = raise(signo) == 0 ? 0 : errno;

    lock_actions(&saved);
    struct sigaction now;
    if (installed[signo] && sigaction(signo, NULL, &now) == 0 && now.sa_handler == SIG_DFL &&
        !(now.sa_flags & SA_SIGINFO)) {
        sigaction(signo, &ours, NULL);
    }
    unlock_actions(&saved);
    return rc;
}

#if !defined(__linux__)
/* The siginfo of the original delivery, as far as the event kept it. */
static siginfo_t siginfo_of(const sb_event *event)
{
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = event->signo;
    info.si_code = event->code;
    if (event->flags & SB_EVENT_HAS_SENDER) {
        info.si_pid = (pid_t)event->pid;
        info.si_uid = (uid_t)event->uid;
    }
    if (event->flags & SB_EVENT_HAS_VALUE) {
        info.si_value.sival_int = event->value;
    }
    return info;
}
#endif

#if defined(__linux__)
/*
 * Chain.PREVIOUS to a previous handler: it was installed as a signal handler and may rely on
 * that (an SA_SIGINFO handler reads the ucontext: Go's reads the interrupted PC, crash reporters
 * the registers; calling it from the dispatcher with NULL crashes the JVM). So the dispatcher
 * re-delivers the signal to this process with sigqueue and a value that says "chain": the thread
 * the kernel picks (never the dispatcher, which blocks it, unless every other thread blocks it)
 * runs our handler, which recognises it, hands the previous handler the original delivery's
 * siginfo with its own, real ucontext, and captures nothing. One re-delivery per signal is in
 * flight: the dispatcher waits until the handler has taken the original siginfo from the
 * mailbox. A standard signal already pending merges with the re-delivery (the kernel keeps one):
 * the dispatcher sends again until one is taken, and the handler drops a late duplicate.
 */
typedef struct chain_mailbox {
    _Atomic(uint64_t) sent;  /* sequence of the last re-delivery (dispatcher only) */
    _Atomic(uint64_t) taken; /* sequence the handler took */
    atomic_int code, pid, uid, value, flags;
} chain_mailbox;
static chain_mailbox chain_box[NSIG];
static atomic_int chain_cookie; /* high 16 bits of every re-delivery's value, never 0 */
#define CHAIN_SEQUENCE_MASK 0xffff

static int chain_value(uint64_t sequence)
{
    return (int)(((uint32_t)atomic_load(&chain_cookie) & 0xffff0000u) |
                 ((uint32_t)sequence & CHAIN_SEQUENCE_MASK));
}

/* Signal context. Whether this delivery is a re-delivery for Chain.PREVIOUS; if so, it has
 * been handled (the previous handler called, or a late duplicate dropped). */
static bool chained_redelivery(int signo, siginfo_t *info, void *context)
{
    if (info == NULL || info->si_code != SI_QUEUE || info->si_pid != getpid()) {
        return false;
    }
    int cookie = atomic_load(&chain_cookie);
    chain_mailbox *box = &chain_box[signo];
    uint64_t sent = atomic_load_explicit(&box->sent, memory_order_acquire);
    int value = info->si_value.sival_int;
    if (cookie == 0 || sent == 0 ||
        ((uint32_t)value & 0xffff0000u) != ((uint32_t)cookie & 0xffff0000u)) {
        return false; /* somebody's own sigqueue to this process */
    }
    uint64_t taken = atomic_load_explicit(&box->taken, memory_order_acquire);
    if (value != chain_value(sent) || taken >= sent) {
        return true; /* a duplicate of a re-delivery already taken */
    }
    siginfo_t original = *info;
    original.si_code = atomic_load(&box->code);
    int flags = atomic_load(&box->flags);
    original.si_pid = (flags & SB_EVENT_HAS_SENDER) ? (pid_t)atomic_load(&box->pid) : 0;
    original.si_uid = (flags & SB_EVENT_HAS_SENDER) ? (uid_t)atomic_load(&box->uid) : 0;
    original.si_value.sival_int = (flags & SB_EVENT_HAS_VALUE) ? atomic_load(&box->value) : 0;
    struct sigaction previous = previous_action[signo]; /* stable while installed */
    atomic_store_explicit(&box->taken, sent, memory_order_release);
    if (classify(&previous) != SB_DISPOSITION_OTHER) {
        /* the dispatcher takes SIG_DFL's action itself and never re-delivers for SIG_IGN */
    } else if (previous.sa_flags & SA_SIGINFO) {
        previous.sa_sigaction(signo, &original, context);
    } else {
        previous.sa_handler(signo);
    }
    return true;
}

static int chain_in_signal_context(const sb_event *event)
{
    int signo = event->signo;
    if (atomic_load(&chain_cookie) == 0) {
        /* Once per process: arbitrary but not guessable by accident, and never 0. */
        uint32_t seed = (uint32_t)sb_clock_nanos() ^ ((uint32_t)getpid() << 16);
        atomic_store(&chain_cookie, (int)((seed & 0x7fff0000u) | 0x40000000u));
    }
    chain_mailbox *box = &chain_box[signo];
    atomic_store(&box->code, event->code);
    atomic_store(&box->pid, event->pid);
    atomic_store(&box->uid, event->uid);
    atomic_store(&box->value, event->value);
    atomic_store(&box->flags, event->flags);
    uint64_t sequence = atomic_load(&box->sent) + 1;
    atomic_store_explicit(&box->sent, sequence, memory_order_release);
    union sigval value;
    value.sival_int = chain_value(sequence);
    bool queues = signo >= SIGRTMIN; /* a real-time signal is queued, never merged */
    int64_t deadline = sb_clock_nanos() + 2000000000;
    int64_t resend_at = 0;
    for (;;) {
        int64_t now = sb_clock_nanos();
        if (atomic_load_explicit(&box->taken, memory_order_acquire) >= sequence) {
            return 0;
        }
        if (now >= deadline) {
            return ETIMEDOUT;
        }
        if (now >= resend_at) {
            if (sigqueue(getpid(), signo, value) == 0) {
                resend_at = queues ? deadline : now + 20000000; /* standard: merged? send again */
            } else if (errno == EAGAIN) {
                resend_at = now + 1000000; /* the queue of pending signals is full: soon again */
            } else {
                return errno;
            }
        }
        struct timespec pause = {0, 100000};
        nanosleep(&pause, NULL);
    }
}
#endif

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
#if defined(__linux__)
    return chain_in_signal_context(event);
#else
    /* No sigqueue to re-deliver with: called here, outside signal context, without a ucontext
     * (a handler that reads one, such as Go's, must not be chained to on this platform). */
    siginfo_t info = siginfo_of(event);
    if (previous.sa_flags & SA_SIGINFO) {
        previous.sa_sigaction(signo, &info, NULL);
    } else {
        previous.sa_handler(signo);
    }
    return 0;
#endif
}

/* --- last gasp ----------------------------------------------------------------------- */

/* The mode is kept whether the signal is installed or not, so that it can be set before the
 * install: a signal is never ours without its mode (ABRT is a last gasp from the first delivery). */
int sb_platform_set_synchronous(int signo, int mode)
{
    if (!valid_signal(signo) || mode < SB_SYNC_OFF || mode > SB_SYNC_IF_PREVIOUS_ENDS) {
        return EINVAL;
    }
    atomic_store_explicit(&sync_mode[signo], mode, memory_order_release);
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
    atomic_fetch_add(&completions, 1);
    uint64_t seen = atomic_load(&sync_completed[signo]);
    while (seen < ticket && !atomic_compare_exchange_weak(&sync_completed[signo], &seen, ticket)) {
        /* seen was reloaded: retry until ours or a later ticket is recorded */
    }
}

/* PID 1, also of a PID namespace (a container): the kernel discards, at delivery, every signal
 * whose action is SIG_DFL (bar KILL and STOP), so the default action of ours never happens. */
static bool default_actions_discarded(void)
{
    return getpid() == 1;
}

/*
 * Signal context: after the wait, the previous action takes effect, and when the process is
 * still here afterwards, ours is back, as take_default_action does it outside signal context:
 * under the action lock, only if the action installed is still the one put there for this
 * (nobody replaced it, nobody closed the last registration meanwhile), installed[] unchanged.
 * Survivors are not rare: a SIG_IGN inherited for ABRT (`trap '' ABRT`), a previous handler
 * that returns, and every SIG_DFL in a process the kernel protects (PID 1 of a container
 * discards a signal whose action is SIG_DFL).
 */
static void let_previous_action_act(int signo, siginfo_t *info, void *context)
{
    sigset_t saved;
    take_action_flag(&saved);
    struct sigaction previous = previous_action[signo];
    struct sigaction current;
    bool ours_now = sigaction(signo, NULL, &current) == 0 && is_ours(&current);
    switch (classify(&previous)) {
    case SB_DISPOSITION_DEFAULT:
        if (default_action_of(signo) == ACTION_END && !default_actions_discarded()) {
            if (ours_now) {
                sigaction(signo, &previous, NULL);
            }
            /* Blocked while this handler runs: delivered, with SIG_DFL, as soon as it returns. */
            raise(signo);
        }
        drop_action_flag(&saved);
        return;
    case SB_DISPOSITION_IGNORE:
        drop_action_flag(&saved); /* ignoring it is what SIG_IGN would have done; ours stays */
        return;
    default:
        break;
    }
    if (ours_now) {
        sigaction(signo, &previous, NULL); /* the previous handler may re-raise under itself */
    }
    drop_action_flag(&saved);
    if (previous.sa_flags & SA_SIGINFO) {
        previous.sa_sigaction(signo, info, context);
    } else {
        previous.sa_handler(signo);
    }
    take_action_flag(&saved);
    if (ours_now && installed[signo] && sigaction(signo, NULL, &current) == 0 &&
        same_handler(&current, &previous)) {
        struct sigaction ours = our_action();
        sigaction(signo, &ours, NULL);
    }
    drop_action_flag(&saved);
}

/* --- waiting for Java, in signal context ---------------------------------------------- */

/* stderr, with write(2) only: the one way a handler can say why it stopped waiting. */
static void say(const char *text)
{
    size_t n = strlen(text);
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, text, n);
        if (w <= 0) {
            return;
        }
        text += w;
        n -= (size_t)w;
    }
}

static void say_number(int64_t value)
{
    char digits[24];
    int at = (int)sizeof digits - 1;
    digits[at] = '\0';
    uint64_t v = value < 0 ? (uint64_t)-value : (uint64_t)value;
    do {
        digits[--at] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0 && at > 1);
    if (value < 0) {
        digits[--at] = '-';
    }
    say(&digits[at]);
}

/* The consumer's CPU time in nanoseconds, or -1 where it cannot be read. */
static int64_t consumer_cpu_nanos(void)
{
#if defined(__linux__)
    struct timespec ts;
    if (atomic_load(&consumer_cpu_clock_known) &&
        clock_gettime((clockid_t)atomic_load(&consumer_cpu_clock), &ts) == 0) {
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    }
#endif
    return -1;
}

/* Everything of the dispatcher's that a waiting last gasp can see move. */
typedef struct dispatcher_progress {
    uint64_t drained;
    uint64_t completions;
    int64_t cpu;
    bool known;
} dispatcher_progress;

static dispatcher_progress progress_now(void)
{
    dispatcher_progress p;
    p.drained = sb_core_drained();
    p.completions = atomic_load(&completions);
    p.cpu = consumer_cpu_nanos();
    p.known = atomic_load(&consumer_known);
    return p;
}

/* A third of the grace, at least 250 ms (or the grace, when that is shorter). */
static int64_t stall_window_nanos(int64_t grace_nanos)
{
    int64_t floor = grace_nanos < 250000000 ? grace_nanos : 250000000;
    return grace_nanos / 3 > floor ? grace_nanos / 3 : floor;
}

static void say_about(int signo, const char *what)
{
    say("sigbridge: last gasp of signal ");
    say_number(signo);
    say(what);
}

/*
 * Waits with nanosleep (async-signal-safe) until the Java handlers of this delivery completed,
 * the grace ran out, or the dispatcher stopped moving: it did not drain, complete or use any CPU
 * for a third of the grace. A dispatcher that does not run at all is blocked, most likely on
 * something this very thread holds or delays (glibc's heap lock when abort() came from inside
 * malloc; a safepoint this thread, parked in Java code, never reaches): waiting longer would
 * only freeze the JVM for the rest of the grace, for nothing. While the dispatcher has not
 * started yet it counts as moving. The reason it stopped early goes to stderr.
 */
static void wait_for_java(int signo, uint64_t ticket)
{
    int64_t grace = (int64_t)atomic_load(&sync_grace_millis) * 1000000;
    int64_t start = sb_clock_nanos();
    int64_t stall = stall_window_nanos(grace);
    int64_t last_move = start;
    dispatcher_progress seen = progress_now();
    for (;;) {
        if (atomic_load_explicit(&sync_completed[signo], memory_order_acquire) >= ticket) {
            return;
        }
        int64_t now = sb_clock_nanos();
        if (now - start >= grace) {
            say_about(signo, ": the Java handlers did not finish within the grace of ");
            say_number(grace / 1000000);
            say(" ms\n");
            return;
        }
        if (now - last_move >= stall) {
            say_about(signo, ": the dispatcher thread made no progress for ");
            say_number((now - last_move) / 1000000);
            say(" ms (blocked, perhaps on a lock this thread holds or at a safepoint it delays);"
                " not waiting the rest of the grace\n");
            return;
        }
        struct timespec pause = {0, 200000};
        nanosleep(&pause, NULL);
        dispatcher_progress p = progress_now();
        if (!p.known || p.drained != seen.drained || p.completions != seen.completions ||
            p.cpu != seen.cpu) {
            last_move = sb_clock_nanos();
        }
        seen = p;
    }
}

/* Whether some other thread of this process can complete a ticket: not on the consumer itself,
 * and not in a forked child, whose consumer is the parent's. A consumer not known yet (the
 * dispatcher thread is starting) will come. */
static bool a_consumer_may_complete(void)
{
    int pid = atomic_load(&consumer_pid);
    return !on_consumer_thread() && (pid == 0 || pid == (int)getpid());
}

/*
 * Signal context. Waits for the Java handlers of this delivery (wait_for_java), then lets the
 * previous action take effect. On the dispatcher thread itself nothing can complete the
 * ticket, so it does not wait: the Java handlers of that delivery never run, and the process
 * ends as before. Nor in a forked child, nor once the dispatcher stopped at the JVM's end.
 */
static void last_gasp(int signo, siginfo_t *info, void *context, uint64_t ticket)
{
    /* Once the dispatcher stopped (the JVM is ending) no Java handler will run: die at once,
     * as without sigbridge, rather than after the grace with the JVM's exit status. */
    if (a_consumer_may_complete() && !sb_wakeup_stopped()) {
        wait_for_java(signo, ticket);
    }
    let_previous_action_act(signo, info, context);
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
