/*
 * sb_wakeup.h - how a signal handler wakes the dispatcher, and how the dispatcher sleeps.
 *
 * A wake-up counter that every sb_wakeup_signal bumps, and a flag the consumer raises while it
 * sleeps: a handler makes a system call only when the consumer actually sleeps (a futex wake on
 * Linux; one byte into a self-pipe elsewhere). During a flood the consumer is awake and the
 * handlers cost two atomic operations, no system call. The consumer sleeps only while the
 * counter still holds the value it last consumed, so a wake-up between its last drain and its
 * sleep is never lost (it returns at once instead).
 *
 * Not sigwait/signalfd: those need the signal blocked in every thread, and the JVM's threads
 * are not ours to mask. The pipe (non-Linux) is O_CLOEXEC; a forked child between fork and
 * exec may still write into it, which the dispatcher sees as a spurious wake-up. A futex word
 * is private to the process: a forked child's handler wakes nobody.
 */
#ifndef SB_WAKEUP_H
#define SB_WAKEUP_H

#include <stdbool.h>

int sb_wakeup_init(void);
/* Async-signal-safe: two atomic operations, and a system call only when the consumer sleeps;
 * keeps errno. */
void sb_wakeup_signal(void);
/* The consumer (one thread): returns 0 once something called sb_wakeup_signal since this
 * function last returned (at once if that happened already), SB_WAIT_STOPPED (sb_platform.h)
 * after sb_wakeup_stop, or an errno value. Spurious returns are allowed. */
int sb_wakeup_wait(void);
/* Ends all waiting for good, from any thread (not signal context): the consumer returns
 * SB_WAIT_STOPPED from its wait, and from every later one. */
void sb_wakeup_stop(void);
/* Async-signal-safe: whether sb_wakeup_stop was called. A full fence before the load: a
 * handler that published an event and then finds this false knows the consumer will still
 * see the event (it stops only after draining once more). */
bool sb_wakeup_stopped(void);

#endif
