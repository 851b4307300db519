/*
 * sb_window.c - the hidden top-level window: what lets `taskkill /PID n` (WM_CLOSE) and the end
 * of a session (WM_QUERYENDSESSION, WM_ENDSESSION) reach a JVM, which loads USER32 and so gets
 * no CTRL_LOGOFF/CTRL_SHUTDOWN from the console.
 *
 * Top-level, never shown, not message-only: message-only windows get no broadcasts and taskkill
 * does not see them. It lives on a thread of its own with a message loop, created when Java asks
 * for it (the first registration of TERM, CTRL_CLOSE, CTRL_LOGOFF or CTRL_SHUTDOWN) and retired
 * with the last one. A retired window ignores every message until its thread has destroyed it,
 * so that a window made right after (register, close, register) never doubles a delivery.
 *
 *   WM_CLOSE          TERM registered: an event of slot SIGTERM, source SB_SOURCE_CLOSE_REQUEST
 *                     (the dispatcher runs the handlers and, with Chain.PREVIOUS, the JVM's TERM);
 *                     otherwise (the window is there for a console event): the JVM's TERM.
 *                     Never DefWindowProc, which would destroy the window.
 *   WM_QUERYENDSESSION TRUE at once: sigbridge never vetoes the end of a session.
 *   WM_ENDSESSION     (wParam TRUE) CTRL_LOGOFF when lParam has ENDSESSION_LOGOFF, else
 *                     CTRL_SHUTDOWN: as the console routine does with those, a waiting capture;
 *                     returns when the Java handlers are done, at most the console grace. When
 *                     nothing consumed it, the JVM's TERM (as its own console routine would),
 *                     and the rest of the grace for its shutdown hooks.
 *
 * With AWT's toolkit in the process (its window, class SunAwtToolkit), AWT already turns
 * WM_QUERYENDSESSION into the JVM's TERM and keeps pumping until the VM halts: this window then
 * leaves the end of a session alone, so it is not delivered twice.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <windows.h>

#include "../core/sb_event.h"
#include "sb_windows.h"
#include "sb_windows_internal.h"

#define WM_SB_RETIRE (WM_APP + 1)

static SRWLOCK window_lock = SRWLOCK_INIT; /* creating and retiring (Java serialises them too) */
static HWND volatile current_window;       /* the one window that acts; NULL when none is wanted */
static ATOM window_class;

struct window_start {
    HANDLE ready;
    HWND window;
    DWORD error;
};

static void class_name_of(DWORD pid, wchar_t *name, size_t size)
{
    swprintf(name, size, L"sigbridge-%lu", (unsigned long)pid);
}

static bool is_current(HWND window)
{
    return InterlockedCompareExchangePointer((PVOID volatile *)&current_window, NULL, NULL) ==
           window;
}

/* AWT's toolkit window, which handles the end of a session for the JVM itself. */
static bool awt_toolkit_present(void)
{
    DWORD self = GetCurrentProcessId();
    HWND candidate = NULL;
    while ((candidate = FindWindowExW(NULL, candidate, L"SunAwtToolkit", NULL)) != NULL) {
        DWORD owner = 0;
        GetWindowThreadProcessId(candidate, &owner);
        if (owner == self) {
            return true;
        }
    }
    return false;
}

/* The JVM's console routine leaves CTRL_LOGOFF alone in a service (a window station no user
 * sees): a service outlives a user's logoff. */
static bool interactive_window_station(void)
{
    USEROBJECTFLAGS flags;
    HWINSTA station = GetProcessWindowStation();
    if (station == NULL ||
        !GetUserObjectInformationW(station, UOI_FLAGS, &flags, sizeof flags, NULL)) {
        return true;
    }
    return (flags.dwFlags & WSF_VISIBLE) != 0;
}

static void on_close_request(void)
{
    if (sb_win_term_installed()) {
        sb_win_capture(SIGTERM, WM_CLOSE, SB_SOURCE_CLOSE_REQUEST, 0);
    } else {
        sb_win_jvm_term(); /* the window is here for a console event; TERM is the JVM's */
    }
}

