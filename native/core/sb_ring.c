#include "sb_ring.h"

#include <errno.h>
#include <stdlib.h>

uint32_t sb_ring_capacity_for(uint32_t requested)
{
    uint32_t capacity = SB_RING_MIN_CAPACITY;
    if (requested > SB_RING_MAX_CAPACITY) {
        requested = SB_RING_MAX_CAPACITY;
    }
    while (capacity < requested) {
        capacity <<= 1;
    }
    return capacity;
}

int sb_ring_init(sb_ring *ring, uint32_t capacity)
{
    capacity = sb_ring_capacity_for(capacity);
    /* Zeroed, and not touched here: every slot starts at turn == its index (see sb_ring.h). */
    sb_ring_slot *slots = calloc(capacity, sizeof *slots);
    if (slots == NULL) {
        return ENOMEM;
    }
    ring->slots = slots;
    ring->mask = (uint64_t)capacity - 1;
    ring->head = 0;
    atomic_init(&ring->tail, 0);
    return 0;
}

void sb_ring_destroy(sb_ring *ring)
{
    free(ring->slots);
    ring->slots = NULL;
}

bool sb_ring_push(sb_ring *ring, const sb_event *event)
{
    uint64_t position = atomic_load_explicit(&ring->tail, memory_order_relaxed);
    for (;;) {
        uint64_t index = position & ring->mask;
        sb_ring_slot *slot = &ring->slots[index];
        uint64_t turn = atomic_load_explicit(&slot->turn_less_index, memory_order_acquire) + index;
        int64_t lag = (int64_t)(turn - position);
        if (lag == 0) {
            /* The slot is free for this position: try to claim the position. On failure
             * `position` is reloaded with the current tail and we look again. The loop
             * only repeats when another producer made progress, so it is lock-free even
             * when that producer is a handler nested on top of us. */
            if (atomic_compare_exchange_weak_explicit(&ring->tail, &position, position + 1,
                                                      memory_order_relaxed,
                                                      memory_order_relaxed)) {
                slot->event = *event;
                atomic_store_explicit(&slot->turn_less_index, position + 1 - index,
                                      memory_order_release);
                return true;
            }
        } else if (lag < 0) {
            /* The slot still holds the entry of the previous lap: full. */
            return false;
        } else {
            position = atomic_load_explicit(&ring->tail, memory_order_relaxed);
        }
    }
}

bool sb_ring_pop(sb_ring *ring, sb_event *out)
{
    for (;;) {
        uint64_t position = ring->head;
        uint64_t index = position & ring->mask;
        sb_ring_slot *slot = &ring->slots[index];
        uint64_t turn = atomic_load_explicit(&slot->turn_less_index, memory_order_acquire) + index;
        if (turn != position + 1) {
            return false;
        }
        bool taken_ahead = (slot->event.flags & SB_RING_TAKEN_AHEAD) != 0;
        if (!taken_ahead) {
            *out = slot->event;
        }
        /* Hand the slot to the producer of the next lap. */
        atomic_store_explicit(&slot->turn_less_index, position + ring->mask + 1 - index,
                              memory_order_release);
        ring->head = position + 1;
        if (!taken_ahead) {
            return true;
        }
    }
}

bool sb_ring_pop_ahead(sb_ring *ring, uint16_t flags, sb_event *out)
{
    uint64_t head = ring->head;
    uint64_t tail = atomic_load_explicit(&ring->tail, memory_order_acquire);
    /* Only positions of this lap: beyond head + capacity nothing can be claimed yet. */
    for (uint64_t position = head + 1; position < tail && position - head <= ring->mask; position++) {
        uint64_t index = position & ring->mask;
        sb_ring_slot *slot = &ring->slots[index];
        if (atomic_load_explicit(&slot->turn_less_index, memory_order_acquire) + index !=
            position + 1) {
            continue; /* claimed, not published yet */
        }
        /* Published: its producer is done with it until the slot's turn moves on, which only
         * the consumer does, so the consumer may mark it. */
        uint16_t f = slot->event.flags;
        if ((f & SB_RING_TAKEN_AHEAD) || (f & flags) != flags) {
            continue;
        }
        *out = slot->event;
        slot->event.flags = (uint16_t)(f | SB_RING_TAKEN_AHEAD);
        return true;
    }
    return false;
}

uint32_t sb_ring_capacity(const sb_ring *ring)
{
    return (uint32_t)(ring->mask + 1);
}
