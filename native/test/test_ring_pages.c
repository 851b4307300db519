/* test_ring_pages.c - a large ring costs resident memory only as far as it was used: its slots
 * start as zeroed, untouched pages (calloc), and each pushed event touches one slot. This is
 * what makes the default of 65536 entries cheap for a process that sees few signals. Linux:
 * resident size from /proc/self/statm. */
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>

#include "../core/sb_ring.h"
#include "sb_check.h"

static long resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    CHECK(f != NULL);
    long size = 0, resident = 0;
    CHECK_EQ(2, fscanf(f, "%ld %ld", &size, &resident));
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

int main(void)
{
    const uint32_t capacity = SB_RING_MAX_CAPACITY; /* 2^20 entries, 72+ MiB of slots */
    const long slots_bytes = (long)capacity * (long)sizeof(sb_ring_slot);
    long before = resident_bytes();
    sb_ring ring;
    CHECK_EQ(0, sb_ring_init(&ring, capacity));
    long after_init = resident_bytes();
    printf("ring of %u entries: %ld KiB of slots, %ld KiB resident after init\n", capacity,
           slots_bytes / 1024, (after_init - before) / 1024);
    CHECK(after_init - before < slots_bytes / 64);

    /* 10,000 events through it, one at a time: about 10,000 slots' worth of pages. */
    const int used = 10000;
    for (int i = 0; i < used; i++) {
        sb_event in = {0}, out;
        in.signo = 10;
        in.value = i;
        CHECK(sb_ring_push(&ring, &in));
        CHECK(sb_ring_pop(&ring, &out));
        CHECK_EQ(i, out.value);
    }
    long after_use = resident_bytes();
    long touched = (long)used * (long)sizeof(sb_ring_slot);
    printf("after %d events: %ld KiB resident (%ld KiB of slots used)\n", used,
           (after_use - before) / 1024, touched / 1024);
    CHECK(after_use - before < touched + slots_bytes / 64);
    sb_ring_destroy(&ring);
    printf("ok ring_pages\n");
    return 0;
}
