/* sb_check.h - the few assertion macros the C tests share. */
#ifndef SB_CHECK_H
#define SB_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
            exit(1);                                                                   \
        }                                                                              \
    } while (0)

#define CHECK_EQ(expected, actual)                                                     \
    do {                                                                               \
        long long e_ = (long long)(expected), a_ = (long long)(actual);                \
        if (e_ != a_) {                                                                \
            fprintf(stderr, "%s:%d: %s: expected %lld, got %lld\n", __FILE__, __LINE__, \
                    #actual, e_, a_);                                                  \
            exit(1);                                                                   \
        }                                                                              \
    } while (0)

#define RUN(test)                                                                      \
    do {                                                                               \
        test();                                                                        \
        printf("ok %s\n", #test);                                                      \
        fflush(stdout);                                                                \
    } while (0)

#endif
