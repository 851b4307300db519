/*
 * sb_event.h - the one record that travels from a signal handler to Java.
 *
 * Only plain values: no pointer ever goes through the ring (a pointer in a
 * signal pipe is an exploit waiting for /proc/self/fd, see libuv #4581).
 */
#ifndef SB_EVENT_H
#define SB_EVENT_H

#include <stdint.h>

/* Flags: which optional fields of an event carry information. */
#define SB_EVENT_HAS_SENDER 0x1u /* pid and uid are the sender's (a process sent it, or SIGCHLD) */
#define SB_EVENT_HAS_VALUE 0x2u  /* value is the sigqueue value (SI_QUEUE and friends) */
#define SB_EVENT_FOLDED 0x4u     /* synthesised by the consumer: the ring was full for every
                                    delivery it stands for, so no siginfo survived */
#define SB_EVENT_SYNC 0x8u       /* a last gasp: the receiving thread waits in its handler until
                                    the Java side completes `ticket` (or the grace runs out); on
                                    Windows also a console routine waiting for the handlers */
#define SB_EVENT_HAS_OVERRUN 0x10u /* overrun is a POSIX timer's si_overrun (SI_TIMER) */
/* 0x8000 is the ring's own (SB_RING_TAKEN_AHEAD, sb_ring.h). A non-zero `ticket` on an event
 * without SB_EVENT_SYNC is a last gasp's that was folded into it: complete it all the same. */

/* Where an event came from. */
#define SB_SOURCE_SIGNAL 0  /* a POSIX signal or a CRT signal; signo is its number */
#define SB_SOURCE_CONSOLE 1 /* a Windows console control event; code is the CTRL_* type */

typedef struct sb_event {
    int32_t signo;      /* signal number (the slot used for accounting) */
    int32_t code;       /* si_code, or the console event type */
    int32_t pid;        /* sender pid when SB_EVENT_HAS_SENDER */
    int32_t uid;        /* sender uid when SB_EVENT_HAS_SENDER */
    int32_t value;      /* sigqueue value when SB_EVENT_HAS_VALUE */
    uint16_t flags;     /* SB_EVENT_* */
    uint16_t source;    /* SB_SOURCE_* */
    int32_t overrun;    /* SB_EVENT_HAS_OVERRUN: timer expirations beyond this one while it was pending */
    int64_t nanos;      /* capture time, on the clock System.nanoTime() reads */
    uint64_t sequence;  /* 1-based delivery order, set by the consumer (ring order is claim order) */
    uint64_t coalesced; /* deliveries folded into this event (filled in by the consumer) */
    int64_t tid;        /* native id of the thread the handler ran on (Linux gettid), 0 if unknown */
    uint64_t ticket;    /* a last gasp's (also one folded into this event): what the Java side
                           completes after the handlers; 0 for none */
} sb_event;

/* Accounting slots: every signal number and console event maps to one slot below this. */
#define SB_MAX_SLOTS 128

/* Windows console control events use the slots SB_CONSOLE_SLOT_BASE + CTRL_*_EVENT type
 * (CTRL_C 0, CTRL_BREAK 1, CTRL_CLOSE 2, CTRL_LOGOFF 5, CTRL_SHUTDOWN 6), apart from the CRT
 * signal numbers (2..22). */
#define SB_CONSOLE_SLOT_BASE 64
#define SB_CONSOLE_TYPES 7

#endif
