/* test_wakeup.c - the dispatcher's sleep and wake-up (sb_wakeup.c), built twice: with the
 * futex (Linux) and with the self-pipe other systems use (SB_WAKEUP_FORCE_PIPE). Real
 * threads and real signal handlers; every wait is bounded by the test's own alarm. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/sb_platform.h"
#include "../posix/sb_wakeup.h"
#include "sb_check.h"

static void sleep_micros(long micros)
{
    struct timespec pause = {micros / 1000000, (micros % 1000000) * 1000};
    nanosleep(&pause, NULL);
}

static void a_wake_up_before_the_wait_is_not_lost(void)
{
    sb_wakeup_signal();
    CHECK_EQ(0, sb_wakeup_wait()); /* returns at once: it was woken since the last return */
}

/* A consumer that drains, finds nothing, and only then waits must still see a wake-up that
 * came in between: that is what the count is for. */
static atomic_int waits_returned;

static void *waiter(void *arg)
{
    (void)arg;
    CHECK_EQ(0, sb_wakeup_wait());
    atomic_fetch_add(&waits_returned, 1);
    return NULL;
}

static void a_sleeping_consumer_is_woken_by_another_thread(void)
{
    atomic_store(&waits_returned, 0);
    pthread_t t;
    CHECK_EQ(0, pthread_create(&t, NULL, waiter, NULL));
    sleep_micros(50000); /* long enough to be asleep; correct either way */
    CHECK_EQ(0, atomic_load(&waits_returned));
    sb_wakeup_signal();
    CHECK_EQ(0, pthread_join(t, NULL));
    CHECK_EQ(1, atomic_load(&waits_returned));
}

static void on_usr1(int signo)
{
    (void)signo;
    errno = 1234; /* sb_wakeup_signal keeps errno: this value must survive it */
    sb_wakeup_signal();
    CHECK_EQ(1234, errno);
}

static void a_signal_handler_wakes_a_sleeping_consumer(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_usr1;
    sigemptyset(&action.sa_mask);
    CHECK_EQ(0, sigaction(SIGUSR1, &action, NULL));
    atomic_store(&waits_returned, 0);
    pthread_t t;
    CHECK_EQ(0, pthread_create(&t, NULL, waiter, NULL));
    sleep_micros(50000);
    CHECK_EQ(0, raise(SIGUSR1)); /* the handler runs on this thread, not the waiter's */
    CHECK_EQ(0, pthread_join(t, NULL));
    CHECK_EQ(1, atomic_load(&waits_returned));
    signal(SIGUSR1, SIG_DFL);
}

/* Many wake-ups racing with a consumer that counts events through an atomic "ring": the
 * consumer never sleeps through an event (it would hang here until the alarm). */
#define PRODUCED 200000
static atomic_int produced;

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < PRODUCED / 2; i++) {
        atomic_fetch_add(&produced, 1);
        sb_wakeup_signal();
        if (i % 1000 == 0) {
            sleep_micros(100); /* let the consumer fall asleep now and then */
        }
    }
    return NULL;
}

static void no_wake_up_is_lost_under_a_race(void)
{
    atomic_store(&produced, 0);
    pthread_t a, b;
    CHECK_EQ(0, pthread_create(&a, NULL, producer, NULL));
    CHECK_EQ(0, pthread_create(&b, NULL, producer, NULL));
    int consumed = 0;
    long waits = 0;
    while (consumed < PRODUCED) {
        int now = atomic_load(&produced); /* "drain" */
        if (now > consumed) {
            consumed = now;
            continue;
        }
        CHECK_EQ(0, sb_wakeup_wait());
        waits++;
    }
    CHECK_EQ(0, pthread_join(a, NULL));
    CHECK_EQ(0, pthread_join(b, NULL));
    CHECK(waits > 0);
}

static void *stopper(void *arg)
{
    (void)arg;
    sleep_micros(50000);
    sb_wakeup_stop();
    return NULL;
}

static void stop_ends_a_sleeping_wait_and_every_later_one(void)
{
    CHECK(!sb_wakeup_stopped());
    pthread_t t;
    CHECK_EQ(0, pthread_create(&t, NULL, stopper, NULL));
    int rc;
    do {
        rc = sb_wakeup_wait(); /* leftover wake-ups of earlier tests return 0 first */
    } while (rc == 0);
    CHECK_EQ(SB_WAIT_STOPPED, rc);
    CHECK_EQ(0, pthread_join(t, NULL));
    CHECK(sb_wakeup_stopped());
    CHECK_EQ(SB_WAIT_STOPPED, sb_wakeup_wait());
    sb_wakeup_signal(); /* still harmless */
    CHECK_EQ(SB_WAIT_STOPPED, sb_wakeup_wait());
}

int main(void)
{
    alarm(60); /* a lost wake-up hangs: end the test instead */
    CHECK_EQ(0, sb_wakeup_init());
    RUN(a_wake_up_before_the_wait_is_not_lost);
    RUN(a_sleeping_consumer_is_woken_by_another_thread);
    RUN(a_signal_handler_wakes_a_sleeping_consumer);
    RUN(no_wake_up_is_lost_under_a_race);
    RUN(stop_ends_a_sleeping_wait_and_every_later_one); /* last: the stop is for good */
    return 0;
}
