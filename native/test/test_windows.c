/* test_windows.c - the Windows backend without Java: CRT signals with re-install, the console
 * routine's modes, the wait for the "handlers done" acknowledgement and its grace, SIGABRT as
 * a last gasp, and the checks before GenerateConsoleCtrlEvent. Cross-built with mingw-w64 and
 * run under Wine by ctest in the windows-tests profile (CMAKE_CROSSCOMPILING_EMULATOR). */
#include <signal.h>
#include <string.h>
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
    ULONGLONG *millis = arg;
    ULONGLONG t0 = GetTickCount64();
    sb_platform_raise(SIGABRT);
    *millis = GetTickCount64() - t0;
    return 0;
}

static void abrt_is_a_last_gasp(void)
{
    CHECK_EQ(0, sb_platform_install(SIGABRT));
    CHECK_EQ(0, sb_platform_set_synchronous(SIGABRT, SB_SYNC_ALWAYS));
    sb_platform_set_sync_grace_millis(5000);
    ULONGLONG millis = 0;
    HANDLE thread = CreateThread(NULL, 0, raise_abrt, &millis, 0, NULL);
    CHECK(thread != NULL);
    sb_event e = next_event(SIGABRT);
    CHECK(e.flags & SB_EVENT_SYNC);
    Sleep(300);
    CHECK_EQ(WAIT_TIMEOUT, WaitForSingleObject(thread, 0)); /* still waiting for "Java" */
    sb_platform_complete(SIGABRT, e.ticket);
    CHECK_EQ(WAIT_OBJECT_0, WaitForSingleObject(thread, 10000));
    CloseHandle(thread);
    CHECK(millis >= 250 && millis < 5000);
    CHECK_EQ(0, sb_platform_set_synchronous(SIGABRT, SB_SYNC_OFF));
    int outcome = -1;
    CHECK_EQ(0, sb_platform_uninstall(SIGABRT, &outcome));
    CHECK_EQ(SB_UNINSTALL_RESTORED, outcome);
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

static void the_clock_moves_forward(void)
{
    int64_t a = sb_clock_nanos();
    Sleep(20);
    int64_t b = sb_clock_nanos();
    CHECK(b - a >= 15000000);
}

int main(void)
{
    CHECK_EQ(0, sb_platform_init(64));
    sb_platform_consumer_refresh();
    RUN(raise_is_captured_and_the_handler_reinstalled);
    RUN(fault_signals_are_refused);
    RUN(an_unclaimed_console_event_is_passed_on);
    RUN(a_consumed_ctrl_c_returns_true_at_once);
    RUN(close_waits_for_the_acknowledgement);
    RUN(close_gives_up_after_the_grace);
    RUN(abrt_is_a_last_gasp);
    RUN(console_events_are_checked_before_sending);
    RUN(the_clock_moves_forward);
    return 0;
}
