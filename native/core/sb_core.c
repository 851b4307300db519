#include "sb_core.h"

#include <errno.h>
#include <stdatomic.h>

#include "sb_ring.h"

/* Per-slot counters. `pending` is written by producers when the ring is full and
 * taken (exchanged to zero) by the consumer: it is the only hand-off besides the
 * ring itself. `delivered` and `coalesced` are only written by the consumer but
 * read by reporters, hence atomic.
 *
 * `pending_ticket` is the highest last-gasp ticket among the folded deliveries: whoever takes
 * the pending count (the consumer's FOLDED event, or a later event that carries it) takes the
 * ticket too, so the waiting thread is released once the handlers of an event standing for
 * its delivery ran (tickets complete as a maximum). A folding producer raises the ticket
 * before it adds its count, so a count is never taken without its ticket; at worst a ticket
 * is taken one event early, when both handlers of that signal have run but one. */
typedef struct sb_slot_counters {
    _Atomic(uint64_t) invocations;
    _Atomic(uint64_t) pending;
    _Atomic(uint64_t) pending_ticket;
    _Atomic(int64_t) last_fold_nanos;
    _Atomic(int32_t) last_fold_source_code; /* source << 16 | code of the last folded delivery */
    _Atomic(uint64_t) delivered;
    _Atomic(uint64_t) coalesced;
} sb_slot_counters;

static sb_ring ring;
static atomic_bool ready;
static uint64_t next_sequence = 1; /* consumer-only: delivery order */
/* Last gasps pushed and not yet drained (at least: raised before the push, lowered after the
 * drain): only then is it worth looking past an entry that is claimed but not published. */
static _Atomic(int64_t) sync_in_ring;
/* Events the consumer has drained: what a waiting last gasp reads as "the dispatcher moves". */
static _Atomic(uint64_t) drained_total;
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

/* Lock-free maximum: the CAS only fails when another producer made progress. */
static void raise_to(_Atomic(uint64_t) *value, uint64_t at_least)
{
    uint64_t seen = atomic_load_explicit(value, memory_order_relaxed);
    while (seen < at_least &&
           !atomic_compare_exchange_weak_explicit(value, &seen, at_least, memory_order_release,
                                                  memory_order_relaxed)) {
    }
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
    if (folded != 0) {
        uint64_t carried = atomic_exchange_explicit(&c->pending_ticket, 0, memory_order_acquire);
        if (carried > event->ticket) {
            event->ticket = carried;
        }
    }
    bool sync = (event->flags & SB_EVENT_SYNC) != 0;
    if (sync) {
        atomic_fetch_add_explicit(&sync_in_ring, 1, memory_order_relaxed);
    }
    if (!atomic_load_explicit(&ready, memory_order_acquire) || !sb_ring_push(&ring, event)) {
        if (sync) {
            atomic_fetch_sub_explicit(&sync_in_ring, 1, memory_order_relaxed);
        }
        raise_to(&c->pending_ticket, event->ticket);
        atomic_store_explicit(&c->last_fold_nanos, event->nanos, memory_order_relaxed);
        atomic_store_explicit(&c->last_fold_source_code,
                              (int32_t)((uint32_t)event->source << 16 | (uint16_t)event->code),
                              memory_order_relaxed);
        atomic_fetch_add_explicit(&c->pending, folded + 1, memory_order_release);
    }
}

/* Consumer side: numbers a drained event and counts it as delivered. */
static void took(sb_event *e)
{
    sb_slot_counters *c = slot_of(e->signo);
    e->sequence = next_sequence++;
    atomic_fetch_add_explicit(&c->delivered, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->coalesced, e->coalesced, memory_order_relaxed);
    if (e->flags & SB_EVENT_SYNC) {
        atomic_fetch_sub_explicit(&sync_in_ring, 1, memory_order_relaxed);
    }
    atomic_fetch_add_explicit(&drained_total, 1, memory_order_release);
}

uint32_t sb_core_drain(sb_event *out, uint32_t max)
{
    uint32_t n = 0;
    if (!atomic_load_explicit(&ready, memory_order_acquire)) {
        return 0;
    }
    while (n < max && sb_ring_pop(&ring, &out[n])) {
        took(&out[n++]);
    }
    if (n == 0 && atomic_load_explicit(&sync_in_ring, memory_order_relaxed) > 0) {
        /* Stopped at an entry claimed but not published, or at the end: a last gasp further
         * on must not wait behind an interrupted producer (perhaps on its own thread). */
        while (n < max && sb_ring_pop_ahead(&ring, SB_EVENT_SYNC, &out[n])) {
            took(&out[n++]);
        }
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
        uint64_t ticket = atomic_exchange_explicit(&c->pending_ticket, 0, memory_order_acquire);
        if (ticket != 0) {
            e->flags |= SB_EVENT_SYNC; /* it stands for a waiting last gasp */
            e->ticket = ticket;
            atomic_fetch_add_explicit(&sync_in_ring, 1, memory_order_relaxed); /* took() lowers it */
        }
        took(e);
    }
    return n;
}

uint64_t sb_core_drained(void)
{
    return atomic_load_explicit(&drained_total, memory_order_acquire);
}

void sb_core_stats(int slot, sb_slot_stats *out)
{
    sb_slot_counters *c = slot_of(slot);
    out->invocations = atomic_load(&c->invocations);
    out->delivered = atomic_load(&c->delivered);
    out->coalesced = atomic_load(&c->coalesced);
}
