/* Minimal assertions for the C tests: count failures, print what failed, exit non-zero at the end. */
#ifndef HYLO_TEST_CHECK_H
#define HYLO_TEST_CHECK_H
#include <hylo.h>
#include <stdio.h>
#include <string.h>

static int hylo_test_failures = 0, hylo_test_checks = 0;

#define EXPECT(cond)                                                                   \
    do {                                                                               \
        hylo_test_checks++;                                                            \
        if (!(cond)) { hylo_test_failures++; fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); } \
    } while (0)

#define EXPECT_OK(call)                                                                \
    do {                                                                               \
        hylo_status s_ = (call);                                                       \
        hylo_test_checks++;                                                            \
        if (s_ != HYLO_OK) { hylo_test_failures++; fprintf(stderr, "%s:%d: FAILED: %s -> %d (%s)\n", __FILE__, __LINE__, #call, s_, hylo_last_error()); } \
    } while (0)

/* One bad-input case: the call must return `expected` and leave a message naming the function. */
#define EXPECT_ERROR(expected, call)                                                   \
    do {                                                                               \
        hylo_status s_ = (call);                                                       \
        const char *m_ = hylo_last_error();                                            \
        hylo_test_checks++;                                                            \
        if (s_ != (expected) || m_ == NULL || strncmp(m_, "hylo_", 5) != 0) {          \
            hylo_test_failures++;                                                      \
            fprintf(stderr, "%s:%d: FAILED: %s -> %d, expected %d (message: %s)\n", __FILE__, __LINE__, #call, s_, expected, m_ ? m_ : "(null)"); \
        }                                                                              \
    } while (0)

#define TEST_SUMMARY()                                                                 \
    (printf("%d passed, %d failed\n", hylo_test_checks - hylo_test_failures, hylo_test_failures), hylo_test_failures == 0 ? 0 : 1)

#endif
