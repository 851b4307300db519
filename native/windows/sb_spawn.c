/*
 * sb_spawn.c - children for ProcessGroups.start on Windows (see sb_spawn.h).
 *
 * Why not the JDK: ProcessBuilder has no way to pass CREATE_NEW_PROCESS_GROUP, and the only
 * dependable way to stop a console child gracefully is CTRL_BREAK_EVENT to its own group. The
 * child is created suspended and assigned to a Job Object before its first instruction runs,
 * so nothing it starts can escape TerminateJobObject.
 *
 * Handles: every handle is created non-inheritable; the child's three are made inheritable
 * only around CreateProcessW and handed over with PROC_THREAD_ATTRIBUTE_HANDLE_LIST, so this
 * child inherits nothing else (the JDK's own children may still inherit ours inside that short
 * window, as they inherit each other's).
 */
#include "sb_spawn.h"

#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "sb_windows.h"

#ifndef PROC_THREAD_ATTRIBUTE_HANDLE_LIST
#define PROC_THREAD_ATTRIBUTE_HANDLE_LIST 0x00020002
#endif

static const DWORD std_ids[3] = {STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE};

static void close_if(HANDLE *h)
{
    if (*h != NULL && *h != INVALID_HANDLE_VALUE) {
        CloseHandle(*h);
    }
    *h = NULL;
}

/* The child's handle for one standard stream (and the parent's end for a pipe). */
static DWORD open_stdio(int index, int mode, const wchar_t *path, HANDLE *child, HANDLE *parent)
{
    const DWORD share = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;
    *child = NULL;
    *parent = NULL;
    switch (mode) {
    case SB_STDIO_PIPE: {
        HANDLE r = NULL;
        HANDLE w = NULL;
        if (!CreatePipe(&r, &w, NULL, 0)) {
            return GetLastError();
        }
        *child = index == 0 ? r : w;
        *parent = index == 0 ? w : r;
        return 0;
    }
    case SB_STDIO_INHERIT: {
        HANDLE own = GetStdHandle(std_ids[index]);
        if (own == NULL || own == INVALID_HANDLE_VALUE) {
            return 0; /* this process has none: neither will the child */
        }
        if (!DuplicateHandle(GetCurrentProcess(), own, GetCurrentProcess(), child, 0, FALSE,
                             DUPLICATE_SAME_ACCESS)) {
            *child = NULL;
            return GetLastError();
        }
        return 0;
    }
    case SB_STDIO_READ:
    case SB_STDIO_WRITE:
    case SB_STDIO_APPEND: {
        if (path == NULL) {
            return ERROR_INVALID_PARAMETER;
        }
        DWORD access = mode == SB_STDIO_READ    ? GENERIC_READ
                       : mode == SB_STDIO_WRITE ? GENERIC_WRITE
                                                : (FILE_GENERIC_WRITE & ~FILE_WRITE_DATA);
        DWORD disposition = mode == SB_STDIO_READ    ? OPEN_EXISTING
                            : mode == SB_STDIO_WRITE ? CREATE_ALWAYS
                                                     : OPEN_ALWAYS;
        HANDLE h = CreateFileW(path, access, share, NULL, disposition, FILE_ATTRIBUTE_NORMAL, NULL);
        if (h == INVALID_HANDLE_VALUE) {
            return GetLastError();
        }
        *child = h;
        return 0;
    }
    default:
        return ERROR_INVALID_PARAMETER;
    }
}

