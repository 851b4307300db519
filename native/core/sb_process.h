/*
 * sb_process.h - process-group and child-process control used by ProcessGroups and
 * `sigbridge run`. Each function returns 0 or an error code.
 */
#ifndef SB_PROCESS_H
#define SB_PROCESS_H

#include <stdint.h>

/* setpgid(pid, pgid). EACCES means the child already exec'd (and led its group itself). */
int sb_process_setpgid(int64_t pid, int64_t pgid);

/* The process group of pid, or a negated error code. */
int64_t sb_process_getpgid(int64_t pid);

/* Makes this process a child subreaper (Linux); ENOSYS elsewhere. */
int sb_process_become_subreaper(void);

/* Reaps pid if it has exited (waitpid WNOHANG): 1 reaped, 0 still running, or a negated error. */
int sb_process_reap(int64_t pid);

/* Replaces this process image: execve(path, argv, envp), every signal blocked across it (POSIX).
 * Returns only on failure, with errno (the mask as before). */
int sb_process_exec(const char *path, char *const argv[], char *const envp[]);

#endif
