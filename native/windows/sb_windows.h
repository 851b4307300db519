/*
 * sb_windows.h - what the Windows backend offers beyond sb_platform.h: console control
 * events and the "handlers done" acknowledgement, used by sb_jni_windows.c.
 */
#ifndef SB_WINDOWS_H
#define SB_WINDOWS_H

#include <stdint.h>

/* What the console routine does with one CTRL_*_EVENT type (set from Java). */
#define SB_CONSOLE_OFF 0     /* not ours: return FALSE at once, the next handler (the JVM's) runs */
#define SB_CONSOLE_CONSUME 1 /* capture; TRUE (at once for CTRL_C/CTRL_BREAK) */
#define SB_CONSOLE_CHAIN 2   /* capture, wait for the Java handlers, then FALSE: the JVM's runs */

/* Errors of our own: bit 29 marks application-defined codes in the Windows error space. */
#define SB_ERROR_NO_CONSOLE 0x20000001
#define SB_ERROR_NOT_INITIALIZED 0x20000002
#define SB_ERROR_SHARED_CONSOLE 0x20000003  /* the target is on this process's console */
#define SB_ERROR_CTRL_C_DISABLED 0x20000004 /* the target ignores CTRL_C (a new process group) */
#define SB_ERROR_NO_WINDOW 0x20000005       /* the target has no top-level window here */
#define SB_ERROR_NO_SUCH_PROCESS 0x20000006
#define SB_ERROR_WINDOW_FAILED 0x20000007   /* CreateWindowEx failed without saying why */

/* Sources beyond sb_event.h's SB_SOURCE_SIGNAL and SB_SOURCE_CONSOLE: messages to the hidden
 * window (sb_window.c). */
#define SB_SOURCE_CLOSE_REQUEST 2 /* WM_CLOSE (taskkill /PID): slot SIGTERM, code WM_CLOSE */
#define SB_SOURCE_END_SESSION 3   /* WM_ENDSESSION: the slot of CTRL_LOGOFF or CTRL_SHUTDOWN */

/* Longest grace a CTRL_CLOSE/LOGOFF/SHUTDOWN (or SIGABRT) capture waits for Java, in ms: the
 * system ends the process about 5 s after CTRL_CLOSE in any case. */
#define SB_GRACE_MAX_MILLIS 4500
#define SB_GRACE_DEFAULT_MILLIS 4000

int sb_windows_console_mode(int type, int mode);
void sb_windows_set_grace(int millis);
/* Java reports that the handlers of an SB_EVENT_SYNC console event ran (consumed: a handler ran and
 * none asked for Chain.PREVIOUS). */
void sb_windows_handled(int slot, uint64_t ticket, int consumed);
int sb_windows_send_console_event(int type, int64_t group);
int sb_windows_has_console(void);
/* Test support: runs the console routine on the calling thread as the console would on its
 * CtrlRoutine thread (for CTRL_CLOSE/LOGOFF/SHUTDOWN, which only the system can send). */
int sb_windows_run_console_routine(int type);
int sb_windows_pass_on_ctrl_c_through_msvcrt(void);

/*
 * The hidden top-level window (sb_window.c), on a thread of its own with a message loop, of
 * class "sigbridge-<pid>", title "sigbridge <pid>". wanted != 0: creates it when there is none
 * and returns once it exists (0) or could not be made (an error code); 0: retires it (it ignores
 * everything from then on and is destroyed by its thread). Called by Java under its install lock.
 */
int sb_windows_window_wanted(int wanted);
/* What taskkill /PID does: WM_CLOSE posted to every top-level window of process pid on this
 * desktop. The number of windows it was posted to (>= 1), or a negated error code:
 * SB_ERROR_NO_WINDOW, SB_ERROR_NO_SUCH_PROCESS, or PostMessage's error (ERROR_ACCESS_DENIED: a
 * process of higher integrity). */
int64_t sb_windows_post_close(int64_t pid);
/* Test support: the title of process pid's sigbridge window (found by its class name) into
 * title, or 0 when it has none; and SendMessageTimeout of msg to it (the result, or a negated
 * error code). */
int sb_windows_window_title(int64_t pid, wchar_t *title, int size);
int64_t sb_windows_send_to_window(int64_t pid, unsigned msg, uint64_t wparam, int64_t lparam,
                                  unsigned timeout_millis);

#endif
