/*
 * sb_ctrl.c - sigbridge-ctrl.exe, shipped in the jar: sends CTRL_C or CTRL_BREAK to the console
 * of another process, for Signals.send(pid, INT|BREAK) on Windows.
 *
 *   sigbridge-ctrl TYPE PID CALLER     TYPE 0 (CTRL_C) or 1 (CTRL_BREAK); CALLER: the JVM's pid
 *
 * A process can be attached to one console only, so a JVM cannot do this itself without leaving
 * its own console. This program (GUI subsystem: it starts with no console and opens no window)
 * attaches to the target's console, ignores the event itself, generates it for group 0 (every
 * process on that console) and exits with 0 or the reason as sigbridge's error code
 * (sb_windows.h), which the JVM turns into a typed exception:
 *   SB_ERROR_CTRL_C_DISABLED  CTRL_C to a process that ignores it (a new process group)
 *   SB_ERROR_NO_CONSOLE       the target has no console
 *   SB_ERROR_SHARED_CONSOLE   the target is on the caller's console: the event would reach the
 *                             caller too (Signals.sendConsoleEvent says that explicitly)
 *   SB_ERROR_NO_SUCH_PROCESS, or AttachConsole's/GenerateConsoleCtrlEvent's error
 */
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <winternl.h>

#include "sb_windows.h"

typedef NTSTATUS(NTAPI *query_information_process)(HANDLE, PROCESSINFOCLASS, PVOID, ULONG,
                                                     PULONG);

/* RTL_USER_PROCESS_PARAMETERS.ConsoleFlags bit 0 (offset 0x18 on x64; the parameters' address
 * is at PEB + 0x20): set by CREATE_NEW_PROCESS_GROUP and SetConsoleCtrlHandler(NULL, TRUE), and
 * inherited. 1 or 0; -1 when it cannot be read (then the event is sent anyway). */
static int ctrl_c_ignored(DWORD pid)
{
    HANDLE process = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE, pid);
    if (process == NULL) {
        return -1;
    }
    int result = -1;
    FARPROC proc = GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQueryInformationProcess");
    query_information_process query = NULL;
    if (proc != NULL) {
        memcpy(&query, &proc, sizeof query);
    }
    PROCESS_BASIC_INFORMATION basic;
    ULONG length = 0;
    BYTE *parameters = NULL;
    ULONG flags = 0;
    SIZE_T got = 0;
    if (query != NULL &&
        query(process, ProcessBasicInformation, &basic, sizeof basic, &length) == 0 &&
        basic.PebBaseAddress != NULL &&
        ReadProcessMemory(process, (BYTE *)basic.PebBaseAddress + 0x20, &parameters,
                          sizeof parameters, &got) &&
        parameters != NULL &&
        ReadProcessMemory(process, parameters + 0x18, &flags, sizeof flags, &got)) {
        result = (int)(flags & 1);
    }
    CloseHandle(process);
    return result;
}

static BOOL WINAPI ignore_event(DWORD type)
{
    return type == CTRL_C_EVENT || type == CTRL_BREAK_EVENT;
}

static int caller_on_console(DWORD caller)
{
    DWORD room = 64;
    for (;;) {
        DWORD *pids = calloc(room, sizeof *pids);
        if (pids == NULL) {
            return 0;
        }
        DWORD n = GetConsoleProcessList(pids, room);
        if (n > room) {
            free(pids);
            room = n + 16;
            continue;
        }
        int found = 0;
        for (DWORD i = 0; i < n; i++) {
            found |= pids[i] == caller;
        }
        free(pids);
        return found;
    }
}

static DWORD send_on_console_of(DWORD type, DWORD pid, DWORD caller)
{
    if (type == CTRL_C_EVENT && ctrl_c_ignored(pid) == 1) {
        return SB_ERROR_CTRL_C_DISABLED;
    }
    FreeConsole();
    if (!AttachConsole(pid)) {
        DWORD error = GetLastError();
        if (error == ERROR_INVALID_PARAMETER) {
            return SB_ERROR_NO_SUCH_PROCESS;
        }
        /* ERROR_INVALID_HANDLE (Windows and Wine), ERROR_GEN_FAILURE: it has no console */
        return error == ERROR_INVALID_HANDLE || error == ERROR_GEN_FAILURE ? SB_ERROR_NO_CONSOLE
                                                                           : error;
    }
    DWORD rc = 0;
    if (caller_on_console(caller)) {
        rc = SB_ERROR_SHARED_CONSOLE;
    } else {
        SetConsoleCtrlHandler(NULL, TRUE); /* CTRL_C: not for this process */
        SetConsoleCtrlHandler(ignore_event, TRUE);
        if (!GenerateConsoleCtrlEvent(type, 0)) {
            rc = GetLastError();
        }
    }
    FreeConsole();
    return rc;
}

int WINAPI WinMain(HINSTANCE instance, HINSTANCE previous, LPSTR line, int show)
{
    (void)instance;
    (void)previous;
    (void)line;
    (void)show;
    if (__argc != 4) {
        return ERROR_INVALID_PARAMETER;
    }
    char *end = NULL;
    unsigned long values[3];
    for (int i = 0; i < 3; i++) {
        values[i] = strtoul(__argv[i + 1], &end, 10);
        if (end == __argv[i + 1] || *end != '\0') {
            return ERROR_INVALID_PARAMETER;
        }
    }
    if ((values[0] != CTRL_C_EVENT && values[0] != CTRL_BREAK_EVENT) || values[1] == 0) {
        return ERROR_INVALID_PARAMETER;
    }
    return (int)send_on_console_of((DWORD)values[0], (DWORD)values[1], (DWORD)values[2]);
}
