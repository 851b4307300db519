/*
 * sb_core.h - the platform-neutral heart: one ring, per-slot counters, and the
 * accounting rule
 *
 *     invocations == delivered + coalesced      (at quiescence, per slot)
 *
 * Producer side (sb_core_capture) runs in signal context or on the console's
 * CtrlRoutine thread: lock-free, no allocation, no errno change.
 * Consumer side (sb_core_drain) runs on the single dispatcher thread.
 */
#ifndef SB_CORE_H
#define SB_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "sb_event.h"

typedef struct sb_slot_stats {
    uint64_t invocations; /* handler invocations captured for this slot */
    uint64_t delivered;   /* events handed to the consumer */
    uint64_t coalesced;   /* invocations folded into a delivered event */
} sb_slot_stats;

/* Creates the ring (capacity rounded up to a power of two). Idempotent: the first
 * call's capacity wins. Not async-signal-safe. 0 or an errno value. */
int sb_core_init(uint32_t ring_capacity);

bool sb_core_ready(void);
uint32_t sb_core_ring_capacity(void);

/* Producer side, async-signal-safe. Counts the invocation and either enqueues the
 * event, carrying the slot's earlier folded deliveries, or folds it into the slot's
 * pending count when the ring is full. The caller wakes the consumer afterwards. */
void sb_core_capture(sb_event *event);

/* Consumer side (one thread). Moves up to `max` events into `out` and numbers them
 * in delivery order; when the ring is drained, also emits one FOLDED event for every
 * slot with folded deliveries that no later event carried, so nothing is ever lost.
 * A folded last gasp keeps its ticket (the event carrying it has a non-zero `ticket`); a
 * last gasp published behind an entry whose producer has not published yet is taken
 * out of order. Returns the number of events written. */
uint32_t sb_core_drain(sb_event *out, uint32_t max);

/* How many events the consumer has drained so far. Async-signal-safe: a waiting last gasp
 * reads it to tell a dispatcher that moves from one that is stuck. */
uint64_t sb_core_drained(void);

/* A consistent-enough snapshot for reporting (each counter read atomically). */
void sb_core_stats(int slot, sb_slot_stats *out);

/* Monotonic nanoseconds on the clock the JVM's System.nanoTime() reads. Async-signal-safe. */
int64_t sb_clock_nanos(void);

#endif
