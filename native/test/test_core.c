/* test_core.c - the accounting rule: invocations == delivered + coalesced, with a ring
 * far too small for the load, several producers and a concurrent consumer. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "../core/sb_core.h"
#include "sb_check.h"

#define SLOT_A 10
#define SLOT_B 12
#define PRODUCERS 4
#define PER_PRODUCER 50000

static atomic_int running_producers;

static void *produce(void *arg)
{
    int32_t slot = (int32_t)(intptr_t)arg;
    for (int i = 0; i < PER_PRODUCER; i++) {
        sb_event e;
        memset(&e, 0, sizeof e);
        e.signo = slot;
        e.value = i;
        e.nanos = sb_clock_nanos();
        sb_core_capture(&e);
    }
    atomic_fetch_sub(&running_producers, 1);
    return NULL;
}

static void accounting_holds_under_overload(void)
{
    CHECK_EQ(0, sb_core_init(8));
    CHECK_EQ(8, sb_core_ring_capacity());
    pthread_t threads[PRODUCERS];
    atomic_store(&running_producers, PRODUCERS);
    for (int i = 0; i < PRODUCERS; i++) {
        int32_t slot = (i % 2) ? SLOT_A : SLOT_B;
        CHECK_EQ(0, pthread_create(&threads[i], NULL, produce, (void *)(intptr_t)slot));
    }
    uint64_t represented[SB_MAX_SLOTS] = {0}, folded_events = 0, events = 0;
    uint64_t last_sequence = 0;
    for (;;) {
        int producing = atomic_load(&running_producers) > 0;
        sb_event out[16];
        uint32_t n = sb_core_drain(out, 16);
        for (uint32_t i = 0; i < n; i++) {
            represented[out[i].signo] += 1 + out[i].coalesced;
            events++;
            if (out[i].flags & SB_EVENT_FOLDED) {
                folded_events++;
            }
            CHECK_EQ(last_sequence + 1, out[i].sequence); /* delivery order, no gap, no repeat */
            last_sequence = out[i].sequence;
        }
        if (!producing && n == 0) {
            break;
        }
    }
    for (int i = 0; i < PRODUCERS; i++) {
        CHECK_EQ(0, pthread_join(threads[i], NULL));
    }
    int slots[2] = {SLOT_A, SLOT_B};
    for (int i = 0; i < 2; i++) {
        sb_slot_stats stats;
        sb_core_stats(slots[i], &stats);
        CHECK_EQ(2 * PER_PRODUCER, stats.invocations);
        CHECK_EQ(stats.invocations, stats.delivered + stats.coalesced);
        CHECK_EQ(stats.invocations, represented[slots[i]]);
        CHECK(stats.coalesced > 0); /* the ring really overflowed */
    }
    printf("  %llu events (%llu folded) stood for %d invocations\n",
           (unsigned long long)events, (unsigned long long)folded_events,
           PRODUCERS * PER_PRODUCER);
}

static void folded_deliveries_surface_without_a_later_event(void)
{
    /* Fill the ring, then overflow it: the overflow must come out as one FOLDED event
     * even though no later event of that slot is ever captured. */
    uint32_t capacity = sb_core_ring_capacity();
    for (uint32_t i = 0; i < capacity + 5; i++) {
        sb_event e;
        memset(&e, 0, sizeof e);
        e.signo = 20;
        sb_core_capture(&e);
    }
    sb_event out[64];
    uint32_t plain = 0, folded = 0;
    uint64_t coalesced = 0;
    uint32_t n;
    while ((n = sb_core_drain(out, 64)) > 0) {
        for (uint32_t i = 0; i < n; i++) {
            CHECK_EQ(20, out[i].signo);
            if (out[i].flags & SB_EVENT_FOLDED) {
                folded++;
            } else {
                plain++;
            }
            coalesced += out[i].coalesced;
        }
    }
    CHECK_EQ(capacity, plain);
    CHECK_EQ(1, folded);
    CHECK_EQ(4, coalesced);
    sb_slot_stats stats;
    sb_core_stats(20, &stats);
    CHECK_EQ(capacity + 5, stats.invocations);
    CHECK_EQ(stats.invocations, stats.delivered + stats.coalesced);
}

static sb_event sync_event(int32_t slot, uint64_t ticket)
{
    sb_event e;
    memset(&e, 0, sizeof e);
    e.signo = slot;
    e.flags = SB_EVENT_SYNC;
    e.ticket = ticket;
    return e;
}

static void fill_ring_with(int32_t slot)
{
    for (uint32_t i = 0; i < sb_core_ring_capacity(); i++) {
        sb_event e;
        memset(&e, 0, sizeof e);
        e.signo = slot;
        sb_core_capture(&e);
    }
}

/* A last gasp that finds the ring full is folded: the event that comes to stand for it must
 * carry its ticket, or its thread waits the whole grace although the handlers ran. */
static void a_folded_last_gasp_keeps_its_ticket(void)
{
    fill_ring_with(21);
    sb_event gasp = sync_event(30, 7);
    sb_core_capture(&gasp); /* folded */
    sb_event older = sync_event(30, 5);
    sb_core_capture(&older); /* folded too: the highest ticket stands for both */
    sb_event out[64];
    uint32_t n, seen = 0;
    uint64_t ticket = 0;
    while ((n = sb_core_drain(out, 64)) > 0) {
        for (uint32_t i = 0; i < n; i++) {
            if (out[i].signo == 30) {
                seen++;
                CHECK(out[i].flags & SB_EVENT_FOLDED);
                CHECK(out[i].flags & SB_EVENT_SYNC);
                CHECK_EQ(1, out[i].coalesced);
                ticket = out[i].ticket;
            }
        }
    }
    CHECK_EQ(1, seen);
    CHECK_EQ(7, ticket);

    /* Folded, then carried by the next event of the slot (here not a last gasp itself). */
    fill_ring_with(21);
    sb_event again = sync_event(30, 9);
    sb_core_capture(&again);
    CHECK_EQ(1, sb_core_drain(out, 1)); /* room for one */
    sb_event plain;
    memset(&plain, 0, sizeof plain);
    plain.signo = 30;
    sb_core_capture(&plain);
    seen = 0;
    while ((n = sb_core_drain(out, 64)) > 0) {
        for (uint32_t i = 0; i < n; i++) {
            if (out[i].signo == 30) {
                seen++;
                CHECK(!(out[i].flags & SB_EVENT_FOLDED));
                CHECK_EQ(1, out[i].coalesced);
                CHECK_EQ(9, out[i].ticket);
            }
        }
    }
    CHECK_EQ(1, seen);
    sb_slot_stats stats;
    sb_core_stats(30, &stats);
    CHECK_EQ(stats.invocations, stats.delivered + stats.coalesced);
}

int main(void)
{
    RUN(accounting_holds_under_overload);
    RUN(folded_deliveries_surface_without_a_later_event);
    RUN(a_folded_last_gasp_keeps_its_ticket);
    return 0;
}
