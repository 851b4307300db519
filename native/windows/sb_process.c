/*
 * sb_process.c (Windows) - POSIX process groups, subreapers and exec do not exist on Windows.
 * ProcessGroups and `sigbridge run` take their own path there: sb_spawn.c (CreateProcessW with
 * CREATE_NEW_PROCESS_GROUP, a Job Object) and CTRL_BREAK through Signals.sendConsoleEvent.
 */
#include "../core/sb_process.h"

#include <windows.h>

int sb_process_setpgid(int64_t pid, int64_t pgid)
{
    (void)pid;
    (void)pgid;
    return ERROR_NOT_SUPPORTED;
}

int64_t sb_process_getpgid(int64_t pid)
{
    (void)pid;
    return -(int64_t)ERROR_NOT_SUPPORTED;
}

int sb_process_become_subreaper(void)
{
    return ERROR_NOT_SUPPORTED;
}

int sb_process_reap(int64_t pid)
{
    (void)pid;
    return -ERROR_NOT_SUPPORTED;
}

int sb_process_exec(const char *path, char *const argv[], char *const envp[])
{
    (void)path;
    (void)argv;
    (void)envp;
    return ERROR_NOT_SUPPORTED;
}
