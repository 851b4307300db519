/*
 * sb_signals.c - the Windows backend: one console control routine, the C runtime's signals,
 * the dispatcher's wake-up event and sending console events.
 *
 * Console: SetConsoleCtrlHandler(on_console) is called once, in sb_platform_init, and never
 * again (adding or removing a handler from inside a handler deadlocks, libuv PR #1168). It is
 * registered after the JVM's own routine, so it runs first; what it does with each event type
 * is a mode the Java side sets (sb_windows_console_mode). Windows runs the routine on a
 * thread it creates (CtrlRoutine): ordinary thread context, so it may lock and wait.
 *
 * CRT: signal()/raise() of the C runtime this DLL links (msvcrt). The CRT resets a handler to
 * SIG_DFL before calling it, so on_crt_signal puts itself back first, as HotSpot does. Until it
 * has, another thread's raise would take the default (_exit(3)): sigbridge's own raises hold
 * crt_lock from raise() until the handler is back (issue 13). SEGV, ILL and FPE are exception
 * filters in the CRT (a returning handler re-runs the faulting instruction forever) and the
 * JVM needs them: refused.
 *
 * The hidden window (sb_window.c) uses the capture, the tickets and the modes kept here
 * (sb_windows_internal.h).
 */
#include "../core/sb_platform.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "../core/sb_core.h"
#include "sb_windows.h"
#include "sb_windows_internal.h"

#ifndef SIGBREAK
#define SIGBREAK 21
#endif
#define CRT_NSIG 23 /* msvcrt's NSIG */

typedef void(__cdecl *crt_handler)(int);

static SRWLOCK lock = SRWLOCK_INIT;           /* installs, modes and acknowledgements */
/* msvcrt's handler table: every signal() of ours, and our raise() until the handler is back.
 * Taken after `lock` when both are needed; never held while waiting for Java. */
static SRWLOCK crt_lock = SRWLOCK_INIT;
static DWORD raising_tls = TLS_OUT_OF_INDEXES; /* non-NULL: this thread holds crt_lock in raise */
static CONDITION_VARIABLE handled_cv = CONDITION_VARIABLE_INIT;
static HANDLE wake_event;                     /* auto-reset: the dispatcher waits on it */
static DWORD pass_tls = TLS_OUT_OF_INDEXES;   /* console type + 1 the routine passed on */
static volatile LONG initialised;
static volatile LONG dispatcher_thread;       /* id of the thread in sb_platform_wait */
static volatile LONG grace_millis = SB_GRACE_DEFAULT_MILLIS;      /* console routine */
static volatile LONG sync_grace_millis = 3000;                   /* last gasps (SIGABRT) */
static volatile LONG sync_mode[CRT_NSIG];                        /* SB_SYNC_* per CRT signal */

static crt_handler previous_handler[CRT_NSIG];
static volatile LONG installed[CRT_NSIG];
static volatile LONG console_mode[SB_CONSOLE_TYPES];

/* Tickets of awaited captures, per slot: taken by the capturer, acknowledged by Java. */
static volatile LONG64 next_ticket[SB_MAX_SLOTS];
static uint64_t done_ticket[SB_MAX_SLOTS];
static int done_consumed[SB_MAX_SLOTS];

static void __cdecl on_crt_signal(int sig);

static bool crt_signal_supported(int sig)
{
    return sig == SIGINT || sig == SIGTERM || sig == SIGBREAK || sig == SIGABRT;
}

static bool console_type_valid(int type)
{
    return type == CTRL_C_EVENT || type == CTRL_BREAK_EVENT || type == CTRL_CLOSE_EVENT ||
           type == CTRL_LOGOFF_EVENT || type == CTRL_SHUTDOWN_EVENT;
}

static bool is_console_slot(int slot)
{
    return slot >= SB_CONSOLE_SLOT_BASE && slot < SB_CONSOLE_SLOT_BASE + SB_CONSOLE_TYPES &&
           console_type_valid(slot - SB_CONSOLE_SLOT_BASE);
}

