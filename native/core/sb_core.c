#include "sb_core.h"

#include <errno.h>
#include <stdatomic.h>

#include "sb_ring.h"

/* Per-slot counters. `pending` is written by producers when the ring is full and
 * taken (exchanged to zero) by the consumer: it is the only hand-off besides the
 * ring itself. `delivered` and `coalesced` are only written by the consumer but
 * read by reporters, hence atomic. */
typedef struct sb_slot_counters {
    _Atomic(uint64_t) invocations;
    _Atomic(uint64_t) pending;
    _Atomic(int64_t) last_fold_nanos;
    _Atomic(int32_t) last_fold_source_code; /* source << 16 | code of the last folded delivery */
    _Atomic(uint64_t) delivered;
    _Atomic(uint64_t) coalesced;
} sb_slot_counters;

static sb_ring ring;
static atomic_bool ready;
static uint64_t next_sequence = 1; /* consumer-only: delivery order */
static sb_slot_counters counters[SB_MAX_SLOTS];

int sb_core_init(uint32_t ring_capacity)
{
    if (atomic_load(&ready)) {
        return 0;
    }
    int rc = sb_ring_init(&ring, ring_capacity);
    if (rc == 0) {
        atomic_store(&ready, true);
    }
    return rc;
}

bool sb_core_ready(void)
{
    return atomic_load(&ready);
}

uint32_t sb_core_ring_capacity(void)
{
    return atomic_load(&ready) ? sb_ring_capacity(&ring) : 0;
}

static sb_slot_counters *slot_of(int32_t slot)
{
    if (slot < 0 || slot >= SB_MAX_SLOTS) {
        return &counters[0]; /* slot 0 is never a real signal: a visible, harmless sink */
    }
    return &counters[slot];
}

void sb_core_capture(sb_event *event)
{
    sb_slot_counters *c = slot_of(event->signo);
    atomic_fetch_add_explicit(&c->invocations, 1, memory_order_relaxed);
    event->sequence = 0;
    /* This event carries the deliveries of its slot that were folded before it. If it
     * cannot be enqueued either, they go back, with this one, to the pending count. */
    uint64_t folded = atomic_exchange_explicit(&c->pending, 0, memory_order_acquire);
    event->coalesced = folded;
    if (!atomic_load_explicit(&ready, memory_order_acquire) || !sb_ring_push(&ring, event)) {
        atomic_store_explicit(&c->last_fold_nanos, event->nanos, memory_order_relaxed);
        atomic_store_explicit(&c->last_fold_source_code,
                              (int32_t)((uint32_t)event->source << 16 | (uint16_t)event->code),
                              memory_order_relaxed);
        atomic_fetch_add_explicit(&c->pending, folded + 1, memory_order_release);
    }
}

uint32_t sb_core_drain(sb_event *out, uint32_t max)
{
    uint32_t n = 0;
    if (!atomic_load_explicit(&ready, memory_order_acquire)) {
        return 0;
    }
    while (n < max && sb_ring_pop(&ring, &out[n])) {
        sb_slot_counters *c = slot_of(out[n].signo);
        out[n].sequence = next_sequence++;
        atomic_fetch_add_explicit(&c->delivered, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&c->coalesced, out[n].coalesced, memory_order_relaxed);
        n++;
    }
    if (n > 0) {
        return n; /* the caller comes back: folds are looked at when the ring is empty */
    }
    for (int32_t slot = 1; slot < SB_MAX_SLOTS && n < max; slot++) {
        sb_slot_counters *c = &counters[slot];
        if (atomic_load_explicit(&c->pending, memory_order_relaxed) == 0) {
            continue;
        }
        uint64_t folded = atomic_exchange_explicit(&c->pending, 0, memory_order_acquire);
        if (folded == 0) {
            continue;
        }
        /* Every delivery of this slot since the last event was folded: deliver one
         * event standing for all of them (it counts as delivered, the rest as coalesced). */
        sb_event *e = &out[n++];
        *e = (sb_event){0};
        e->signo = slot;
        e->flags = SB_EVENT_FOLDED;
        e->nanos = atomic_load_explicit(&c->last_fold_nanos, memory_order_relaxed);
        /* Where it came from, so it reaches the same handlers; a signal's code (si_code) stays
         * 0: one event stands for several deliveries. A console event's code is its type. */
        int32_t source_code = atomic_load_explicit(&c->last_fold_source_code, memory_order_relaxed);
        e->source = (uint16_t)((uint32_t)source_code >> 16);
        e->code = e->source != SB_SOURCE_SIGNAL ? (int16_t)(source_code & 0xffff) : 0;
        e->coalesced = folded - 1;
        e->sequence = next_sequence++;
        atomic_fetch_add_explicit(&c->delivered, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&c->coalesced, folded - 1, memory_order_relaxed);
    }
    return n;
}

void sb_core_stats(int slot, sb_slot_stats *out)
{
    sb_slot_counters *c = slot_of(slot);
    out->invocations = atomic_load(&c->invocations);
    out->delivered = atomic_load(&c->delivered);
    out->coalesced = atomic_load(&c->coalesced);
}