static void on_end_session(LPARAM reason)
{
    if (awt_toolkit_present()) {
        return;
    }
    int type = (reason & ENDSESSION_LOGOFF) != 0 ? CTRL_LOGOFF_EVENT : CTRL_SHUTDOWN_EVENT;
    LONG grace = sb_win_grace_millis();
    ULONGLONG deadline = GetTickCount64() + (ULONGLONG)grace;
    LONG mode = sb_win_console_mode(type);
    if (mode != SB_CONSOLE_OFF) {
        int slot = SB_CONSOLE_SLOT_BASE + type;
        uint64_t ticket = sb_win_take_ticket(slot);
        sb_win_capture(slot, type, SB_SOURCE_END_SESSION, ticket);
        if (sb_win_await_handled(slot, ticket, grace, mode == SB_CONSOLE_CONSUME)) {
            return;
        }
    }
    if (type == CTRL_LOGOFF_EVENT && !interactive_window_station()) {
        return;
    }
    /* Not consumed (Chain.PREVIOUS, or nothing claims it): the JVM's TERM, whose shutdown hooks
     * get what is left of the grace; the JVM ends the process itself when they are done. */
    sb_win_jvm_term();
    ULONGLONG now = GetTickCount64();
    if (now < deadline) {
        Sleep((DWORD)(deadline - now));
    }
}

static LRESULT CALLBACK window_proc(HWND window, UINT message, WPARAM wparam, LPARAM lparam)
{
    switch (message) {
    case WM_CLOSE:
        if (is_current(window)) {
            on_close_request();
        }
        return 0;
    case WM_QUERYENDSESSION:
        return TRUE;
    case WM_ENDSESSION:
        if (wparam && is_current(window)) {
            on_end_session(lparam);
        }
        return 0;
    case WM_SB_RETIRE:
        DestroyWindow(window);
        return 0;
    case WM_DESTROY:
        PostQuitMessage(0);
        return 0;
    default:
        return DefWindowProcW(window, message, wparam, lparam);
    }
}

static HINSTANCE this_module(void)
{
    HMODULE module = NULL;
    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                           GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                       (LPCWSTR)(void *)window_proc, &module);
    return module;
}

static DWORD WINAPI window_thread(LPVOID arg)
{
    struct window_start *start = arg;
    DWORD pid = GetCurrentProcessId();
    wchar_t name[64];
    wchar_t title[64];
    class_name_of(pid, name, 64);
    swprintf(title, 64, L"sigbridge %lu", (unsigned long)pid);
    /* Hidden (never shown), and a tool window: off the taskbar even if someone shows it. */
    HWND window = CreateWindowExW(WS_EX_TOOLWINDOW | WS_EX_NOACTIVATE, name, title, WS_OVERLAPPED,
                                  0, 0, 0, 0, NULL, NULL, this_module(), NULL);
    start->window = window;
    start->error = window != NULL ? 0 : GetLastError();
    if (window == NULL && start->error == 0) {
        start->error = SB_ERROR_WINDOW_FAILED;
    }
    SetEvent(start->ready); /* start belongs to the creator: not touched after this */
    if (window == NULL) {
        return 1;
    }
    MSG msg;
    while (GetMessageW(&msg, NULL, 0, 0) > 0) {
        DispatchMessageW(&msg);
    }
    return 0;
}