/* Waits until Java acknowledged `ticket` of `slot` or `grace` ms passed. Returns whether the
 * event was consumed; on time-out, `otherwise`. */
int sb_win_await_handled(int slot, uint64_t ticket, LONG grace, int otherwise)
{
    ULONGLONG deadline = GetTickCount64() + (ULONGLONG)grace;
    int result = otherwise;
    AcquireSRWLockExclusive(&lock);
    for (;;) {
        if (done_ticket[slot] >= ticket) {
            result = done_consumed[slot];
            break;
        }
        ULONGLONG now = GetTickCount64();
        if (now >= deadline) {
            break;
        }
        SleepConditionVariableSRW(&handled_cv, &lock, (DWORD)(deadline - now), 0);
    }
    ReleaseSRWLockExclusive(&lock);
    return result;
}

uint64_t sb_win_take_ticket(int slot)
{
    return (uint64_t)InterlockedIncrement64(&next_ticket[slot]);
}

void sb_win_capture(int slot, int code, uint16_t source, uint64_t ticket)
{
    sb_event event = {0};
    event.signo = slot;
    event.code = code;
    event.source = source;
    event.nanos = sb_clock_nanos();
    event.tid = (int64_t)GetCurrentThreadId();
    if (ticket != 0) {
        event.flags |= SB_EVENT_SYNC;
        event.ticket = ticket;
    }
    sb_core_capture(&event);
    SetEvent(wake_event);
}

/* The JVM's consoleHandler turns CTRL_C into ::raise(SIGINT) in its own C runtime (UCRT),
 * where java.lang.Terminator's handler sits. When we pass a CTRL_C on and the next routine is
 * msvcrt's (which turns console events into its SIGINT, our handler), that is what we do. */
typedef int(__cdecl *crt_raise)(int);

/* raise() of the JVM's C runtime (UCRT), or NULL when it is not loaded or is ours. */
static crt_raise jvm_crt_raise(void)
{
    HMODULE ucrt = GetModuleHandleW(L"ucrtbase.dll");
    FARPROC proc = ucrt != NULL ? GetProcAddress(ucrt, "raise") : NULL;
    if (proc == NULL) {
        return NULL;
    }
    crt_raise r;
    memcpy(&r, &proc, sizeof r);
    return (void *)r == (void *)raise ? NULL : r;
}

static void forward_to_jvm_crt(int sig)
{
    crt_raise r = jvm_crt_raise();
    if (r != NULL) {
        r(sig);
    }
}

/* Ends a raise() of ours that held crt_lock: the handler is back, others may raise again. */
static void release_crt_lock_if_raising(void)
{
    if (raising_tls != TLS_OUT_OF_INDEXES && TlsGetValue(raising_tls) != NULL) {
        TlsSetValue(raising_tls, NULL);
        ReleaseSRWLockExclusive(&crt_lock);
    }
}

/* After the Java handlers of a SIGABRT: what the action before ours does with it, as POSIX
 * re-raises under the saved action. abort() would _exit(3) once we return anyway; a raise() goes
 * the same way, so that raise(ABRT) ends the process on Windows as it does on Linux (134). */
static void take_previous_abrt_action(void)
{
    crt_handler previous = previous_handler[SIGABRT];
    if (previous == SIG_IGN) {
        return;
    }
    if (previous == SIG_DFL || previous == SIG_ERR) {
        _exit(3); /* msvcrt's default for SIGABRT */
    }
    previous(SIGABRT);
}

