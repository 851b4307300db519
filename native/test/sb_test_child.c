/*
 * sb_test_child.c - a small Windows program the Windows tests start with ProcessGroups.start
 * (under Wine a JVM takes seconds to start, this takes milliseconds). Never packaged.
 *   sb_test_child echo            stdin to stdout until EOF, then "done" on stderr
 *   sb_test_child args ARGS...    each argument as [arg] on its own line
 *   sb_test_child env NAME        the variable's value, or <unset>
 *   sb_test_child cwd             the current directory
 *   sb_test_child exit N          exit code N
 *   sb_test_child sleep MS        sleeps, then exit 0
 *   sb_test_child tree MS         starts "sleep MS" as a grandchild, prints its pid, sleeps
 *                                 (ignoring CTRL_BREAK)
 *   sb_test_child flags           ctrl-c-ignored=1 when started with CREATE_NEW_PROCESS_GROUP
 *   sb_test_child break MS        "ready", then exit 42 on CTRL_BREAK (or 0 after MS)
 *   sb_test_child sleep-ready MS  "ready", then sleeps
 *   sb_test_child window MS       a hidden top-level window; "ready", exit 5 on WM_CLOSE
 *   sb_test_child detached MS     FreeConsole(), "ready", sleeps: a process without a console
 *   sb_test_child own-console MS  a console of its own; "ready", exit 40 on CTRL_C, 41 on
 *                                 CTRL_BREAK (or 0 after MS)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <winternl.h>

static BOOL WINAPI on_console(DWORD type)
{
    if (type == CTRL_BREAK_EVENT) {
        printf("break\n");
        fflush(stdout);
        ExitProcess(42);
    }
    return FALSE;
}

static BOOL WINAPI exit_on_event(DWORD type)
{
    ExitProcess(40 + type);
    return TRUE;
}

static LRESULT CALLBACK window_proc(HWND window, UINT message, WPARAM wparam, LPARAM lparam)
{
    if (message == WM_CLOSE) {
        printf("close\n");
        fflush(stdout);
        ExitProcess(5);
    }
    return DefWindowProcW(window, message, wparam, lparam);
}

static int run_window(DWORD millis)
{
    WNDCLASSW wc;
    memset(&wc, 0, sizeof wc);
    wc.lpfnWndProc = window_proc;
    wc.hInstance = GetModuleHandleW(NULL);
    wc.lpszClassName = L"sb_test_child";
    if (RegisterClassW(&wc) == 0 ||
        CreateWindowExW(0, L"sb_test_child", L"sb_test_child", WS_OVERLAPPED, 0, 0, 0, 0, NULL,
                        NULL, wc.hInstance, NULL) == NULL) {
        fprintf(stderr, "no window: %lu\n", GetLastError());
        return 3;
    }
    printf("ready\n");
    fflush(stdout);
    SetTimer(NULL, 0, millis, NULL);
    MSG msg;
    while (GetMessageW(&msg, NULL, 0, 0) > 0) {
        if (msg.message == WM_TIMER) {
            return 0;
        }
        DispatchMessageW(&msg);
    }
    return 0;
}

/* tree: the child ignores CTRL_BREAK (on real Windows), so only the job kill ends it. */
static BOOL WINAPI swallow(DWORD type)
{
    return type == CTRL_BREAK_EVENT;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: sb_test_child MODE ...\n");
        return 2;
    }
    const char *mode = argv[1];
    if (strcmp(mode, "echo") == 0) {
        char buffer[4096];
        size_t n;
        while ((n = fread(buffer, 1, sizeof buffer, stdin)) > 0) {
            fwrite(buffer, 1, n, stdout);
            fflush(stdout);
        }
        fprintf(stderr, "done\n");
        return 0;
    }
    if (strcmp(mode, "args") == 0) {
        for (int i = 2; i < argc; i++) {
            printf("[%s]\n", argv[i]);
        }
        return 0;
    }
    if (strcmp(mode, "env") == 0 && argc > 2) {
        const char *value = getenv(argv[2]);
        printf("%s\n", value != NULL ? value : "<unset>");
        return 0;
    }
    if (strcmp(mode, "cwd") == 0) {
        char dir[MAX_PATH];
        GetCurrentDirectoryA(sizeof dir, dir);
        printf("%s\n", dir);
        return 0;
    }
    if (strcmp(mode, "exit") == 0 && argc > 2) {
        return atoi(argv[2]);
    }
    if (strcmp(mode, "sleep") == 0 && argc > 2) {
        Sleep((DWORD)atoi(argv[2]));
        return 0;
    }
    if (strcmp(mode, "tree") == 0 && argc > 2) {
        SetConsoleCtrlHandler(swallow, TRUE);
        char self[MAX_PATH];
        GetModuleFileNameA(NULL, self, sizeof self);
        char line[MAX_PATH + 64];
        snprintf(line, sizeof line, "\"%s\" sleep %s", self, argv[2]);
        STARTUPINFOA si;
        memset(&si, 0, sizeof si);
        si.cb = sizeof si;
        PROCESS_INFORMATION pi;
        if (!CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
            fprintf(stderr, "CreateProcess failed: %lu\n", GetLastError());
            return 3;
        }
        printf("grandchild %lu\n", pi.dwProcessId);
        fflush(stdout);
        CloseHandle(pi.hThread);
        CloseHandle(pi.hProcess);
        Sleep((DWORD)atoi(argv[2]));
        return 0;
    }
    if (strcmp(mode, "flags") == 0) {
        /* RTL_USER_PROCESS_PARAMETERS.ConsoleFlags (offset 0x18 on x64): bit 0 is the "ignore
         * CTRL_C" flag CreateProcess sets for CREATE_NEW_PROCESS_GROUP. */
        PPEB peb = NtCurrentTeb()->ProcessEnvironmentBlock;
        ULONG flags = *(ULONG *)((BYTE *)peb->ProcessParameters + 0x18);
        printf("ctrl-c-ignored=%lu\n", flags & 1);
        return 0;
    }
    if (strcmp(mode, "break") == 0 && argc > 2) {
        SetConsoleCtrlHandler(on_console, TRUE);
        printf("ready\n");
        fflush(stdout);
        Sleep((DWORD)atoi(argv[2]));
        return 0;
    }
    if (strcmp(mode, "window") == 0 && argc > 2) {
        return run_window((DWORD)atoi(argv[2]));
    }
    if (strcmp(mode, "sleep-ready") == 0 && argc > 2) {
        printf("ready\n");
        fflush(stdout);
        Sleep((DWORD)atoi(argv[2]));
        return 0;
    }
    if (strcmp(mode, "detached") == 0 && argc > 2) {
        FreeConsole();
        printf("ready\n");
        fflush(stdout);
        Sleep((DWORD)atoi(argv[2]));
        return 0;
    }
    if (strcmp(mode, "own-console") == 0 && argc > 2) {
        FreeConsole();
        if (!AllocConsole()) {
            fprintf(stderr, "AllocConsole failed: %lu\n", GetLastError());
            return 3;
        }
        SetConsoleCtrlHandler(NULL, FALSE); /* take CTRL_C, whatever was inherited */
        SetConsoleCtrlHandler(exit_on_event, TRUE);
        printf("ready\n");
        fflush(stdout);
        Sleep((DWORD)atoi(argv[2]));
        return 0;
    }
    fprintf(stderr, "unknown mode %s\n", mode);
    return 2;
}
