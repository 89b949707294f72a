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

    hylo_mlp_free(m2);
    hylo_mlp_free(m);
    hylo_options_free(t_opts);
    hylo_options_free(o);
    return TEST_SUMMARY();
}
