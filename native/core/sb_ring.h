/*
 * sb_ring.h - a bounded, lock-free, multi-producer single-consumer ring of sb_event.
 *
 * Producers are signal handlers: any thread, at any moment, possibly nested (a
 * handler interrupted by another signal's handler on the same thread). So a
 * producer never waits for anyone: it claims a slot with one CAS and fails fast
 * when the ring is full. Each slot carries a sequence number (Vyukov's bounded
 * queue) so the consumer sees a slot only after its producer has published it;
 * a producer interrupted between claim and publish only delays the consumer,
 * it never corrupts or loses an entry.
 *
 * Storage is allocated once, outside signal context, and never freed while a
 * handler could still run.
 */
#ifndef SB_RING_H
#define SB_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sb_event.h"

#if ATOMIC_LLONG_LOCK_FREE != 2 || ATOMIC_INT_LOCK_FREE != 2
#error "sigbridge needs always-lock-free 32- and 64-bit atomics: a lock in a signal handler deadlocks"
#endif

#define SB_RING_MIN_CAPACITY 2u
#define SB_RING_MAX_CAPACITY (1u << 20)

typedef struct sb_ring_slot {
    /* The slot's turn minus its index (turn: == position, free for the producer of that
     * position; == position + 1, published, readable by the consumer). Relative to the index
     * so that zeroed memory is an empty ring: the slots are never written before their first
     * use, and a large ring costs resident memory only as far as signals ever reached. */
    _Atomic(uint64_t) turn_less_index;
    sb_event event;
} sb_ring_slot;

typedef struct sb_ring {
    sb_ring_slot *slots;
    uint64_t mask;                 /* capacity - 1; capacity is a power of two */
    _Atomic(uint64_t) tail;        /* next position a producer claims */
    uint64_t head;                 /* next position the (single) consumer reads */
} sb_ring;

/* Rounds a requested capacity up to a power of two within the supported range. */
uint32_t sb_ring_capacity_for(uint32_t requested);

/* Allocates the slots. Not async-signal-safe; call once before any producer. 0 or errno. */
int sb_ring_init(sb_ring *ring, uint32_t capacity);

/* Releases the slots: only for tests, when no producer can run any more. */
void sb_ring_destroy(sb_ring *ring);

/* Async-signal-safe and lock-free. false when the ring is full (nothing is written). */
bool sb_ring_push(sb_ring *ring, const sb_event *event);

/* Consumer only (one thread). false when the next slot is empty or not yet published. Skips
 * the entries sb_ring_pop_ahead took already. */
bool sb_ring_pop(sb_ring *ring, sb_event *out);

/* Consumer only. When the next slot is claimed but not published (its producer was interrupted
 * between claim and publish: possibly by a last gasp on the same thread, which now waits for
 * the consumer and would wait in vain behind it), takes the first published entry further on
 * whose flags include all of `flags`, and marks it so that sb_ring_pop skips it later. false
 * when there is none. Producers are untouched: a marked slot is freed when the consumer passes
 * it in order, as any other. */
bool sb_ring_pop_ahead(sb_ring *ring, uint16_t flags, sb_event *out);

/* The event flag bit the ring keeps for itself (never in an event that leaves it). */
#define SB_RING_TAKEN_AHEAD 0x8000u

uint32_t sb_ring_capacity(const sb_ring *ring);

#endif
