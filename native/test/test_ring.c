/* test_ring.c - the lock-free ring alone: order, wrap-around, full ring, many producers,
 * and producers interrupted by a signal handler that pushes too. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "../core/sb_ring.h"
#include "sb_check.h"

static sb_event event_with(int32_t producer, int32_t value)
{
    sb_event e;
    memset(&e, 0, sizeof e);
    e.signo = producer;
    e.value = value;
    return e;
}

static void capacity_is_a_power_of_two(void)
{
    CHECK_EQ(2, sb_ring_capacity_for(0));
    CHECK_EQ(8, sb_ring_capacity_for(5));
    CHECK_EQ(8, sb_ring_capacity_for(8));
    CHECK_EQ(SB_RING_MAX_CAPACITY, sb_ring_capacity_for(UINT32_MAX));
}

static void wraps_around_in_order(void)
{
    sb_ring ring;
    CHECK_EQ(0, sb_ring_init(&ring, 8));
    int32_t next_in = 0, next_out = 0;
    /* Batches of every size up to twice the capacity cross the end of the storage many times. */
    for (int round = 0; round < 500; round++) {
        int batch = round % 9;
        for (int i = 0; i < batch; i++) {
            sb_event e = event_with(1, next_in);
            CHECK(sb_ring_push(&ring, &e));
            next_in++;
        }
        sb_event out;
        while (sb_ring_pop(&ring, &out)) {
            CHECK_EQ(next_out, out.value);
            next_out++;
        }
    }
    CHECK_EQ(next_in, next_out);
    CHECK(next_in > 1000);
    sb_ring_destroy(&ring);
}

static void refuses_when_full_and_recovers(void)
{
    sb_ring ring;
    CHECK_EQ(0, sb_ring_init(&ring, 4));
    for (int i = 0; i < 4; i++) {
        sb_event e = event_with(1, i);
        CHECK(sb_ring_push(&ring, &e));
    }
    sb_event extra = event_with(1, 99);
    CHECK(!sb_ring_push(&ring, &extra));
    sb_event out;
    CHECK(sb_ring_pop(&ring, &out));
    CHECK_EQ(0, out.value);
    CHECK(sb_ring_push(&ring, &extra));
    for (int expected = 1; expected < 4; expected++) {
        CHECK(sb_ring_pop(&ring, &out));
        CHECK_EQ(expected, out.value);
    }
    CHECK(sb_ring_pop(&ring, &out));
    CHECK_EQ(99, out.value);
    CHECK(!sb_ring_pop(&ring, &out));
    sb_ring_destroy(&ring);
}

/* A producer claimed a position and was interrupted before publishing it, and a last gasp on
 * its thread published behind it and waits for the consumer: the consumer takes that one out
 * of order, and everything else in order once the interrupted producer resumes. */
static void a_last_gasp_is_taken_past_an_unpublished_entry(void)
{
    sb_ring ring;
    CHECK_EQ(0, sb_ring_init(&ring, 8));
    uint64_t stuck = atomic_fetch_add(&ring.tail, 1); /* claimed, not published */
    sb_event before = event_with(1, 10), gasp = event_with(2, 20), after = event_with(1, 30);
    gasp.flags = SB_EVENT_SYNC;
    CHECK(sb_ring_push(&ring, &before));
    CHECK(sb_ring_push(&ring, &gasp));
    CHECK(sb_ring_push(&ring, &after));
    sb_event out;
    CHECK(!sb_ring_pop(&ring, &out)); /* in order, the consumer waits for the stuck entry */
    CHECK(sb_ring_pop_ahead(&ring, SB_EVENT_SYNC, &out));
    CHECK_EQ(20, out.value);
    CHECK_EQ(SB_EVENT_SYNC, out.flags); /* the ring's mark never leaves it */
    CHECK(!sb_ring_pop_ahead(&ring, SB_EVENT_SYNC, &out)); /* once only */

    sb_event late = event_with(1, 0); /* the interrupted producer resumes */
    ring.slots[stuck & ring.mask].event = late;
    atomic_store(&ring.slots[stuck & ring.mask].turn_less_index, stuck + 1 - (stuck & ring.mask));
    int32_t expected[] = {0, 10, 30};
    for (int i = 0; i < 3; i++) {
        CHECK(sb_ring_pop(&ring, &out));
        CHECK_EQ(expected[i], out.value);
    }
    CHECK(!sb_ring_pop(&ring, &out));
    for (int i = 0; i < 8; i++) { /* every slot, the one taken ahead too, is free again */
        sb_event e = event_with(1, i);
        CHECK(sb_ring_push(&ring, &e));
    }
    CHECK(!sb_ring_push(&ring, &before));
    sb_ring_destroy(&ring);
}

/* --- several producer threads against one consumer ----------------------------------- */

#define PRODUCERS 4
#define PER_PRODUCER 200000

static sb_ring shared_ring;
static atomic_long refused[PRODUCERS + 1];
static atomic_int producers_done;

