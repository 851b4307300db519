/* test_windows.c - the Windows backend without Java: CRT signals with re-install, the console
 * routine's modes, the wait for the "handlers done" acknowledgement and its grace, SIGABRT as
 * a last gasp, and the checks before GenerateConsoleCtrlEvent. Cross-built with mingw-w64 and
 * run under Wine by ctest in the windows-tests profile (CMAKE_CROSSCOMPILING_EMULATOR). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>

#include "../core/sb_core.h"
#include "../core/sb_platform.h"
#include "../windows/sb_windows.h"
#include "sb_check.h"

#define CONSOLE_SLOT(type) (SB_CONSOLE_SLOT_BASE + (type))

/* Waits for the next event of `slot`, draining the others. */
static sb_event next_event(int slot)
{
    for (;;) {
        sb_event batch[16];
        uint32_t n = sb_core_drain(batch, 16);
        if (n == 0) {
            CHECK_EQ(0, sb_platform_wait());
            continue;
        }
        for (uint32_t i = 0; i < n; i++) {
            if (batch[i].signo == slot) {
                return batch[i];
            }
        }
    }
}

static void raise_is_captured_and_the_handler_reinstalled(void)
{
    CHECK_EQ(0, sb_platform_install(SIGTERM));
    CHECK_EQ(SB_DISPOSITION_SIGBRIDGE, sb_platform_disposition(SIGTERM));
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(0, sb_platform_raise(SIGTERM)); /* the 2nd would _exit(3) without re-install */
        sb_event e = next_event(SIGTERM);
        CHECK_EQ(SB_SOURCE_SIGNAL, e.source);
        CHECK_EQ(GetCurrentThreadId(), e.tid);
        CHECK_EQ(0, e.flags & SB_EVENT_SYNC);
    }
    int outcome = -1;
    CHECK_EQ(0, sb_platform_uninstall(SIGTERM, &outcome));
    CHECK_EQ(SB_UNINSTALL_RESTORED, outcome);
    CHECK_EQ(SB_DISPOSITION_DEFAULT, sb_platform_disposition(SIGTERM));
}

static void fault_signals_are_refused(void)
{
    CHECK_EQ(ERROR_NOT_SUPPORTED, sb_platform_install(SIGSEGV));
    CHECK_EQ(ERROR_NOT_SUPPORTED, sb_platform_install(SIGILL));
    CHECK_EQ(ERROR_NOT_SUPPORTED, sb_platform_install(SIGFPE));
    CHECK_EQ(ERROR_NOT_SUPPORTED, sb_platform_raise(SIGSEGV));
    CHECK_EQ(ERROR_INVALID_PARAMETER, sb_platform_install(1));
    CHECK_EQ(ERROR_NOT_SUPPORTED, sb_platform_kill(1234, SIGTERM));
}

static void an_unclaimed_console_event_is_passed_on(void)
{
    CHECK_EQ(0, sb_windows_console_mode(CTRL_C_EVENT, SB_CONSOLE_OFF));
    CHECK_EQ(0, sb_windows_run_console_routine(CTRL_C_EVENT));
    CHECK_EQ(0, sb_windows_run_console_routine(CTRL_CLOSE_EVENT));
    sb_event none[4];
    CHECK_EQ(0, sb_core_drain(none, 4));
}

static void a_consumed_ctrl_c_returns_true_at_once(void)
{
    CHECK_EQ(0, sb_windows_console_mode(CTRL_C_EVENT, SB_CONSOLE_CONSUME));
    ULONGLONG t0 = GetTickCount64();
    CHECK_EQ(1, sb_windows_run_console_routine(CTRL_C_EVENT));
    CHECK(GetTickCount64() - t0 < 500);
    sb_event e = next_event(CONSOLE_SLOT(CTRL_C_EVENT));
    CHECK_EQ(SB_SOURCE_CONSOLE, e.source);
    CHECK_EQ(CTRL_C_EVENT, e.code);
    CHECK_EQ(0, e.flags & SB_EVENT_SYNC);
    CHECK_EQ(0, sb_windows_console_mode(CTRL_C_EVENT, SB_CONSOLE_OFF));
}

struct routine_call {
    int type;
    int result;
    ULONGLONG millis;
};

static DWORD WINAPI call_routine(LPVOID arg)
{
    struct routine_call *call = arg;
    ULONGLONG t0 = GetTickCount64();
    call->result = sb_windows_run_console_routine(call->type);
    call->millis = GetTickCount64() - t0;
    return 0;
}

/* Runs the routine on another thread (as the console's CtrlRoutine), acknowledges its event
 * after `work` ms with `consumed`, and returns what the routine returned. */
