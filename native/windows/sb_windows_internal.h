/*
 * sb_windows_internal.h - what sb_signals.c shares with the hidden window (sb_window.c): the
 * capture, the tickets a waiting capture takes and Java acknowledges, the console modes and
 * grace, and "what the JVM does with TERM". Not used outside native/windows/.
 */
#ifndef SB_WINDOWS_INTERNAL_H
#define SB_WINDOWS_INTERNAL_H

#include <stdint.h>
#include <windows.h>

/* Records one event of `slot` and wakes the dispatcher; ticket != 0 marks it SB_EVENT_SYNC. */
void sb_win_capture(int slot, int code, uint16_t source, uint64_t ticket);
uint64_t sb_win_take_ticket(int slot);
/* Waits until Java acknowledged `ticket` of `slot` or `grace` ms passed: whether the event was
 * consumed; on time-out, `otherwise`. */
int sb_win_await_handled(int slot, uint64_t ticket, LONG grace, int otherwise);
/* The SB_CONSOLE_* mode Java set for a CTRL_*_EVENT type, and the console grace in ms. */
LONG sb_win_console_mode(int type);
LONG sb_win_grace_millis(void);
/* Whether sigbridge's CRT handler for SIGTERM is installed (a TERM registration exists). */
int sb_win_term_installed(void);
/* What the process would do with TERM without sigbridge's handler: the action that was in
 * msvcrt before ours, or, for its default, a raise in the JVM's C runtime (java.lang.Terminator:
 * shutdown hooks, exit 143). */
void sb_win_jvm_term(void);

#endif