static int create_window(void)
{
    if (window_class == 0) {
        wchar_t name[64];
        class_name_of(GetCurrentProcessId(), name, 64);
        WNDCLASSEXW wc;
        memset(&wc, 0, sizeof wc);
        wc.cbSize = sizeof wc;
        wc.lpfnWndProc = window_proc;
        wc.hInstance = this_module();
        wc.lpszClassName = name;
        window_class = RegisterClassExW(&wc); /* kept for the life of the process */
        if (window_class == 0) {
            return (int)GetLastError();
        }
    }
    struct window_start start = {CreateEventW(NULL, TRUE, FALSE, NULL), NULL, 0};
    if (start.ready == NULL) {
        return (int)GetLastError();
    }
    HANDLE thread = CreateThread(NULL, 64 * 1024, window_thread, &start,
                                 STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
    if (thread == NULL) {
        int error = (int)GetLastError();
        CloseHandle(start.ready);
        return error;
    }
    WaitForSingleObject(start.ready, INFINITE);
    CloseHandle(start.ready);
    CloseHandle(thread);
    if (start.window == NULL) {
        return (int)start.error;
    }
    InterlockedExchangePointer((PVOID volatile *)&current_window, start.window);
    return 0;
}

int sb_windows_window_wanted(int wanted)
{
    int rc = 0;
    AcquireSRWLockExclusive(&window_lock);
    HWND current = InterlockedCompareExchangePointer((PVOID volatile *)&current_window, NULL, NULL);
    if (wanted && current == NULL) {
        rc = create_window();
    } else if (!wanted && current != NULL) {
        /* Not waited for: its thread may be in WM_ENDSESSION, waiting for the very handler
         * that closes the last registration. */
        InterlockedExchangePointer((PVOID volatile *)&current_window, NULL);
        PostMessageW(current, WM_SB_RETIRE, 0, 0);
    }
    ReleaseSRWLockExclusive(&window_lock);
    return rc;
}

struct close_target {
    DWORD pid;
    int64_t posted;
    DWORD error;
};

static BOOL CALLBACK post_close_to(HWND window, LPARAM arg)
{
    struct close_target *target = (struct close_target *)arg;
    DWORD owner = 0;
    GetWindowThreadProcessId(window, &owner);
    if (owner == target->pid) {
        if (PostMessageW(window, WM_CLOSE, 0, 0)) {
            target->posted++;
        } else {
            target->error = GetLastError();
        }
    }
    return TRUE;
}

static bool process_exists(DWORD pid)
{
    HANDLE process = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    if (process == NULL) {
        return GetLastError() != ERROR_INVALID_PARAMETER; /* access denied: it exists */
    }
    bool running = WaitForSingleObject(process, 0) == WAIT_TIMEOUT;
    CloseHandle(process);
    return running;
}

int64_t sb_windows_post_close(int64_t pid)
{
    if (pid <= 0 || pid > (int64_t)UINT32_MAX) {
        return -(int64_t)ERROR_INVALID_PARAMETER;
    }
    struct close_target target = {(DWORD)pid, 0, 0};
    EnumWindows(post_close_to, (LPARAM)&target);
    if (target.posted > 0) {
        return target.posted;
    }
    if (target.error != 0) {
        return -(int64_t)target.error;
    }
    return -(int64_t)(process_exists((DWORD)pid) ? SB_ERROR_NO_WINDOW : SB_ERROR_NO_SUCH_PROCESS);
}

static HWND sigbridge_window_of(int64_t pid)
{
    wchar_t name[64];
    class_name_of((DWORD)pid, name, 64);
    HWND candidate = NULL;
    while ((candidate = FindWindowExW(NULL, candidate, name, NULL)) != NULL) {
        DWORD owner = 0;
        GetWindowThreadProcessId(candidate, &owner);
        if ((int64_t)owner == pid) {
            return candidate;
        }
    }
    return NULL;
}

int sb_windows_window_title(int64_t pid, wchar_t *title, int size)
{
    HWND window = sigbridge_window_of(pid);
    if (window == NULL || size <= 0) {
        return 0;
    }
    return GetWindowTextW(window, title, size);
}

int64_t sb_windows_send_to_window(int64_t pid, unsigned msg, uint64_t wparam, int64_t lparam,
                                  unsigned timeout_millis)
{
    HWND window = sigbridge_window_of(pid);
    if (window == NULL) {
        return -(int64_t)SB_ERROR_NO_WINDOW;
    }
    DWORD_PTR result = 0;
    if (!SendMessageTimeoutW(window, msg, (WPARAM)wparam, (LPARAM)lparam, SMTO_BLOCK,
                             timeout_millis, &result)) {
        DWORD error = GetLastError();
        return -(int64_t)(error != 0 ? error : ERROR_TIMEOUT);
    }
    return (int64_t)result;
}