static void __cdecl on_crt_signal(int sig)
{
    if (sig < 0 || sig >= CRT_NSIG) {
        release_crt_lock_if_raising();
        return;
    }
    if (installed[sig]) {
        signal(sig, on_crt_signal); /* the CRT reset it to SIG_DFL before calling us */
    }
    release_crt_lock_if_raising();
    if ((sig == SIGINT || sig == SIGBREAK) && pass_tls != TLS_OUT_OF_INDEXES) {
        uintptr_t passing = (uintptr_t)TlsGetValue(pass_tls);
        int type = sig == SIGINT ? CTRL_C_EVENT : CTRL_BREAK_EVENT;
        if (passing == (uintptr_t)type + 1) {
            /* msvcrt's console routine, after ours passed this event on: not a new delivery. */
            TlsSetValue(pass_tls, NULL);
            forward_to_jvm_crt(sig);
            return;
        }
    }
    bool last_gasp = sync_mode[sig] == SB_SYNC_ALWAYS;
    uint64_t ticket = 0;
    if (last_gasp && (DWORD)dispatcher_thread != GetCurrentThreadId()) {
        /* A last gasp (SIGABRT: abort() ends the process as soon as this returns): let the
         * Java handlers run first. Not on the dispatcher itself: nobody else could finish. */
        ticket = sb_win_take_ticket(sig);
    }
    sb_win_capture(sig, 0, SB_SOURCE_SIGNAL, ticket);
    if (ticket != 0) {
        sb_win_await_handled(sig, ticket, sync_grace_millis, 0);
    }
    if (last_gasp && sig == SIGABRT) {
        take_previous_abrt_action();
    }
}

static void pass_on(int type)
{
    if (pass_tls != TLS_OUT_OF_INDEXES) {
        TlsSetValue(pass_tls, (LPVOID)((uintptr_t)type + 1));
    }
}

static BOOL WINAPI on_console(DWORD type)
{
    int t = (int)type;
    if (pass_tls != TLS_OUT_OF_INDEXES) {
        TlsSetValue(pass_tls, NULL);
    }
    if (!console_type_valid(t)) {
        return FALSE;
    }
    LONG mode = InterlockedCompareExchange(&console_mode[t], 0, 0);
    if (mode == SB_CONSOLE_OFF || !sb_core_ready()) {
        pass_on(t);
        return FALSE;
    }
    int slot = SB_CONSOLE_SLOT_BASE + t;
    bool immediate = (t == CTRL_C_EVENT || t == CTRL_BREAK_EVENT) && mode == SB_CONSOLE_CONSUME;
    uint64_t ticket = immediate ? 0 : sb_win_take_ticket(slot);
    sb_win_capture(slot, t, SB_SOURCE_CONSOLE, ticket);
    if (immediate) {
        return TRUE;
    }
    /* CLOSE/LOGOFF/SHUTDOWN: Windows ends the process when this returns. CHAIN: the JVM's
     * routine must run after the Java handlers, not beside them. */
    int consumed = sb_win_await_handled(slot, ticket, grace_millis, mode == SB_CONSOLE_CONSUME);
    if (!consumed) {
        pass_on(t);
    }
    return consumed ? TRUE : FALSE;
}

int sb_platform_init(uint32_t ring_capacity)
{
    int rc = sb_core_init(ring_capacity);
    if (rc != 0) {
        return rc == ENOMEM ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_PARAMETER;
    }
    AcquireSRWLockExclusive(&lock);
    if (!initialised) {
        wake_event = CreateEventW(NULL, FALSE, FALSE, NULL);
        if (wake_event == NULL) {
            rc = (int)GetLastError();
        } else {
            pass_tls = TlsAlloc();
            raising_tls = TlsAlloc();
            /* msvcrt registers its own console routine on the first signal(SIGINT/SIGBREAK):
             * make that happen now, keeping whatever is there, so that ours is registered
             * later and therefore runs before it. */
            crt_handler kept = signal(SIGINT, SIG_DFL);
            if (kept != SIG_ERR) {
                signal(SIGINT, kept);
            }
            if (!SetConsoleCtrlHandler(on_console, TRUE)) {
                rc = (int)GetLastError();
            } else {
                sb_clock_nanos();
                InterlockedExchange(&initialised, 1);
            }
        }
    }
    ReleaseSRWLockExclusive(&lock);
    return rc;
}

void sb_platform_info_get(sb_platform_info *out)
{
    out->nsig = CRT_NSIG;
    out->rtmin = -1;
    out->rtmax = -1;
}

