/*
 * sb_process.c (Windows) - POSIX process groups, subreapers and exec do not exist on Windows:
 * ProcessGroups and `sigbridge run` are POSIX features. Console process groups are reached
 * with Signals.sendConsoleEvent instead.
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