int sb_spawn(const wchar_t *command_line, const wchar_t *environment, const wchar_t *directory,
             const int modes[3], const wchar_t *const paths[3], int kill_on_close,
             sb_spawned *out)
{
    memset(out, 0, sizeof *out);
    if (command_line == NULL || command_line[0] == L'\0' || modes[0] == SB_STDIO_STDOUT
        || modes[1] == SB_STDIO_STDOUT) {
        out->failed_step = SB_SPAWN_STEP_ARGUMENTS;
        return ERROR_INVALID_PARAMETER;
    }
    HANDLE child[3] = {NULL, NULL, NULL};
    HANDLE parent[3] = {NULL, NULL, NULL};
    HANDLE job = NULL;
    wchar_t *line = NULL;
    LPPROC_THREAD_ATTRIBUTE_LIST attributes = NULL;
    PROCESS_INFORMATION pi;
    memset(&pi, 0, sizeof pi);
    DWORD error = 0;

    for (int i = 0; i < 3 && error == 0; i++) {
        if (i == 2 && modes[2] == SB_STDIO_STDOUT) {
            break; /* child[2] is child[1], set below */
        }
        error = open_stdio(i, modes[i], paths[i], &child[i], &parent[i]);
        if (error != 0) {
            out->failed_step = SB_SPAWN_STEP_STDIN + i;
        }
    }
    HANDLE err_handle = modes[2] == SB_STDIO_STDOUT ? child[1] : child[2];

    if (error == 0) {
        job = CreateJobObjectW(NULL, NULL);
        if (job == NULL) {
            error = GetLastError();
            out->failed_step = SB_SPAWN_STEP_JOB;
        } else if (kill_on_close) {
            JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
            memset(&limits, 0, sizeof limits);
            limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
            if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits,
                                         sizeof limits)) {
                error = GetLastError();
                out->failed_step = SB_SPAWN_STEP_JOB;
            }
        }
    }

    /* The distinct handles the child inherits, made inheritable only for CreateProcessW. */
    HANDLE inherit[3];
    DWORD inherit_count = 0;
    HANDLE stdio[3] = {child[0], child[1], err_handle};
    for (int i = 0; i < 3; i++) {
        if (stdio[i] == NULL) {
            continue;
        }
        int seen = 0;
        for (DWORD j = 0; j < inherit_count; j++) {
            seen |= inherit[j] == stdio[i];
        }
        if (!seen) {
            inherit[inherit_count++] = stdio[i];
        }
    }

    if (error == 0) {
        size_t length = wcslen(command_line);
        line = malloc((length + 1) * sizeof(wchar_t)); /* CreateProcessW may write into it */
        SIZE_T size = 0;
        if (line == NULL) {
            error = ERROR_NOT_ENOUGH_MEMORY;
        } else {
            memcpy(line, command_line, (length + 1) * sizeof(wchar_t));
        }
        if (error == 0 && inherit_count > 0) {
            InitializeProcThreadAttributeList(NULL, 1, 0, &size);
            attributes = malloc(size);
            if (attributes == NULL) {
                error = ERROR_NOT_ENOUGH_MEMORY;
            } else if (!InitializeProcThreadAttributeList(attributes, 1, 0, &size)) {
                error = GetLastError();
                free(attributes);
                attributes = NULL;
            } else if (!UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                                  inherit, inherit_count * sizeof(HANDLE), NULL,
                                                  NULL)) {
                error = GetLastError();
            }
        }
        if (error != 0) {
            out->failed_step = SB_SPAWN_STEP_CREATE_PROCESS;
        }
    }

    if (error == 0) {
        STARTUPINFOEXW startup;
        memset(&startup, 0, sizeof startup);
        startup.StartupInfo.cb = attributes != NULL ? sizeof startup : sizeof startup.StartupInfo;
        startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
        startup.StartupInfo.hStdInput = child[0];
        startup.StartupInfo.hStdOutput = child[1];
        startup.StartupInfo.hStdError = err_handle;
        startup.lpAttributeList = attributes;
        DWORD flags = CREATE_NEW_PROCESS_GROUP | CREATE_UNICODE_ENVIRONMENT | CREATE_SUSPENDED;
        if (attributes != NULL) {
            flags |= EXTENDED_STARTUPINFO_PRESENT;
        }
        /* On this console, so CTRL_BREAK can reach the child's group; without one, a console
         * child gets a console of its own that shows no window (as the JDK does it). */
        if (!sb_windows_has_console()) {
            flags |= CREATE_NO_WINDOW;
        }
        for (DWORD j = 0; j < inherit_count; j++) {
            SetHandleInformation(inherit[j], HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
        }
        BOOL ok = CreateProcessW(NULL, line, NULL, NULL, inherit_count > 0, flags,
                                 (LPVOID)environment, directory, &startup.StartupInfo, &pi);
        if (!ok) {
            error = GetLastError();
            out->failed_step = SB_SPAWN_STEP_CREATE_PROCESS;
            memset(&pi, 0, sizeof pi);
        }
    }

    if (error == 0 && !AssignProcessToJobObject(job, pi.hProcess)) {
        error = GetLastError();
        out->failed_step = SB_SPAWN_STEP_JOB;
        TerminateProcess(pi.hProcess, 1); /* it never ran */
        WaitForSingleObject(pi.hProcess, 5000);
    }

    /* The child has its copies now (or never will): ours go, whatever happened. */
    close_if(&child[0]);
    close_if(&child[1]);
    close_if(&child[2]);
    if (attributes != NULL) {
        DeleteProcThreadAttributeList(attributes);
        free(attributes);
    }
    free(line);

    if (error != 0) {
        close_if(&pi.hThread);
        close_if(&pi.hProcess);
        close_if(&job);
        close_if(&parent[0]);
        close_if(&parent[1]);
        close_if(&parent[2]);
        return (int)error;
    }
    out->pid = pi.dwProcessId;
    out->process = pi.hProcess;
    out->thread = pi.hThread;
    out->job = job;
    for (int i = 0; i < 3; i++) {
        out->parent_ends[i] = parent[i];
    }
    return 0;
}