int sb_platform_install(int signo)
{
    if (!initialised) {
        return SB_ERROR_NOT_INITIALIZED;
    }
    if (is_console_slot(signo)) {
        return 0; /* console interest is the mode sb_windows_console_mode sets */
    }
    if (signo == SIGSEGV || signo == SIGILL || signo == SIGFPE) {
        return ERROR_NOT_SUPPORTED;
    }
    if (!crt_signal_supported(signo)) {
        return ERROR_INVALID_PARAMETER;
    }
    int rc = 0;
    AcquireSRWLockExclusive(&lock);
    if (!installed[signo]) {
        InterlockedExchange(&installed[signo], 1);
        AcquireSRWLockExclusive(&crt_lock);
        crt_handler previous = signal(signo, on_crt_signal);
        ReleaseSRWLockExclusive(&crt_lock);
        if (previous == SIG_ERR) {
            InterlockedExchange(&installed[signo], 0);
            rc = ERROR_INVALID_PARAMETER;
        } else {
            previous_handler[signo] = previous;
        }
    }
    ReleaseSRWLockExclusive(&lock);
    return rc;
}

int sb_platform_uninstall(int signo, int *outcome)
{
    *outcome = SB_UNINSTALL_NOT_INSTALLED;
    if (is_console_slot(signo)) {
        return 0;
    }
    if (!crt_signal_supported(signo)) {
        return signo == SIGSEGV || signo == SIGILL || signo == SIGFPE ? 0 : ERROR_INVALID_PARAMETER;
    }
    AcquireSRWLockExclusive(&lock);
    if (installed[signo]) {
        InterlockedExchange(&installed[signo], 0);
        AcquireSRWLockExclusive(&crt_lock);
        crt_handler current = signal(signo, previous_handler[signo]);
        if (current == on_crt_signal || current == SIG_DFL) {
            /* SIG_DFL: the CRT had reset ours just before calling it */
            *outcome = SB_UNINSTALL_RESTORED;
        } else if (current != SIG_ERR) {
            signal(signo, current);
            *outcome = SB_UNINSTALL_LEFT_THEIRS;
        }
        ReleaseSRWLockExclusive(&crt_lock);
    }
    ReleaseSRWLockExclusive(&lock);
    return 0;
}

/* msvcrt cannot report a handler without replacing it: swap and swap back, under crt_lock so
 * that none of our raises meets the SIG_IGN in between. */
static crt_handler current_handler(int signo)
{
    if (!crt_signal_supported(signo) && signo != SIGSEGV && signo != SIGILL && signo != SIGFPE) {
        return SIG_ERR;
    }
    AcquireSRWLockExclusive(&crt_lock);
    crt_handler current = signal(signo, SIG_IGN);
    if (current != SIG_ERR) {
        signal(signo, current);
    }
    ReleaseSRWLockExclusive(&crt_lock);
    return current;
}

int sb_platform_disposition(int signo)
{
    if (is_console_slot(signo)) {
        LONG mode = console_mode[signo - SB_CONSOLE_SLOT_BASE];
        return mode == SB_CONSOLE_OFF ? SB_DISPOSITION_OTHER : SB_DISPOSITION_SIGBRIDGE;
    }
    crt_handler current = current_handler(signo);
    if (current == SIG_ERR) {
        return -ERROR_INVALID_PARAMETER;
    }
    if (current == on_crt_signal) {
        return SB_DISPOSITION_SIGBRIDGE;
    }
    if (current == SIG_DFL) {
        return SB_DISPOSITION_DEFAULT;
    }
    if (current == SIG_IGN) {
        return SB_DISPOSITION_IGNORE;
    }
    return SB_DISPOSITION_OTHER;
}

uintptr_t sb_platform_handler_address(int signo)
{
    if (is_console_slot(signo)) {
        return console_mode[signo - SB_CONSOLE_SLOT_BASE] == SB_CONSOLE_OFF ? 0
                                                                            : (uintptr_t)on_console;
    }
    crt_handler current = current_handler(signo);
    return current == SIG_ERR ? 0 : (uintptr_t)current;
}