static struct routine_call close_with(int mode, int consumed, DWORD work, int acknowledge)
{
    CHECK_EQ(0, sb_windows_console_mode(CTRL_CLOSE_EVENT, mode));
    struct routine_call call = {CTRL_CLOSE_EVENT, -1, 0};
    HANDLE thread = CreateThread(NULL, 0, call_routine, &call, 0, NULL);
    CHECK(thread != NULL);
    sb_event e = next_event(CONSOLE_SLOT(CTRL_CLOSE_EVENT));
    CHECK(e.flags & SB_EVENT_SYNC);
    CHECK(e.ticket > 0);
    Sleep(work);
    if (acknowledge) {
        sb_windows_handled(e.signo, e.ticket, consumed);
    }
    CHECK_EQ(WAIT_OBJECT_0, WaitForSingleObject(thread, 10000));
    CloseHandle(thread);
    CHECK_EQ(0, sb_windows_console_mode(CTRL_CLOSE_EVENT, SB_CONSOLE_OFF));
    return call;
}

static void close_waits_for_the_acknowledgement(void)
{
    struct routine_call c = close_with(SB_CONSOLE_CONSUME, 1, 300, 1);
    CHECK_EQ(1, c.result);
    CHECK(c.millis >= 250);
    c = close_with(SB_CONSOLE_CHAIN, 0, 50, 1);
    CHECK_EQ(0, c.result); /* Chain.PREVIOUS: the next routine (the JVM's) runs */
    c = close_with(SB_CONSOLE_CONSUME, 0, 50, 1);
    CHECK_EQ(0, c.result); /* the handlers closed meanwhile: nothing consumed it */
}

static void close_gives_up_after_the_grace(void)
{
    sb_windows_set_grace(300);
    struct routine_call c = close_with(SB_CONSOLE_CONSUME, 1, 0, 0);
    CHECK_EQ(1, c.result); /* consume mode: TRUE also on time-out */
    CHECK(c.millis >= 250 && c.millis < 3000);
    c = close_with(SB_CONSOLE_CHAIN, 1, 0, 0);
    CHECK_EQ(0, c.result);
    sb_windows_set_grace(SB_GRACE_DEFAULT_MILLIS);
}

static DWORD WINAPI raise_abrt(LPVOID arg)
{
    (void)arg;
    sb_platform_raise(SIGABRT);
    return 0;
}

/* In a child process (test_windows abrt-child): raise(SIGABRT) waits for "Java", then ends the
 * process with msvcrt's default for SIGABRT, exit code 3, as abort() would. */
static int abrt_child(void)
{
    CHECK_EQ(0, sb_platform_install(SIGABRT));
    CHECK_EQ(0, sb_platform_set_synchronous(SIGABRT, SB_SYNC_ALWAYS));
    sb_platform_set_sync_grace_millis(5000);
    HANDLE thread = CreateThread(NULL, 0, raise_abrt, NULL, 0, NULL);
    CHECK(thread != NULL);
    sb_event e = next_event(SIGABRT);
    CHECK(e.flags & SB_EVENT_SYNC);
    Sleep(300);
    CHECK_EQ(WAIT_TIMEOUT, WaitForSingleObject(thread, 0)); /* still waiting for "Java" */
    sb_platform_complete(SIGABRT, e.ticket);
    WaitForSingleObject(thread, 10000);
    return 4; /* the raise returned: the process should have ended with 3 */
}

