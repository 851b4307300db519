/*
 * sb_platform.h - what each OS backend (posix/, windows/) provides to the JNI
 * layer. Every function returns 0 or an errno-style code (never a JNI call,
 * never an exception): the Java side turns codes into typed exceptions.
 */
#ifndef SB_PLATFORM_H
#define SB_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "sb_event.h"

/* What sb_platform_disposition reports about a signal's current action. */
#define SB_DISPOSITION_DEFAULT 0
#define SB_DISPOSITION_IGNORE 1
#define SB_DISPOSITION_SIGBRIDGE 2
#define SB_DISPOSITION_OTHER 3 /* another handler: the JVM's, a native library's, ... */

/* What sb_platform_uninstall did. */
#define SB_UNINSTALL_RESTORED 0      /* the saved action is back */
#define SB_UNINSTALL_LEFT_THEIRS 1   /* someone replaced ours meanwhile: theirs stays */
#define SB_UNINSTALL_NOT_INSTALLED 2

typedef struct sb_platform_info {
    int32_t nsig;   /* one past the highest signal number */
    int32_t rtmin;  /* first real-time signal usable by applications, or -1 */
    int32_t rtmax;  /* last real-time signal, or -1 */
} sb_platform_info;

/* Creates the ring and the wake-up channel. Idempotent. */
int sb_platform_init(uint32_t ring_capacity);
void sb_platform_info_get(sb_platform_info *out);

int sb_platform_install(int signo);
int sb_platform_uninstall(int signo, int *outcome);
int sb_platform_disposition(int signo);
uintptr_t sb_platform_handler_address(int signo);

/* Declares the calling thread the one consumer (the JVM's dispatcher) of a process whose other
 * threads take signals, and brings its signal mask up to date: every signal sigbridge has
 * installed is kept blocked on it (and unblocked again once uninstalled), so that a flood of a
 * signal cannot keep the consumer running handlers instead of draining the ring, and a last
 * gasp lands on a thread that can wait; except a signal it finds blocked already, which it
 * unblocks and takes itself (every thread may block it). The JNI layer calls it before every
 * drain; a single-threaded program (the C tests) must not from its only thread. */
void sb_platform_consumer_refresh(void);

/* Blocks the calling (dispatcher) thread until a handler may have captured
 * something. Spurious returns are allowed: the caller drains and comes back.
 * Before waiting, the dispatcher thread unblocks for itself every installed signal
 * (a signal every thread blocks would never reach our handler) and blocks again
 * the ones it unblocked whose handler was uninstalled. */
int sb_platform_wait(void);
/* Wakes the dispatcher from any thread, also from a signal handler. */
void sb_platform_wake(void);

/* What sb_platform_wait returns, to the thread in it and to every later call, once
 * sb_platform_stop_waiting was called: the JVM is ending (JVMTI VMDeath) and HotSpot's exit
 * would wait for a thread that sleeps in native code (docs/ARCHITECTURE.md, "When the JVM
 * ends"). Last gasps no longer wait for Java from then on (POSIX). Not an error code. */
#define SB_WAIT_STOPPED (-1)
/* Ends the dispatcher's native waiting for good; any thread, not signal context. */
void sb_platform_stop_waiting(void);

/* Runs, outside signal context, the action that was installed before ours, for
 * the event's signal: the previous handler with a siginfo rebuilt from the
 * event, nothing for SIG_IGN, and the default action for SIG_DFL (which may end
 * or stop the process). */
int sb_platform_chain(const sb_event *event);

/* Last-gasp delivery. With synchronous mode on, the handler waits (async-signal-safely,
 * at most the grace) until the Java side completes the event's ticket, then restores the
 * previous action and lets it take effect: the previous handler is called in signal
 * context, a SIG_DFL that ends the process ends it by this signal. A handler running on
 * the consumer thread itself does not wait (nobody else could complete it).
 *   SB_SYNC_OFF: asynchronous delivery (the default)
 *   SB_SYNC_ALWAYS: every delivery is a last gasp (ABRT)
 *   SB_SYNC_IF_PREVIOUS_ENDS: only when the saved action is a SIG_DFL that ends the
 *     process (Chain.PREVIOUS: "run my Java code, then die the way you would have")
 * The mode is kept per signal whether it is installed or not: set it before installing, so
 * that the very first delivery is already a last gasp when it must be. */
#define SB_SYNC_OFF 0
#define SB_SYNC_ALWAYS 1
#define SB_SYNC_IF_PREVIOUS_ENDS 2
int sb_platform_set_synchronous(int signo, int mode);
void sb_platform_set_sync_grace_millis(int32_t millis);
void sb_platform_complete(int signo, uint64_t ticket);

int sb_platform_raise(int signo);
int sb_platform_kill(int64_t pid, int signo);
int sb_platform_sigqueue(int64_t pid, int signo, int value);
int sb_platform_kill_group(int64_t pgid, int signo);

/* The OS's text for an error code; always NUL-terminated. */
void sb_platform_error_text(int code, char *buffer, size_t size);

#endif