/* Set once the JVM is ending (sb_platform_stop_waiting): no more native waits. */
static volatile LONG waiting_stopped;

int sb_platform_wait(void)
{
    if (wake_event == NULL) {
        return SB_ERROR_NOT_INITIALIZED;
    }
    InterlockedExchange(&dispatcher_thread, (LONG)GetCurrentThreadId());
    if (InterlockedCompareExchange(&waiting_stopped, 0, 0)) {
        return SB_WAIT_STOPPED;
    }
    DWORD r = WaitForSingleObject(wake_event, INFINITE);
    if (InterlockedCompareExchange(&waiting_stopped, 0, 0)) {
        return SB_WAIT_STOPPED;
    }
    return r == WAIT_OBJECT_0 ? 0 : (int)GetLastError();
}

/* The auto-reset event stays set until a wait takes it, so a stop between the check above and
 * WaitForSingleObject still ends that wait at once. */
void sb_platform_stop_waiting(void)
{
    InterlockedExchange(&waiting_stopped, 1);
    if (wake_event != NULL) {
        SetEvent(wake_event);
    }
}

/* Windows has no signal masks: the consumer only makes itself known, for the last-gasp
 * check ("never wait on the dispatcher itself"). */
void sb_platform_consumer_refresh(void)
{
    InterlockedExchange(&dispatcher_thread, (LONG)GetCurrentThreadId());
}

/* Last gasps: SB_SYNC_ALWAYS (ABRT) makes the CRT handler wait for the Java handlers. A
 * Chain.PREVIOUS onto an ending default (SB_SYNC_IF_PREVIOUS_ENDS) needs no wait here: the
 * CRT handler is not in a signal context that must return first, and the dispatcher runs
 * the previous action (sb_platform_chain) after the Java handlers. */
int sb_platform_set_synchronous(int signo, int mode)
{
    if (is_console_slot(signo)) {
        return 0;
    }
    if (signo < 0 || signo >= CRT_NSIG || mode < SB_SYNC_OFF || mode > SB_SYNC_IF_PREVIOUS_ENDS) {
        return ERROR_INVALID_PARAMETER;
    }
    InterlockedExchange(&sync_mode[signo], mode == SB_SYNC_ALWAYS ? SB_SYNC_ALWAYS : SB_SYNC_OFF);
    return 0;
}

void sb_platform_set_sync_grace_millis(int32_t millis)
{
    InterlockedExchange(&sync_grace_millis, millis > 0 ? millis : 0);
}

void sb_platform_complete(int signo, uint64_t ticket)
{
    sb_windows_handled(signo, ticket, 0);
}

void sb_platform_wake(void)
{
    if (wake_event != NULL) {
        SetEvent(wake_event);
    }
}

int sb_platform_chain(const sb_event *event)
{
    int signo = event->signo;
    if (is_console_slot(signo)) {
        return 0; /* console events chain in on_console, by returning FALSE */
    }
    if (!crt_signal_supported(signo)) {
        return ERROR_INVALID_PARAMETER;
    }
    AcquireSRWLockShared(&lock);
    crt_handler previous = previous_handler[signo];
    ReleaseSRWLockShared(&lock);
    if (previous == SIG_IGN) {
        return 0;
    }
    if (previous != SIG_DFL && previous != SIG_ERR) {
        previous(signo);
        return 0;
    }
    crt_raise jvm = jvm_crt_raise();
    if (jvm != NULL) {
        /* Nothing was in msvcrt before us: what the process would have done is what the JVM's C
         * runtime does with it (java.lang.Terminator for INT and TERM, its thread dump for
         * BREAK), so raise it there. */
        return jvm(signo) == 0 ? 0 : ERROR_INVALID_PARAMETER;
    }
    /* The CRT's default for INT, TERM, BREAK and ABRT ends the process (exit code 3). */
    AcquireSRWLockExclusive(&crt_lock);
    crt_handler ours = signal(signo, SIG_DFL);
    int rc = raise(signo) == 0 ? 0 : ERROR_INVALID_PARAMETER;
    if (installed[signo] && ours == on_crt_signal) {
        signal(signo, on_crt_signal);
    }
    ReleaseSRWLockExclusive(&crt_lock);
    return rc;
}

