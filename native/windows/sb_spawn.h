/*
 * sb_spawn.h - children for ProcessGroups.start on Windows: CreateProcessW with
 * CREATE_NEW_PROCESS_GROUP, placed in a Job Object before it runs, with the standard handles
 * ProcessBuilder's redirects ask for. Used by sb_jni_windows.c.
 */
#ifndef SB_SPAWN_H
#define SB_SPAWN_H

#include <stdint.h>
#include <wchar.h>

/* What one standard handle of the child is (index 0 stdin, 1 stdout, 2 stderr). */
#define SB_STDIO_PIPE 0    /* a pipe; the parent's end comes back in parent_ends */
#define SB_STDIO_INHERIT 1 /* the parent's own standard handle (none if it has none) */
#define SB_STDIO_READ 2    /* the file at path, opened for reading */
#define SB_STDIO_WRITE 3   /* the file at path, created or truncated */
#define SB_STDIO_APPEND 4  /* the file at path, created or appended to */
#define SB_STDIO_STDOUT 5  /* stderr only: the same handle as stdout (redirectErrorStream) */

/* Which step failed (sb_spawned.failed_step), so Java can say what could not be done. */
#define SB_SPAWN_STEP_NONE 0
#define SB_SPAWN_STEP_STDIN 1 /* +1 stdout, +2 stderr */
#define SB_SPAWN_STEP_CREATE_PROCESS 4
#define SB_SPAWN_STEP_JOB 5
#define SB_SPAWN_STEP_ARGUMENTS 6

typedef struct {
    uint32_t pid;
    void *process;         /* the process handle; the caller closes it */
    void *thread;          /* its first thread, still suspended: sb_spawn_resume */
    void *job;             /* the Job Object the process (and what it starts) is in */
    void *parent_ends[3];  /* SB_STDIO_PIPE: the parent's end (stdin write, stdout/stderr read) */
    int failed_step;
} sb_spawned;

/*
 * Starts command_line (already quoted) suspended in a new process group and assigns it to a new
 * Job Object (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE when kill_on_close). It stays suspended until
 * sb_spawn_resume(out->thread), so the caller can look at it (a pid that cannot have ended yet).
 * environment: a CREATE_UNICODE_ENVIRONMENT block, or NULL to inherit; directory may be NULL.
 * The child inherits exactly its three standard handles (PROC_THREAD_ATTRIBUTE_HANDLE_LIST).
 * Returns 0 or a Windows error code; on failure nothing is left open or running.
 */
int sb_spawn(const wchar_t *command_line, const wchar_t *environment, const wchar_t *directory,
             const int modes[3], const wchar_t *const paths[3], int kill_on_close,
             sb_spawned *out);

/* Lets the suspended child run and closes the thread handle: 0 or an error code (then the
 * caller kills the job). */
int sb_spawn_resume(void *thread);
/* 0 when the process has ended, WAIT_TIMEOUT (258) when it is still running, or an error. */
int sb_spawn_wait(void *process, uint32_t millis);
/* The exit code (0..0xffffffff), or a negated error code. */
int64_t sb_spawn_exit_code(void *process);
int sb_spawn_terminate_job(void *job, uint32_t exit_code);
/* How many processes of the job are running, or a negated error code. */
int64_t sb_spawn_active_processes(void *job);
int sb_spawn_close(void *handle);
/* Bytes read (0 for a zero-length write), or a negated error code: -ERROR_BROKEN_PIPE (109)
 * is the end of the stream (the child closed its end). */
int64_t sb_spawn_read(void *handle, void *buffer, uint32_t length);
/* 0 when all length bytes were written, or an error code. */
int sb_spawn_write(void *handle, const void *buffer, uint32_t length);
/* Bytes that can be read without blocking (0 at the end), or a negated error code. */
int64_t sb_spawn_available(void *handle);

#endif
