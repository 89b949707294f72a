/* Functional tests of the C ABI foundation: versions, statuses, errors, options, MLP round trip. */
#include "check.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>

static int32_t cancel_after_two(const char *stage, int64_t done, int64_t total, double loss, void *user_data) {
    (void)stage; (void)total; (void)loss;
    int *calls = user_data;
    ++*calls;
    return done >= 2;
}

/* x = θ + u(seed) with u from splitmix64: the same value one row at a time or in batches. */
static double from_seed(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (double)((z ^ (z >> 31)) >> 11) * 0x1p-53;
}
static int32_t one(const double *t, size_t dt, double *x, size_t dx, uint64_t seed, void *u) {
    (void)dt; (void)dx; (void)u;
    x[0] = t[0] + from_seed(seed);
    return 0;
}
static int32_t batch(const double *t, size_t n, size_t dt, double *x, size_t dx, const uint64_t *seeds, int32_t *status, void *u) {
    (void)dt; (void)dx;
    ++*(int *)u;
    for (size_t i = 0; i < n; i++) { x[i] = t[i] + from_seed(seeds[i]); status[i] = 0; }
    return 0;
}

static void *fail_on_other_thread(void *arg) {
    (void)arg;
    hylo_mlp_free(NULL);
    hylo_status s = hylo_mlp_create(0, 1, NULL, NULL);
    return (void *)(size_t)(s == HYLO_E_NULL_ARGUMENT && strstr(hylo_last_error(), "out") != NULL);
}