int sb_platform_raise(int signo)
{
    if (signo == SIGSEGV || signo == SIGILL || signo == SIGFPE) {
        return ERROR_NOT_SUPPORTED;
    }
    if (!crt_signal_supported(signo)) {
        return ERROR_INVALID_PARAMETER;
    }
    if (!installed[signo] && current_handler(signo) == SIG_DFL) {
        /* Nothing in our C runtime (msvcrt) handles it, whose default would _exit(3): raise it
         * where the JVM's own handlers are (java.lang.Terminator's for INT and TERM, exit
         * 130/143 after the shutdown hooks), as a raise elsewhere in the JVM would. */
        crt_raise r = jvm_crt_raise();
        if (r != NULL) {
            return r(signo) == 0 ? 0 : ERROR_INVALID_PARAMETER;
        }
    }
    /* Held until on_crt_signal has put itself back (or raise returns, for a handler not ours). */
    AcquireSRWLockExclusive(&crt_lock);
    if (raising_tls != TLS_OUT_OF_INDEXES) {
        TlsSetValue(raising_tls, (LPVOID)1);
    }
    int rc = raise(signo) == 0 ? 0 : ERROR_INVALID_PARAMETER;
    if (raising_tls != TLS_OUT_OF_INDEXES) {
        release_crt_lock_if_raising();
    } else {
        ReleaseSRWLockExclusive(&crt_lock);
    }
    return rc;
}

/* Windows has no kill(2): other processes are reached with console events only. */
int sb_platform_kill(int64_t pid, int signo)
{
    (void)pid;
    (void)signo;
    return ERROR_NOT_SUPPORTED;
}

int sb_platform_sigqueue(int64_t pid, int signo, int value)
{
    (void)pid;
    (void)signo;
    (void)value;
    return ERROR_NOT_SUPPORTED;
}

int sb_platform_kill_group(int64_t pgid, int signo)
{
    (void)pgid;
    (void)signo;
    return ERROR_NOT_SUPPORTED;
}

void sb_platform_error_text(int code, char *buffer, size_t size)
{
    if (size == 0) {
        return;
    }
    const char *own = NULL;
    if (code == SB_ERROR_NO_CONSOLE) {
        own = "this process has no console (started without one, or detached from it);"
              " console events reach only processes that share a console";
    } else if (code == SB_ERROR_NOT_INITIALIZED) {
        own = "the sigbridge console routine is not set up yet";
    } else if (code == SB_ERROR_SHARED_CONSOLE) {
        own = "the process is on this process's console: the event would reach this process too";
    } else if (code == SB_ERROR_CTRL_C_DISABLED) {
        own = "the process ignores CTRL_C (it was started in a new process group, or called"
              " SetConsoleCtrlHandler(NULL, TRUE))";
    } else if (code == SB_ERROR_NO_WINDOW) {
        own = "the process has no top-level window on this desktop to post WM_CLOSE to";
    } else if (code == SB_ERROR_NO_SUCH_PROCESS) {
        own = "no such process";
    } else if (code == SB_ERROR_WINDOW_FAILED) {
        own = "CreateWindowEx failed (no window station or desktop; under Wine, no graphics"
              " driver: set HKCU\\Software\\Wine\\Drivers Graphics to null)";
    }
    if (own != NULL) {
        strncpy(buffer, own, size - 1);
        buffer[size - 1] = '\0';
        return;
    }
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                             (DWORD)code, MAKELANGID(LANG_ENGLISH, SUBLANG_DEFAULT), buffer,
                             (DWORD)size, NULL);
    if (n == 0) {
        snprintf(buffer, size, "Windows error %d", code);
        return;
    }
    while (n > 0 && (buffer[n - 1] == '\n' || buffer[n - 1] == '\r' || buffer[n - 1] == '.' ||
                     buffer[n - 1] == ' ')) {
        buffer[--n] = '\0';
    }
}