/* Runs this program with `mode` and returns its exit code and how long it took. */
static DWORD run_self(const wchar_t *mode, ULONGLONG *millis)
{
    wchar_t self[MAX_PATH];
    CHECK(GetModuleFileNameW(NULL, self, MAX_PATH) > 0);
    wchar_t line[MAX_PATH + 64];
    swprintf(line, MAX_PATH + 64, L"\"%ls\" %ls", self, mode);
    STARTUPINFOW si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    PROCESS_INFORMATION pi;
    ULONGLONG t0 = GetTickCount64();
    CHECK(CreateProcessW(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CHECK_EQ(WAIT_OBJECT_0, WaitForSingleObject(pi.hProcess, 30000));
    *millis = GetTickCount64() - t0;
    DWORD code = 0;
    CHECK(GetExitCodeProcess(pi.hProcess, &code));
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return code;
}

static void raised_abrt_ends_the_process_after_the_handlers(void)
{
    ULONGLONG millis = 0;
    CHECK_EQ(3, run_self(L"abrt-child", &millis));
    CHECK(millis >= 250);
}

static void console_events_are_checked_before_sending(void)
{
    CHECK_EQ(ERROR_INVALID_PARAMETER, sb_windows_send_console_event(CTRL_CLOSE_EVENT, 0));
    CHECK_EQ(ERROR_INVALID_PARAMETER, sb_windows_send_console_event(CTRL_C_EVENT, 1234));
    CHECK_EQ(ERROR_INVALID_PARAMETER, sb_windows_send_console_event(CTRL_BREAK_EVENT, -1));
    FreeConsole();
    CHECK_EQ(0, sb_windows_has_console());
    CHECK_EQ(SB_ERROR_NO_CONSOLE, sb_windows_send_console_event(CTRL_C_EVENT, 0));
    char text[256];
    sb_platform_error_text(SB_ERROR_NO_CONSOLE, text, sizeof text);
    CHECK(strstr(text, "no console") != NULL);
    sb_platform_error_text(ERROR_ACCESS_DENIED, text, sizeof text);
    CHECK(text[0] != '\0');
}

/* Issue 13 (4): console events folded while the ring was full come back as FOLDED events that
 * still say what they are (source CONSOLE, code the CTRL_* type), so the dispatcher can route
 * them to the INT/TERM handlers. */
static void folded_console_events_keep_source_and_code(void)
{
    CHECK_EQ(0, sb_windows_console_mode(CTRL_C_EVENT, SB_CONSOLE_CONSUME));
    uint32_t sent = sb_core_ring_capacity() + 36;
    for (uint32_t i = 0; i < sent; i++) {
        CHECK_EQ(1, sb_windows_run_console_routine(CTRL_C_EVENT));
    }
    uint64_t represented = 0;
    int folded = 0;
    for (;;) {
        sb_event batch[16];
        uint32_t n = sb_core_drain(batch, 16);
        if (n == 0) {
            break;
        }
        for (uint32_t i = 0; i < n; i++) {
            CHECK_EQ(CONSOLE_SLOT(CTRL_C_EVENT), batch[i].signo);
            CHECK_EQ(SB_SOURCE_CONSOLE, batch[i].source);
            CHECK_EQ(CTRL_C_EVENT, batch[i].code);
            folded += (batch[i].flags & SB_EVENT_FOLDED) != 0;
            represented += 1 + batch[i].coalesced;
        }
    }
    CHECK(folded >= 1);
    CHECK_EQ(sent, represented);
    CHECK_EQ(0, sb_windows_console_mode(CTRL_C_EVENT, SB_CONSOLE_OFF));
}

#define RACE_RAISES 50000

static DWORD WINAPI raise_term_repeatedly(LPVOID arg)
{
    (void)arg;
    for (int i = 0; i < RACE_RAISES; i++) {
        sb_platform_raise(SIGTERM);
    }
    return 0;
}

/* Issue 13 (6): msvcrt resets a handler to SIG_DFL before calling it; another thread's raise in
 * that gap took the default and ended the process with exit code 3. Two threads raise at once,
 * the main thread drains; every raise must be accounted for. */
static void concurrent_raises_never_take_the_default(void)
{
    CHECK_EQ(0, sb_platform_install(SIGTERM));
    sb_slot_stats before;
    sb_core_stats(SIGTERM, &before);
    HANDLE threads[2];
    for (int i = 0; i < 2; i++) {
        threads[i] = CreateThread(NULL, 0, raise_term_repeatedly, NULL, 0, NULL);
        CHECK(threads[i] != NULL);
    }
    sb_event batch[64];
    while (WaitForMultipleObjects(2, threads, TRUE, 0) == WAIT_TIMEOUT) {
        sb_core_drain(batch, 64);
    }
    while (sb_core_drain(batch, 64) > 0) {
    }
    CloseHandle(threads[0]);
    CloseHandle(threads[1]);
    sb_slot_stats after;
    sb_core_stats(SIGTERM, &after);
    CHECK_EQ(2 * RACE_RAISES, after.invocations - before.invocations);
    CHECK_EQ(after.invocations, after.delivered + after.coalesced);
    int outcome = -1;
    CHECK_EQ(0, sb_platform_uninstall(SIGTERM, &outcome));
    CHECK_EQ(SB_UNINSTALL_RESTORED, outcome);
}

struct window_message {
    unsigned msg;
    uint64_t wparam;
    int64_t lparam;
    int64_t result;
    ULONGLONG millis;
};

static DWORD WINAPI send_to_own_window(LPVOID arg)
{
    struct window_message *m = arg;
    ULONGLONG t0 = GetTickCount64();
    m->result = sb_windows_send_to_window(GetCurrentProcessId(), m->msg, m->wparam, m->lparam,
                                          20000);
    m->millis = GetTickCount64() - t0;
    return 0;
}

/* WM_ENDSESSION from another thread (the system sends it from outside): the window waits for
 * the acknowledgement of its CTRL_LOGOFF/CTRL_SHUTDOWN event before it returns. */
static void end_session_waits_for_the_handlers(int64_t reason, int type)
{
    CHECK_EQ(0, sb_windows_console_mode(type, SB_CONSOLE_CONSUME));
    struct window_message m = {WM_QUERYENDSESSION, 0, reason, -1, 0};
    send_to_own_window(&m);
    CHECK_EQ(TRUE, m.result); /* never a veto */
    m = (struct window_message){WM_ENDSESSION, 1, reason, -1, 0};
    HANDLE thread = CreateThread(NULL, 0, send_to_own_window, &m, 0, NULL);
    CHECK(thread != NULL);
    sb_event e = next_event(CONSOLE_SLOT(type));
    CHECK_EQ(SB_SOURCE_END_SESSION, e.source);
    CHECK_EQ(type, e.code);
    CHECK(e.flags & SB_EVENT_SYNC);
    Sleep(300);
    CHECK_EQ(WAIT_TIMEOUT, WaitForSingleObject(thread, 0)); /* still in WM_ENDSESSION */
    sb_windows_handled(e.signo, e.ticket, 1);
    CHECK_EQ(WAIT_OBJECT_0, WaitForSingleObject(thread, 10000));
    CloseHandle(thread);
    CHECK_EQ(0, m.result);
    CHECK(m.millis >= 250);
    CHECK_EQ(0, sb_windows_console_mode(type, SB_CONSOLE_OFF));
}

static void the_hidden_window_turns_messages_into_events(void)
{
    DWORD pid = GetCurrentProcessId();
    CHECK_EQ(0, sb_windows_window_wanted(1));
    CHECK_EQ(0, sb_windows_window_wanted(1)); /* one window, however often it is wanted */
    wchar_t title[64];
    wchar_t expected[64];
    swprintf(expected, 64, L"sigbridge %lu", (unsigned long)pid);
    CHECK(sb_windows_window_title(pid, title, 64) > 0);
    CHECK(wcscmp(expected, title) == 0);

    /* WM_CLOSE, as taskkill /PID posts it: TERM, from a close request */
    CHECK_EQ(0, sb_platform_install(SIGTERM));
    /* >= 1: the window's thread also has its "Default IME" window, which taskkill closes too */
    CHECK(sb_windows_post_close(pid) >= 1);
    sb_event e = next_event(SIGTERM);
    CHECK_EQ(SB_SOURCE_CLOSE_REQUEST, e.source);
    CHECK_EQ(WM_CLOSE, e.code);
    CHECK_EQ(0, e.flags & SB_EVENT_SYNC);
    int outcome = -1;
    CHECK_EQ(0, sb_platform_uninstall(SIGTERM, &outcome));

    end_session_waits_for_the_handlers(0, CTRL_SHUTDOWN_EVENT);
    end_session_waits_for_the_handlers(ENDSESSION_LOGOFF, CTRL_LOGOFF_EVENT);

    /* Retired: it is gone soon after, and nothing can be posted to this process any more. */
    CHECK_EQ(0, sb_windows_window_wanted(0));
    for (int i = 0; i < 500 && sb_windows_post_close(pid) != -SB_ERROR_NO_WINDOW; i++) {
        Sleep(10);
    }
    CHECK_EQ(0, sb_windows_window_title(pid, title, 64));
    CHECK_EQ(-SB_ERROR_NO_WINDOW, sb_windows_post_close(pid));
    CHECK_EQ(-SB_ERROR_NO_SUCH_PROCESS, sb_windows_post_close(0x7ffffff0));
    CHECK_EQ(-ERROR_INVALID_PARAMETER, sb_windows_post_close(0));
    /* and made again on demand */
    CHECK_EQ(0, sb_windows_window_wanted(1));
    CHECK(sb_windows_window_title(pid, title, 64) > 0);
    CHECK_EQ(0, sb_windows_window_wanted(0));
}

static void the_clock_moves_forward(void)
{
    int64_t a = sb_clock_nanos();
    Sleep(20);
    int64_t b = sb_clock_nanos();
    CHECK(b - a >= 15000000);
}

int main(int argc, char **argv)
{
    CHECK_EQ(0, sb_platform_init(64));
    sb_platform_consumer_refresh();
    if (argc > 1 && strcmp(argv[1], "abrt-child") == 0) {
        return abrt_child();
    }
    RUN(raise_is_captured_and_the_handler_reinstalled);
    RUN(fault_signals_are_refused);
    RUN(an_unclaimed_console_event_is_passed_on);
    RUN(a_consumed_ctrl_c_returns_true_at_once);
    RUN(close_waits_for_the_acknowledgement);
    RUN(close_gives_up_after_the_grace);
    RUN(raised_abrt_ends_the_process_after_the_handlers);
    RUN(console_events_are_checked_before_sending);
    RUN(the_clock_moves_forward);
    RUN(the_hidden_window_turns_messages_into_events);
    RUN(folded_console_events_keep_source_and_code);
    RUN(concurrent_raises_never_take_the_default);
    return 0;
}