int main(void) {
    /* version */
    EXPECT(hylo_version_number() == HYLO_VERSION_NUMBER);
    EXPECT(strcmp(hylo_version_string(), "0.1.0") == 0);

    /* statuses */
    EXPECT(strcmp(hylo_status_string(HYLO_OK), "ok") == 0);
    EXPECT(strcmp(hylo_status_string(HYLO_E_OPTION), "invalid option") == 0);
    EXPECT(strcmp(hylo_status_string(12345), "unknown status") == 0);
    EXPECT(strcmp(hylo_last_error(), "") == 0);

    /* errors are per thread */
    EXPECT(hylo_mlp_create(2, 1, NULL, NULL) == HYLO_E_NULL_ARGUMENT);
    EXPECT(strstr(hylo_last_error(), "hylo_mlp_create: out is NULL") != NULL);
    pthread_t t;
    void *ok = NULL;
    pthread_create(&t, NULL, fail_on_other_thread, NULL);
    pthread_join(t, &ok);
    EXPECT(ok != NULL);
    EXPECT(strstr(hylo_last_error(), "hylo_mlp_create: out is NULL") != NULL);

    /* options: unknown keys and bad values are errors that name the key */
    hylo_options *o = NULL;
    EXPECT_OK(hylo_options_create(&o));
    EXPECT_OK(hylo_options_set_int(o, "hidden_features", 8));
    EXPECT_OK(hylo_options_set_string(o, "activation", "relu"));
    size_t count = 0;
    EXPECT_OK(hylo_options_count(o, &count));
    EXPECT(count == 2);
    hylo_mlp *m = NULL;
    EXPECT_OK(hylo_mlp_create(1, 1, o, &m));
    size_t ni = 0, no = 0, np = 0;
    EXPECT_OK(hylo_mlp_sizes(m, &ni, &no, &np));
    EXPECT(ni == 1 && no == 1 && np == (1 * 8 + 8) + (8 * 8 + 8) + (8 + 1));
    hylo_mlp_free(m);
    m = NULL;
    EXPECT_OK(hylo_options_set_int(o, "hiden_features", 8));
    EXPECT_ERROR(HYLO_E_OPTION, hylo_mlp_create(1, 1, o, &m));
    EXPECT(strstr(hylo_last_error(), "unknown option 'hiden_features'") != NULL);
    EXPECT(m == NULL);
    EXPECT_OK(hylo_options_clear(o));
    EXPECT_OK(hylo_options_set_string(o, "activation", "swish"));
    EXPECT_ERROR(HYLO_E_OPTION, hylo_mlp_create(1, 1, o, &m));
    EXPECT(strstr(hylo_last_error(), "'activation' is 'swish'") != NULL);
    EXPECT_OK(hylo_options_clear(o));
    EXPECT_OK(hylo_options_set_double(o, "hidden_features", 8.5));
    EXPECT_ERROR(HYLO_E_OPTION, hylo_mlp_create(1, 1, o, &m));
    EXPECT(strstr(hylo_last_error(), "expects an integer") != NULL);

    /* training: fit y = x^2 with L-BFGS, then cancel an Adam run */
    enum { N = 64 };
    double x[N], y[N], p[N], p2[N], jac[N];
    for (int i = 0; i < N; i++) { x[i] = -1 + 2.0 * i / (N - 1); y[i] = x[i] * x[i]; }
    EXPECT_OK(hylo_options_clear(o));
    EXPECT_OK(hylo_options_set_int(o, "hidden_features", 16));
    EXPECT_OK(hylo_mlp_create(1, 1, o, &m));
    EXPECT_ERROR(HYLO_E_STATE, hylo_mlp_training_result(m, NULL, NULL, NULL));
    hylo_options *t_opts = NULL;
    EXPECT_OK(hylo_options_create(&t_opts));
    EXPECT_OK(hylo_options_set_string(t_opts, "optimizer", "lbfgs"));
    EXPECT_OK(hylo_options_set_int(t_opts, "max_epochs", 300));
    EXPECT_OK(hylo_mlp_train(m, x, y, N, t_opts, NULL, NULL));
    const char *reason = NULL;
    int64_t iters = 0;
    EXPECT_OK(hylo_mlp_training_result(m, &iters, NULL, &reason));
    EXPECT(iters > 0 && reason != NULL);
    EXPECT_OK(hylo_mlp_predict(m, x, N, p));
    double worst = 0;
    for (int i = 0; i < N; i++) worst = fmax(worst, fabs(p[i] - y[i]));
    EXPECT(worst < 1e-3);
    EXPECT_OK(hylo_mlp_jacobian(m, x, N, jac));
    EXPECT(fabs(jac[N - 1] - 2.0) < 0.05 && fabs(jac[N / 2]) < 0.1);

    /* save, reload, bit-identical predictions */
    EXPECT_OK(hylo_mlp_save(m, "abi_test.safetensors"));
    hylo_mlp *m2 = NULL;
    EXPECT_OK(hylo_mlp_load("abi_test.safetensors", &m2));
    EXPECT_OK(hylo_mlp_predict(m2, x, N, p2));
    EXPECT(memcmp(p, p2, sizeof p) == 0);

    /* cancellation leaves the object usable */
    int calls = 0;
    EXPECT_OK(hylo_options_set_string(t_opts, "optimizer", "adam"));
    EXPECT_ERROR(HYLO_E_CANCELLED, hylo_mlp_train(m, x, y, N, t_opts, cancel_after_two, &calls));
    EXPECT(calls == 2);
    EXPECT_OK(hylo_mlp_training_result(m, &iters, NULL, &reason));
    EXPECT(iters == 2 && strcmp(reason, "cancelled") == 0);
    EXPECT_OK(hylo_mlp_predict(m, x, N, p));

    /* batched and one-at-a-time simulations agree */
    {
        double th[100], x1[100], x2[100];
        int calls = 0;
        hylo_options *so = NULL;
        for (int i = 0; i < 100; i++) th[i] = i / 100.0;
        EXPECT_OK(hylo_options_create(&so));
        EXPECT_OK(hylo_options_set_int(so, "seed", 5));
        EXPECT_OK(hylo_simulate(one, NULL, th, 100, 1, 1, so, NULL, NULL, x1, NULL, NULL));
        EXPECT_OK(hylo_options_set_int(so, "batch_size", 30));
        EXPECT_OK(hylo_simulate_batched(batch, &calls, th, 100, 1, 1, so, NULL, NULL, x2, NULL, NULL));
        EXPECT(calls == 4 && memcmp(x1, x2, sizeof x1) == 0);
        EXPECT_ERROR(HYLO_E_OPTION, hylo_simulate(one, NULL, th, 100, 1, 1, so, NULL, NULL, x1, NULL, NULL)); /* batch_size is batched-only */
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_simulate_batched(NULL, NULL, th, 100, 1, 1, NULL, NULL, NULL, x2, NULL, NULL));
        hylo_options_free(so);
    }

    hylo_mlp_free(m2);
    hylo_mlp_free(m);
    hylo_options_free(t_opts);
    hylo_options_free(o);
    return TEST_SUMMARY();
}