/* ---- sb_windows_internal.h (the rest) ---- */

LONG sb_win_console_mode(int type)
{
    return console_type_valid(type) ? InterlockedCompareExchange(&console_mode[type], 0, 0)
                                    : SB_CONSOLE_OFF;
}

LONG sb_win_grace_millis(void)
{
    return InterlockedCompareExchange(&grace_millis, 0, 0);
}

int sb_win_term_installed(void)
{
    return InterlockedCompareExchange(&installed[SIGTERM], 0, 0) != 0;
}

void sb_win_jvm_term(void)
{
    if (sb_win_term_installed()) {
        sb_event event = {0};
        event.signo = SIGTERM;
        sb_platform_chain(&event); /* past our handler, to what was there before it */
    } else {
        sb_platform_raise(SIGTERM);
    }
}

/* ---- sb_windows.h ---- */

int sb_windows_console_mode(int type, int mode)
{
    if (!console_type_valid(type) || mode < SB_CONSOLE_OFF || mode > SB_CONSOLE_CHAIN) {
        return ERROR_INVALID_PARAMETER;
    }
    if (!initialised) {
        return SB_ERROR_NOT_INITIALIZED;
    }
    InterlockedExchange(&console_mode[type], mode);
    return 0;
}

void sb_windows_set_grace(int millis)
{
    if (millis < 0) {
        millis = 0;
    }
    if (millis > SB_GRACE_MAX_MILLIS) {
        millis = SB_GRACE_MAX_MILLIS;
    }
    InterlockedExchange(&grace_millis, millis);
}

void sb_windows_handled(int slot, uint64_t ticket, int consumed)
{
    if (slot < 0 || slot >= SB_MAX_SLOTS) {
        return;
    }
    AcquireSRWLockExclusive(&lock);
    if (ticket > done_ticket[slot]) {
        done_ticket[slot] = ticket;
        done_consumed[slot] = consumed ? 1 : 0;
    }
    ReleaseSRWLockExclusive(&lock);
    WakeAllConditionVariable(&handled_cv);
}

int sb_windows_has_console(void)
{
    HANDLE out = CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE,
                             FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (out == INVALID_HANDLE_VALUE) {
        return 0;
    }
    CloseHandle(out);
    return 1;
}

int sb_windows_send_console_event(int type, int64_t group)
{
    if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT) {
        return ERROR_INVALID_PARAMETER; /* CLOSE, LOGOFF and SHUTDOWN come from the system only */
    }
    if (group < 0 || group > (int64_t)UINT32_MAX || (type == CTRL_C_EVENT && group != 0)) {
        return ERROR_INVALID_PARAMETER;
    }
    if (!sb_windows_has_console()) {
        return SB_ERROR_NO_CONSOLE;
    }
    if (!GenerateConsoleCtrlEvent((DWORD)type, (DWORD)group)) {
        return (int)GetLastError();
    }
    return 0;
}

int sb_windows_run_console_routine(int type)
{
    return on_console((DWORD)type) ? 1 : 0;
}

/* Test support: what msvcrt's own console routine does on real Windows when ours passed a
 * CTRL_C on (it is registered before ours there and turns the event into its SIGINT): mark the
 * event as passed on by this thread, then raise msvcrt's SIGINT. */
int sb_windows_pass_on_ctrl_c_through_msvcrt(void)
{
    pass_on(CTRL_C_EVENT);
    int rc = raise(SIGINT) == 0 ? 0 : ERROR_INVALID_PARAMETER;
    if (pass_tls != TLS_OUT_OF_INDEXES) {
        TlsSetValue(pass_tls, NULL);
    }
    return rc;
}
