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

#endif