int sb_spawn_resume(void *thread)
{
    DWORD rc = ResumeThread((HANDLE)thread) == (DWORD)-1 ? GetLastError() : 0;
    CloseHandle((HANDLE)thread);
    return (int)rc;
}

int sb_spawn_wait(void *process, uint32_t millis)
{
    DWORD rc = WaitForSingleObject((HANDLE)process, (DWORD)millis);
    if (rc == WAIT_OBJECT_0) {
        return 0;
    }
    if (rc == WAIT_TIMEOUT) {
        return WAIT_TIMEOUT;
    }
    return (int)GetLastError();
}

int64_t sb_spawn_exit_code(void *process)
{
    DWORD code = 0;
    if (!GetExitCodeProcess((HANDLE)process, &code)) {
        return -(int64_t)GetLastError();
    }
    return (int64_t)code;
}

int sb_spawn_terminate_job(void *job, uint32_t exit_code)
{
    return TerminateJobObject((HANDLE)job, exit_code) ? 0 : (int)GetLastError();
}

int64_t sb_spawn_active_processes(void *job)
{
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION info;
    memset(&info, 0, sizeof info);
    if (!QueryInformationJobObject((HANDLE)job, JobObjectBasicAccountingInformation, &info,
                                   sizeof info, NULL)) {
        return -(int64_t)GetLastError();
    }
    return (int64_t)info.ActiveProcesses;
}

int sb_spawn_close(void *handle)
{
    return CloseHandle((HANDLE)handle) ? 0 : (int)GetLastError();
}

int64_t sb_spawn_read(void *handle, void *buffer, uint32_t length)
{
    DWORD n = 0;
    if (!ReadFile((HANDLE)handle, buffer, length, &n, NULL)) {
        return -(int64_t)GetLastError(); /* ERROR_BROKEN_PIPE: the child closed its end */
    }
    return (int64_t)n;
}

int sb_spawn_write(void *handle, const void *buffer, uint32_t length)
{
    const char *p = buffer;
    while (length > 0) {
        DWORD n = 0;
        if (!WriteFile((HANDLE)handle, p, length, &n, NULL)) {
            return (int)GetLastError();
        }
        p += n;
        length -= n;
    }
    return 0;
}

int64_t sb_spawn_available(void *handle)
{
    DWORD n = 0;
    if (!PeekNamedPipe((HANDLE)handle, NULL, 0, NULL, &n, NULL)) {
        DWORD error = GetLastError();
        return error == ERROR_BROKEN_PIPE ? 0 : -(int64_t)error;
    }
    return (int64_t)n;
}