static void *produce(void *arg)
{
    int32_t id = (int32_t)(intptr_t)arg;
    for (int32_t i = 0; i < PER_PRODUCER; i++) {
        sb_event e = event_with(id, i);
        e.flags = i % 8 == 0 ? SB_EVENT_SYNC : 0; /* some the consumer may take out of order */
        if (!sb_ring_push(&shared_ring, &e)) {
            atomic_fetch_add(&refused[id], 1);
        }
    }
    atomic_fetch_add(&producers_done, 1);
    return NULL;
}

static void many_producers_lose_nothing(void)
{
    CHECK_EQ(0, sb_ring_init(&shared_ring, 1024));
    pthread_t threads[PRODUCERS];
    for (int i = 0; i < PRODUCERS; i++) {
        CHECK_EQ(0, pthread_create(&threads[i], NULL, produce, (void *)(intptr_t)(i + 1)));
    }
    long popped[PRODUCERS + 1] = {0};
    int32_t last[PRODUCERS + 1];
    for (int i = 0; i <= PRODUCERS; i++) {
        last[i] = -1;
    }
    static unsigned char seen[PRODUCERS + 1][PER_PRODUCER];
    long ahead = 0;
    for (;;) {
        int done = atomic_load(&producers_done) == PRODUCERS;
        sb_event out;
        int any = 0;
        while (sb_ring_pop(&shared_ring, &out)) {
            any = 1;
            CHECK(out.signo >= 1 && out.signo <= PRODUCERS);
            CHECK_EQ(0, seen[out.signo][out.value]); /* none twice */
            seen[out.signo][out.value] = 1;
            /* Each producer's entries come out in the order it pushed them, but for those the
             * consumer took ahead of it (they are marked seen already). */
            CHECK(out.value > last[out.signo]);
            last[out.signo] = out.value;
            popped[out.signo]++;
        }
        /* Stuck at an entry being written: take a last gasp past it, as sb_core_drain does. */
        while (sb_ring_pop_ahead(&shared_ring, SB_EVENT_SYNC, &out)) {
            any = 1;
            CHECK(out.flags == SB_EVENT_SYNC);
            CHECK_EQ(0, seen[out.signo][out.value]);
            seen[out.signo][out.value] = 1;
            popped[out.signo]++;
            ahead++;
        }
        if (done && !any) {
            break;
        }
    }
    printf("  %ld entries taken ahead of an unpublished one\n", ahead);
    for (int i = 0; i < PRODUCERS; i++) {
        CHECK_EQ(0, pthread_join(threads[i], NULL));
    }
    for (int id = 1; id <= PRODUCERS; id++) {
        CHECK_EQ(PER_PRODUCER, popped[id] + atomic_load(&refused[id]));
    }
    sb_ring_destroy(&shared_ring);
}

/* --- a producer interrupted by a handler that pushes on the same thread -------------- */

static sb_ring nested_ring;
static atomic_long nested_pushed, nested_refused;

static void push_from_handler(int signo)
{
    (void)signo;
    sb_event e = event_with(2, 0);
    if (sb_ring_push(&nested_ring, &e)) {
        atomic_fetch_add(&nested_pushed, 1);
    } else {
        atomic_fetch_add(&nested_refused, 1);
    }
}

static void nested_producers_stay_consistent(void)
{
    CHECK_EQ(0, sb_ring_init(&nested_ring, 64));
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = push_from_handler;
    sigemptyset(&action.sa_mask);
    CHECK_EQ(0, sigaction(SIGALRM, &action, NULL));
    struct itimerval every = {{0, 50}, {0, 50}};
    CHECK_EQ(0, setitimer(ITIMER_REAL, &every, NULL));

    long main_pushed = 0, main_refused = 0, popped_main = 0, popped_handler = 0;
    int32_t last_main = -1;
    for (int32_t i = 0; i < 2000000; i++) {
        sb_event e = event_with(1, i);
        if (sb_ring_push(&nested_ring, &e)) {
            main_pushed++;
        } else {
            main_refused++;
        }
        if (i % 32 == 0) {
            sb_event out;
            while (sb_ring_pop(&nested_ring, &out)) {
                if (out.signo == 1) {
                    CHECK(out.value > last_main);
                    last_main = out.value;
                    popped_main++;
                } else {
                    CHECK_EQ(2, out.signo);
                    popped_handler++;
                }
            }
        }
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    CHECK_EQ(0, setitimer(ITIMER_REAL, &off, NULL));
    sb_event out;
    while (sb_ring_pop(&nested_ring, &out)) {
        if (out.signo == 1) {
            popped_main++;
        } else {
            popped_handler++;
        }
    }
    CHECK_EQ(main_pushed, popped_main);
    CHECK_EQ(atomic_load(&nested_pushed), popped_handler);
    CHECK(atomic_load(&nested_pushed) > 0); /* the timer really interrupted the producer */
    printf("  main pushed %ld refused %ld, handler pushed %ld refused %ld\n", main_pushed,
           main_refused, atomic_load(&nested_pushed), atomic_load(&nested_refused));
    sb_ring_destroy(&nested_ring);
}

int main(void)
{
    RUN(capacity_is_a_power_of_two);
    RUN(wraps_around_in_order);
    RUN(refuses_when_full_and_recovers);
    RUN(a_last_gasp_is_taken_past_an_unpublished_entry);
    RUN(many_producers_lose_nothing);
    RUN(nested_producers_stay_consistent);
    return 0;
}
