/*
 * sb_wakeup.h - the self-pipe that wakes the dispatcher.
 *
 * A pipe rather than sigwait/signalfd: those need the signal blocked in every
 * thread, and the JVM's threads are not ours to mask. Both ends are O_CLOEXEC
 * and O_NONBLOCK; a forked child between fork and exec may still write into it,
 * which the dispatcher sees as a spurious wake-up and tolerates.
 */
#ifndef SB_WAKEUP_H
#define SB_WAKEUP_H

int sb_wakeup_init(void);
/* Async-signal-safe: one non-blocking write(2); keeps errno. */
void sb_wakeup_signal(void);
/* Waits until the pipe is readable, then empties it. */
int sb_wakeup_wait(void);

#endif
