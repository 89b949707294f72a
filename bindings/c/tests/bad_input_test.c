/*
 * Bad input never crashes the host: every exported function is called with NULL handles, NULL
 * arrays with non-zero sizes, zero and huge sizes, NaN/Inf, wrong states and wrong files, and must
 * return an error status with a message. Adding a case is one EXPECT_ERROR line.
 */
#include "check.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>

static int32_t reject_all(const double *t, size_t dt, double *x, size_t dx, uint64_t seed, void *u) {
    (void)t; (void)dt; (void)x; (void)dx; (void)seed; (void)u;
    return 3;
}

static int32_t abort_run(const double *t, size_t dt, double *x, size_t dx, uint64_t seed, void *u) {
    (void)t; (void)dt; (void)x; (void)dx; (void)seed; (void)u;
    return -7;
}

/* x = theta (dim_x = dim_theta), a deterministic simulator for ABC's argument checks. */
static int32_t copy_theta(const double *t, size_t dt, double *x, size_t dx, uint64_t seed, void *u) {
    (void)seed; (void)u;
    for (size_t i = 0; i < dx; i++) x[i] = t[i % dt];
    return 0;
}

/* A batched simulator that is never called (ABC refuses two simulators before running). */
static int32_t batch_simulator_for_checks(const double *t, size_t n, size_t dt, double *x, size_t dx, const uint64_t *seeds,
                                          int32_t *status, void *u) {
    (void)t; (void)n; (void)dt; (void)x; (void)dx; (void)seeds; (void)status; (void)u;
    return -1;
}

static int32_t cancel_at_once(const char *stage, int64_t done, int64_t total, double loss, void *data) {
    (void)stage; (void)done; (void)total; (void)loss; (void)data;
    return 1;
}

static void write_file(const char *path, const void *bytes, size_t n) {
    FILE *f = fopen(path, "wb");
    if (f) { fwrite(bytes, 1, n, f); fclose(f); }
}

/* ODE callbacks: decay, one that aborts, one that never accepts a state, a loss that aborts */
static int32_t decay(double t, const double *y, const double *p, double *ydot, void *data) {
    (void)t, (void)data;
    ydot[0] = -p[0] * y[0];
    return 0;
}
/* A one-state stepper (halving) and one that fails, for the corrector. */
static int32_t halving_step(double t, double dt, const double *u, double *next, void *data) {
    (void)t, (void)dt, (void)data;
    next[0] = 0.5 * u[0];
    return 0;
}
static int32_t failing_step(double t, double dt, const double *u, double *next, void *data) {
    (void)t, (void)dt, (void)u, (void)data;
    next[0] = 0;
    return 5;
}
static int32_t exploding_step(double t, double dt, const double *u, double *next, void *data) {
    (void)t, (void)dt, (void)data;
    next[0] = u[0] * 1e200;
    return 0;
}

static int32_t aborting_rhs(double t, const double *y, const double *p, double *ydot, void *data) {
    (void)y, (void)p, (void)data;
    ydot[0] = 0;
    return t > 0.5 ? -7 : 0;
}
static int32_t illegal_rhs(double t, const double *y, const double *p, double *ydot, void *data) {
    (void)p, (void)data;
    ydot[0] = 1;
    return (t > 0.5 || y[0] > 1.5) ? 1 : 0;
}
static int32_t failing_loss(const double *t, const double *s, size_t k, size_t n, double *l, double *c, void *data) {
    (void)t, (void)s, (void)k, (void)n, (void)l, (void)c, (void)data;
    return 3;
}

int main(void) {
    hylo_options *o = NULL;
    hylo_mlp *m = NULL, *out = NULL;
    double x[4] = {0, 1, 2, 3}, y[4] = {0, 1, 4, 9}, buf[64];
    double nan_x[4] = {0, NAN, 2, 3}, inf_y[4] = {0, 1, INFINITY, 9};
    const char *s = NULL;
    EXPECT_OK(hylo_options_create(&o));
    EXPECT_OK(hylo_mlp_create(1, 1, NULL, &m));

    /* NULL-tolerant frees */
    hylo_options_free(NULL);
    hylo_mlp_free(NULL);

    /* options */
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_options_create(NULL));
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_options_set_int(NULL, "k", 1));
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_options_set_int(o, NULL, 1));
    EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_options_set_int(o, "", 1));
    EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_options_set_int(o, "\xff\xfe", 1));
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_options_set_double(NULL, "k", 1));
    EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_options_set_double(o, "k", NAN));
    EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_options_set_double(o, "k", -INFINITY));
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_options_set_string(o, "k", NULL));
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_options_set_string(NULL, "k", "v"));
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_options_clear(NULL));
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_options_count(NULL, NULL));
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_options_count(o, NULL));

    /* mlp_create */
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_mlp_create(1, 1, NULL, NULL));
    EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_mlp_create(0, 1, NULL, &out));
    EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_mlp_create(1, 0, NULL, &out));
    EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_mlp_create(SIZE_MAX, 1, NULL, &out));
    EXPECT_OK(hylo_options_set_int(o, "hidden_features", 0));
    EXPECT_ERROR(HYLO_E_OPTION, hylo_mlp_create(1, 1, o, &out));
    EXPECT_OK(hylo_options_set_int(o, "hidden_features", INT64_MAX));
    EXPECT_ERROR(HYLO_E_OPTION, hylo_mlp_create(1, 1, o, &out));
    EXPECT_OK(hylo_options_clear(o));
    EXPECT_OK(hylo_options_set_int(o, "seed", -1));
    EXPECT_ERROR(HYLO_E_OPTION, hylo_mlp_create(1, 1, o, &out));
    EXPECT_OK(hylo_options_clear(o));
    EXPECT_OK(hylo_options_set_int(o, "activation", 3));
    EXPECT_ERROR(HYLO_E_OPTION, hylo_mlp_create(1, 1, o, &out));
    EXPECT_OK(hylo_options_clear(o));
    EXPECT(out == NULL);

    /* mlp_train */
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_mlp_train(NULL, x, y, 4, NULL, NULL, NULL));
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_mlp_train(m, NULL, y, 4, NULL, NULL, NULL));
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_mlp_train(m, x, NULL, 4, NULL, NULL, NULL));
    EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_mlp_train(m, x, y, 0, NULL, NULL, NULL));
    EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_mlp_train(m, x, y, SIZE_MAX, NULL, NULL, NULL));
    EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_mlp_train(m, nan_x, y, 4, NULL, NULL, NULL));
    EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_mlp_train(m, x, inf_y, 4, NULL, NULL, NULL));
    EXPECT_OK(hylo_options_set_double(o, "learning_rate", -1));
    EXPECT_ERROR(HYLO_E_OPTION, hylo_mlp_train(m, x, y, 4, o, NULL, NULL));
    EXPECT_OK(hylo_options_clear(o));
    EXPECT_OK(hylo_options_set_double(o, "validation_fraction", 0.9));
    EXPECT_ERROR(HYLO_E_OPTION, hylo_mlp_train(m, x, y, 4, o, NULL, NULL));
    EXPECT_OK(hylo_options_clear(o));
    EXPECT_OK(hylo_options_set_string(o, "optimizer", "rmsprop"));
    EXPECT_ERROR(HYLO_E_OPTION, hylo_mlp_train(m, x, y, 4, o, NULL, NULL));
    EXPECT_OK(hylo_options_clear(o));
    EXPECT_OK(hylo_options_set_int(o, "hidden_features", 3)); /* a create option is unknown to train */
    EXPECT_ERROR(HYLO_E_OPTION, hylo_mlp_train(m, x, y, 4, o, NULL, NULL));
    EXPECT_OK(hylo_options_clear(o));

    /* wrong state */
    EXPECT_ERROR(HYLO_E_STATE, hylo_mlp_training_result(m, NULL, NULL, &s));
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_mlp_training_result(NULL, NULL, NULL, &s));

    /* predict / jacobian / sizes */
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_mlp_predict(NULL, x, 4, buf));
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_mlp_predict(m, NULL, 4, buf));
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_mlp_predict(m, x, 4, NULL));
    EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_mlp_predict(m, nan_x, 4, buf));
    EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_mlp_predict(m, x, SIZE_MAX / 2, buf));
    EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_mlp_predict(m, x, SIZE_MAX, buf));
    EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_mlp_jacobian(m, x, SIZE_MAX, buf));
    EXPECT_OK(hylo_mlp_predict(m, NULL, 0, NULL)); /* zero points is a no-op */
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_mlp_jacobian(NULL, x, 4, buf));
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_mlp_jacobian(m, x, 4, NULL));
    EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_mlp_jacobian(m, nan_x, 4, buf));
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_mlp_sizes(NULL, NULL, NULL, NULL));

    /* files */
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_mlp_save(NULL, "x.safetensors"));
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_mlp_save(m, NULL));
    EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_mlp_save(m, ""));
    EXPECT_ERROR(HYLO_E_IO, hylo_mlp_save(m, "/nonexistent-dir/x.safetensors"));
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_mlp_load(NULL, &out));
    EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_mlp_load("x", NULL));
    EXPECT_ERROR(HYLO_E_IO, hylo_mlp_load("/nonexistent-file.safetensors", &out));
    write_file("bad_empty.safetensors", "", 0);
    EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_mlp_load("bad_empty.safetensors", &out));
    write_file("bad_magic.safetensors", "\x89PNG\r\n\x1a\n0000000000000000", 24);
    EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_mlp_load("bad_magic.safetensors", &out));
    {
        /* a truncated copy of a valid file, and one with a flipped bit */
        EXPECT_OK(hylo_mlp_save(m, "good.safetensors"));
        static unsigned char bytes[1 << 20];
        FILE *f = fopen("good.safetensors", "rb");
        size_t n = f ? fread(bytes, 1, sizeof bytes, f) : 0;
        if (f) fclose(f);
        EXPECT(n > 100);
        write_file("bad_truncated.safetensors", bytes, n - 9);
        EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_mlp_load("bad_truncated.safetensors", &out));
        bytes[n - 3] ^= 0x40;
        write_file("bad_flipped.safetensors", bytes, n);
        EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_mlp_load("bad_flipped.safetensors", &out));
    }
    EXPECT(out == NULL);

    /* ---- simulation-based inference ---- */
    {
        const double lo[2] = {0, 0}, hi[2] = {1, 1}, bad_hi[2] = {1, -1}, mean[2] = {0, 0};
        const double cov[4] = {1, 0, 0, 1}, not_spd[4] = {1, 2, 2, 1}, asym[4] = {1, 0.5, 0, 1};
        const int32_t kinds[2] = {HYLO_MARGINAL_UNIFORM, HYLO_MARGINAL_GAMMA}, bad_kinds[2] = {HYLO_MARGINAL_UNIFORM, 42};
        const double params[4] = {0, 1, 2, 1}, bad_params[4] = {0, 1, -2, 1};
        double th[8] = {0.5, 0.5, 0.2, 0.2, 0.1, 0.9, 0.3, 0.3}, xs[8] = {1, 2, 3, 4, 5, 6, 7, 8}, lp[4];
        hylo_prior *p = NULL, *pout = NULL;
        hylo_npe *npe = NULL, *nout = NULL;
        hylo_posterior *post = NULL, *qout = NULL;
        size_t k = 0;
        EXPECT_OK(hylo_prior_create_box_uniform(lo, hi, 2, &p));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_prior_create_box_uniform(NULL, hi, 2, &pout));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_prior_create_box_uniform(lo, hi, 0, &pout));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_prior_create_box_uniform(lo, bad_hi, 2, &pout));
        EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_prior_create_box_uniform(nan_x, hi, 2, &pout));
        EXPECT_ERROR(HYLO_E_NUMERICAL, hylo_prior_create_gaussian(mean, not_spd, 2, &pout));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_prior_create_gaussian(mean, asym, 2, &pout));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_prior_create_gaussian(mean, cov, 2, NULL));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_prior_create_independent(bad_kinds, params, 2, &pout));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_prior_create_independent(kinds, bad_params, 2, &pout));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_prior_create_independent(NULL, params, 2, &pout));
        EXPECT(pout == NULL);
        hylo_prior_free(NULL);
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_prior_dimension(NULL, &k));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_prior_sample(p, 4, 0, NULL));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_prior_sample(p, SIZE_MAX, 0, lp));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_prior_log_prob(p, NULL, 4, lp));
        EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_prior_log_prob(p, nan_x, 2, lp));

        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_simulate(NULL, NULL, th, 4, 2, 2, NULL, NULL, NULL, xs, NULL, NULL));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_simulate(reject_all, NULL, th, 0, 2, 2, NULL, NULL, NULL, xs, NULL, NULL));
        EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_simulate(reject_all, NULL, nan_x, 2, 2, 2, NULL, NULL, NULL, xs, NULL, NULL));
        EXPECT_ERROR(HYLO_E_CALLBACK, hylo_simulate(abort_run, NULL, th, 4, 2, 2, NULL, NULL, NULL, xs, NULL, NULL));
        EXPECT(strstr(hylo_last_error(), "returned -7") != NULL);
        EXPECT_OK(hylo_options_set_int(o, "num_workers", 0));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_simulate(reject_all, NULL, th, 4, 2, 2, o, NULL, NULL, xs, NULL, NULL));
        EXPECT_OK(hylo_options_clear(o));
        {
            int32_t status[4];
            EXPECT_OK(hylo_simulate(reject_all, NULL, th, 4, 2, 2, NULL, NULL, NULL, xs, status, &k));
            EXPECT(k == 4 && status[0] == 3 && isnan(xs[0]));
            for (int i = 0; i < 8; i++) xs[i] = i + 1;
        }

        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_npe_create(NULL, NULL, &nout));
        EXPECT_OK(hylo_options_set_string(o, "density_estimator", "made"));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_npe_create(p, o, &nout));
        EXPECT_OK(hylo_options_clear(o));
        {   /* a full-covariance mixture over 3000 parameters would need ~2e11 weights */
            static double low[3000], high[3000];
            for (int i = 0; i < 3000; i++) low[i] = 0, high[i] = 1;
            hylo_prior *wide = NULL;
            EXPECT_OK(hylo_prior_create_box_uniform(low, high, 3000, &wide));
            EXPECT_OK(hylo_options_set_string(o, "density_estimator", "mdn"));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_npe_create(wide, o, &nout));
            EXPECT(strstr(hylo_last_error(), "2^28 weights") != NULL);
            EXPECT_OK(hylo_options_clear(o));
            hylo_prior_free(wide);
        }
        EXPECT_OK(hylo_npe_create(p, NULL, &npe));
        EXPECT_ERROR(HYLO_E_STATE, hylo_npe_train(npe, NULL, NULL, NULL));
        EXPECT_ERROR(HYLO_E_STATE, hylo_npe_build_posterior(npe, &qout));
        EXPECT_ERROR(HYLO_E_STATE, hylo_npe_training_result(npe, NULL, NULL, NULL));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_npe_append_simulations(npe, NULL, xs, 4, 2, NULL));
        EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_npe_append_simulations(npe, nan_x, xs, 2, 2, NULL));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_npe_append_simulations(npe, th, xs, 4, 0, NULL));
        EXPECT_OK(hylo_npe_append_simulations(npe, th, xs, 4, 2, &k));
        EXPECT(k == 0);
        EXPECT_ERROR(HYLO_E_SHAPE, hylo_npe_append_simulations(npe, th, xs, 2, 3, NULL));
        EXPECT_OK(hylo_options_set_int(o, "max_num_epochs", 1));
        EXPECT_OK(hylo_npe_train(npe, o, NULL, NULL));
        EXPECT_OK(hylo_options_clear(o));
        EXPECT_OK(hylo_npe_build_posterior(npe, &post));
        EXPECT_ERROR(HYLO_E_SHAPE, hylo_posterior_sample(post, xs, 3, 4, 0, NULL, lp, NULL, NULL));
        EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_posterior_sample(post, nan_x, 2, 4, 0, NULL, lp, NULL, NULL));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_posterior_sample(post, xs, 2, 4, 0, NULL, NULL, NULL, NULL));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_posterior_sample(post, xs, 2, 0, 0, NULL, lp, NULL, NULL));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_posterior_log_prob(NULL, th, 4, xs, 2, 0, lp));
        EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_posterior_log_prob(post, nan_x, 2, xs, 2, 0, lp));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_posterior_save(post, NULL));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_posterior_map(post, xs, 2, 0, NULL, NULL, NULL));
        EXPECT_ERROR(HYLO_E_SHAPE, hylo_posterior_map(post, xs, 1, 0, NULL, lp, NULL));
        {
            /* Misspecification check. */
            double pv = 0, mmd = 0;
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_misspecification_mmd(NULL, 1, th, 4, 2, NULL, NULL, &pv, &mmd));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_misspecification_mmd(xs, 0, th, 4, 2, NULL, NULL, &pv, &mmd));
            EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_misspecification_mmd(nan_x, 1, th, 4, 2, NULL, NULL, &pv, &mmd));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_misspecification_mmd(xs, 2, th, 4, 2, NULL, NULL, &pv, &mmd));
            EXPECT(strstr(hylo_last_error(), "too few") != NULL);
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_misspecification_mmd(xs, 1, th, 4, 2, NULL, NULL, NULL, &mmd));
            EXPECT_ERROR(HYLO_E_SHAPE, hylo_misspecification_mmd(xs, 1, th, 2, 4, post, NULL, &pv, &mmd));
            EXPECT_OK(hylo_options_set_int(o, "num_permutations", 0));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_misspecification_mmd(xs, 1, th, 4, 2, NULL, o, &pv, &mmd));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_OK(hylo_misspecification_mmd(xs, 1, th, 4, 2, post, NULL, &pv, NULL));
            EXPECT(pv > 0 && pv <= 1);
        }
        {
            /* TMNRE. */
            hylo_tmnre *tm = NULL, *tm_out = NULL;
            const size_t bad_pair[2] = {0, 0}, pair[2] = {0, 1};
            double low[2], high[2], ms[8], mw[4];
            size_t size = 0, idx[2] = {9, 9}, count = 0;
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_tmnre_create(NULL, NULL, 0, NULL, &tm_out));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_tmnre_create(p, bad_pair, 1, NULL, &tm_out));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_tmnre_create(p, NULL, 1, NULL, &tm_out));
            EXPECT(tm_out == NULL);
            EXPECT_OK(hylo_tmnre_create(p, pair, 1, NULL, &tm));
            EXPECT_OK(hylo_tmnre_marginal(tm, 2, &size, idx, &count));
            EXPECT(size == 2 && idx[0] == 0 && idx[1] == 1 && count == 3);
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_tmnre_marginal(tm, 3, &size, idx, &count));
            EXPECT_ERROR(HYLO_E_STATE, hylo_tmnre_truncate(tm, xs, 2, NULL, low, high));
            EXPECT_ERROR(HYLO_E_STATE, hylo_tmnre_marginal_samples(tm, xs, 2, 0, 4, 0, ms, mw));
            EXPECT_ERROR(HYLO_E_STATE, hylo_tmnre_save(tm, "tmnre.safetensors"));
            EXPECT_ERROR(HYLO_E_STATE, hylo_tmnre_train(tm, NULL, NULL, NULL));
            EXPECT_OK(hylo_tmnre_append_simulations(tm, th, xs, 4, 2, &k));
            EXPECT_OK(hylo_options_set_int(o, "max_num_epochs", 1));
            EXPECT_OK(hylo_tmnre_train(tm, o, NULL, NULL));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_ERROR(HYLO_E_SHAPE, hylo_tmnre_truncate(tm, xs, 3, NULL, low, high));
            EXPECT_OK(hylo_options_set_double(o, "threshold", 1));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_tmnre_truncate(tm, xs, 2, o, low, high));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_OK(hylo_options_set_int(o, "num_samples", 100));
            EXPECT_OK(hylo_tmnre_truncate(tm, xs, 2, o, low, NULL));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_tmnre_marginal_samples(tm, xs, 2, 5, 4, 0, ms, mw));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_tmnre_marginal_samples(tm, xs, 2, 0, 4, 0, NULL, mw));
            EXPECT_OK(hylo_tmnre_marginal_samples(tm, xs, 2, 2, 4, 0, ms, NULL));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_tmnre_sample_truncated_prior(tm, 4, 0, NULL, NULL));
            EXPECT_OK(hylo_tmnre_sample_truncated_prior(tm, 4, 0, ms, &k));
            EXPECT(k == 4);
            EXPECT_OK(hylo_tmnre_save(tm, "tmnre.safetensors"));
            hylo_tmnre_free(tm);
            tm = NULL;
            EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_tmnre_load("good.safetensors", &tm));
            EXPECT_OK(hylo_tmnre_load("tmnre.safetensors", &tm));
            hylo_tmnre_free(tm);
            hylo_tmnre_free(NULL);
        }
        {
            /* FMPE. */
            hylo_fmpe *fm = NULL, *fm_out = NULL;
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_fmpe_create(NULL, NULL, &fm_out));
            EXPECT_OK(hylo_options_set_int(o, "num_steps", 0));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_fmpe_create(p, o, &fm_out));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT(fm_out == NULL);
            EXPECT_OK(hylo_fmpe_create(p, NULL, &fm));
            EXPECT_ERROR(HYLO_E_STATE, hylo_fmpe_train(fm, NULL, NULL, NULL));
            EXPECT_ERROR(HYLO_E_STATE, hylo_fmpe_build_posterior(fm, &qout));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_fmpe_append_simulations(fm, NULL, xs, 4, 2, NULL));
            EXPECT_OK(hylo_fmpe_append_simulations(fm, th, xs, 4, 2, &k));
            EXPECT_OK(hylo_options_set_int(o, "max_num_epochs", 1));
            EXPECT_OK(hylo_fmpe_train(fm, o, NULL, NULL));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_OK(hylo_fmpe_training_result(fm, NULL, NULL, NULL));
            hylo_fmpe_free(fm);
            hylo_fmpe_free(NULL);
        }
        {
            /* Ensembles. */
            const hylo_posterior *members[2] = {post, NULL};
            const double bad_weights[2] = {1, -1};
            hylo_posterior *ens = NULL;
            const char *kind = NULL;
            double draws[8]; /* 4 samples × dim_theta 2 */
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_posterior_ensemble_create(NULL, 2, NULL, &ens));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_posterior_ensemble_create(members, 0, NULL, &ens));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_posterior_ensemble_create(members, 2, NULL, &ens));
            EXPECT(strstr(hylo_last_error(), "members[1]") != NULL);
            members[1] = post;
            EXPECT_ERROR(HYLO_E_SHAPE, hylo_posterior_ensemble_create(members, 2, bad_weights, &ens));
            EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_posterior_ensemble_create(members, 2, nan_x, &ens));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_posterior_ensemble_create(members, 2, NULL, NULL));
            EXPECT(ens == NULL);
            EXPECT_OK(hylo_posterior_ensemble_create(members, 2, NULL, &ens));
            EXPECT_OK(hylo_posterior_method(ens, &kind));
            EXPECT(strcmp(kind, "ensemble") == 0);
            EXPECT_OK(hylo_posterior_sample(ens, xs, 2, 4, 0, NULL, draws, NULL, NULL));
            EXPECT_ERROR(HYLO_E_SHAPE, hylo_posterior_sample(ens, xs, 3, 4, 0, NULL, draws, NULL, NULL));
            hylo_posterior_free(ens);
        }
        {
            /* Sequential rounds: proposal simulations and the truncated prior. */
            const double outside[2] = {5, 0.5};
            double tp[10], mass = 0;
            size_t got_t = 0;
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_npe_append_proposal_simulations(NULL, th, xs, 4, 2, &k));
            EXPECT_ERROR(HYLO_E_SHAPE, hylo_npe_append_proposal_simulations(npe, outside, xs, 1, 2, &k));
            EXPECT(strstr(hylo_last_error(), "outside the prior's support") != NULL);
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_posterior_sample_truncated_prior(NULL, xs, 2, 5, 0, NULL, tp, &got_t, &mass));
            EXPECT_ERROR(HYLO_E_SHAPE, hylo_posterior_sample_truncated_prior(post, xs, 3, 5, 0, NULL, tp, &got_t, &mass));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_posterior_sample_truncated_prior(post, xs, 2, 0, 0, NULL, tp, &got_t, &mass));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_posterior_sample_truncated_prior(post, xs, 2, 5, 0, NULL, NULL, &got_t, &mass));
            EXPECT_OK(hylo_options_set_double(o, "quantile", 1.5));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_posterior_sample_truncated_prior(post, xs, 2, 5, 0, o, tp, &got_t, &mass));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_OK(hylo_options_set_int(o, "num_samples_to_estimate_support", 200));
            EXPECT_OK(hylo_posterior_sample_truncated_prior(post, xs, 2, 5, 0, o, tp, &got_t, NULL));
            EXPECT(got_t == 5);
            EXPECT_OK(hylo_options_set_int(o, "max_proposals", 1));
            EXPECT_ERROR(HYLO_E_BUDGET, hylo_posterior_sample_truncated_prior(post, xs, 2, 5, 0, o, tp, &got_t, &mass));
            EXPECT(got_t <= 1);
            EXPECT_OK(hylo_options_clear(o));
        }
        EXPECT_OK(hylo_options_set_int(o, "num_iter", -1));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_posterior_map(post, xs, 2, 0, o, lp, NULL));
        EXPECT_OK(hylo_options_clear(o));
        EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_posterior_load("good.safetensors", &qout)); /* an MLP file */
        EXPECT_ERROR(HYLO_E_IO, hylo_posterior_load("/nonexistent.safetensors", &qout));
        EXPECT(qout == NULL && nout == NULL);
        {
            double ranks[8], pv[2], cov[2], lev[2] = {0.5, 0.9}, bad_lev[2] = {0.5, 1.5}, atc = 0, c = 0;
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_c2st(NULL, 10, xs, 10, 1, 0, &c));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_c2st(xs, 2, xs, 2, 2, 0, &c));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_c2st(xs, 4, xs, 4, 0, 0, &c));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_posterior_sbc(NULL, th, xs, 4, 2, 10, 0, ranks, pv));
            EXPECT_ERROR(HYLO_E_SHAPE, hylo_posterior_sbc(post, th, xs, 4, 3, 10, 0, ranks, pv));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_posterior_sbc(post, th, xs, 4, 2, 0, 0, ranks, pv));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_posterior_sbc(post, th, xs, 4, 2, 10, 0, NULL, pv));
            EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_posterior_sbc(post, nan_x, xs, 2, 2, 10, 0, ranks, pv));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_posterior_expected_coverage(post, th, xs, 4, 2, 10, bad_lev, 2, 0, cov));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_posterior_expected_coverage(post, th, xs, 4, 2, 10, lev, 0, 0, cov));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_posterior_expected_coverage(post, th, xs, 4, 2, 10, lev, 2, 0, NULL));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_posterior_tarp(post, th, xs, 4, 2, 10, lev, 2, 0, NULL, &atc, NULL));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_posterior_tarp(post, th, xs, 4, 2, 10, NULL, 2, 0, cov, &atc, NULL));
            EXPECT_OK(hylo_posterior_sbc(post, th, xs, 4, 2, 10, 0, ranks, NULL));
        }
        {
            double small[2];
            size_t r = 0, c = 0;
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_npy_write(NULL, xs, 4, 2));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_npy_write("a.npy", NULL, 4, 2));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_npy_write("a.npy", xs, 4, 0));
            EXPECT_ERROR(HYLO_E_IO, hylo_npy_write("/nonexistent-dir/a.npy", xs, 4, 2));
            EXPECT_OK(hylo_npy_write("a.npy", xs, 4, 2));
            EXPECT_OK(hylo_npy_shape("a.npy", &r, &c));
            EXPECT(r == 4 && c == 2);
            EXPECT_ERROR(HYLO_E_BUFFER_TOO_SMALL, hylo_npy_read("a.npy", small, 2));
            EXPECT_ERROR(HYLO_E_IO, hylo_npy_shape("/nonexistent.npy", &r, &c));
            EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_npy_shape("good.safetensors", &r, &c));
            EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_npy_shape("bad_empty.safetensors", &r, &c));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_npe_append_npy(NULL, "a.npy", "a.npy", NULL));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_npe_append_npy(npe, NULL, "a.npy", NULL));
            EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_npe_append_npy(npe, "good.safetensors", "a.npy", NULL));
        }
        {   /* NLE and NRE, and the MCMC sampling options */
            hylo_nle *nle = NULL, *nle_out = NULL;
            hylo_nre *nre = NULL, *nre_out = NULL;
            hylo_posterior *lpost = NULL;
            static double big[2 * 100000];
            double rhat[2], ess[2], rate = 0;
            const char *method = NULL;
            size_t got = 0;
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_nle_create(NULL, NULL, &nle_out));
            EXPECT_OK(hylo_options_set_int(o, "unbounded_theta", 2));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_nle_create(p, o, &nle_out));
            EXPECT_OK(hylo_options_clear(o));
            {   /* θ outside the prior's support has no unbounded coordinates */
                hylo_nle *unbounded = NULL;
                double outside[8] = {0.5, 0.5, 0.2, 7.0, 0.1, 0.9, 0.3, 0.3};
                EXPECT_OK(hylo_options_set_int(o, "unbounded_theta", 1));
                EXPECT_OK(hylo_nle_create(p, o, &unbounded));
                EXPECT_OK(hylo_options_clear(o));
                EXPECT_OK(hylo_nle_append_simulations(unbounded, outside, xs, 4, 2, NULL));
                EXPECT_ERROR(HYLO_E_STATE, hylo_nle_train(unbounded, NULL, NULL, NULL));
                EXPECT(strstr(hylo_last_error(), "support") != NULL);
                hylo_nle_free(unbounded);
            }
            EXPECT_OK(hylo_nle_create(p, NULL, &nle));
            EXPECT_ERROR(HYLO_E_STATE, hylo_nle_train(nle, NULL, NULL, NULL));
            EXPECT_ERROR(HYLO_E_STATE, hylo_nle_build_posterior(nle, &qout));
            EXPECT_ERROR(HYLO_E_STATE, hylo_nle_training_result(nle, NULL, NULL, NULL));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_nle_append_simulations(nle, th, NULL, 4, 2, NULL));
            EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_nle_append_simulations(nle, nan_x, xs, 2, 2, NULL));
            EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_nle_append_npy(nle, "good.safetensors", "a.npy", NULL));
            EXPECT_OK(hylo_nle_append_simulations(nle, th, xs, 4, 2, NULL));
            EXPECT_ERROR(HYLO_E_SHAPE, hylo_nle_append_simulations(nle, th, xs, 2, 3, NULL));  /* NULL n_excluded still appends */
            EXPECT_OK(hylo_options_set_int(o, "max_num_epochs", 1));
            EXPECT_OK(hylo_nle_train(nle, o, NULL, NULL));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_OK(hylo_nle_build_posterior(nle, &lpost));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_posterior_method(lpost, NULL));
            EXPECT_OK(hylo_posterior_method(lpost, &method));
            EXPECT(method != NULL && strcmp(method, "nle") == 0);
            EXPECT_OK(hylo_posterior_method(post, &method));
            EXPECT(strcmp(method, "npe") == 0);
            EXPECT_OK(hylo_options_set_string(o, "sample_with", "direct"));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_posterior_sample(lpost, xs, 2, 4, 0, o, lp, NULL, NULL));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_OK(hylo_options_set_int(o, "max_proposals", 10));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_posterior_sample(lpost, xs, 2, 4, 0, o, lp, NULL, NULL));
            EXPECT(strstr(hylo_last_error(), "max_proposals") != NULL);
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_OK(hylo_options_set_string(o, "mcmc_method", "gibbs"));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_posterior_sample(lpost, xs, 2, 4, 0, o, lp, NULL, NULL));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_OK(hylo_options_set_int(o, "num_chains", 0));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_posterior_sample_mcmc(lpost, xs, 2, 4, 0, o, NULL, NULL, lp, NULL, NULL, NULL, NULL));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_OK(hylo_options_set_int(o, "thin", 0));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_posterior_sample_mcmc(lpost, xs, 2, 4, 0, o, NULL, NULL, lp, NULL, NULL, NULL, NULL));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_OK(hylo_options_set_double(o, "max_seconds", -1));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_posterior_sample_mcmc(lpost, xs, 2, 4, 0, o, NULL, NULL, lp, NULL, NULL, NULL, NULL));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_OK(hylo_options_set_string(o, "sample_with", "mcmc"));  /* implied: refused */
            EXPECT_ERROR(HYLO_E_OPTION, hylo_posterior_sample_mcmc(lpost, xs, 2, 4, 0, o, NULL, NULL, lp, NULL, NULL, NULL, NULL));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_posterior_sample_mcmc(lpost, xs, 2, 4, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
            EXPECT_ERROR(HYLO_E_SHAPE, hylo_posterior_sample_mcmc(lpost, xs, 3, 4, 0, NULL, NULL, NULL, lp, NULL, NULL, NULL, NULL));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_posterior_sample_mcmc(lpost, xs, 2, 0, 0, NULL, NULL, NULL, lp, NULL, NULL, NULL, NULL));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_posterior_sample_mcmc(NULL, xs, 2, 4, 0, NULL, NULL, NULL, lp, NULL, NULL, NULL, NULL));
            /* budgets: a time limit and a cancelling callback return what was drawn */
            EXPECT_OK(hylo_options_set_double(o, "max_seconds", 0.05));
            EXPECT_OK(hylo_options_set_int(o, "num_chains", 2));
            EXPECT_ERROR(HYLO_E_BUDGET, hylo_posterior_sample_mcmc(lpost, xs, 2, 100000, 0, o, NULL, NULL, big, &got, rhat, ess, &rate));
            EXPECT(got < 100000);
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_ERROR(HYLO_E_CANCELLED, hylo_posterior_sample_mcmc(lpost, xs, 2, 100, 0, NULL, cancel_at_once, NULL, big, &got, NULL, NULL, NULL));
            EXPECT_OK(hylo_options_set_int(o, "num_chains", 2));
            EXPECT_OK(hylo_options_set_int(o, "warmup_steps", 10));
            EXPECT_OK(hylo_posterior_sample_mcmc(post, xs, 2, 20, 0, o, NULL, NULL, big, &got, rhat, ess, &rate));  /* NPE too */
            EXPECT(got == 20 && rhat[0] > 0);
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_OK(hylo_options_set_int(o, "oversampling_factor", 0));
            EXPECT_OK(hylo_options_set_string(o, "sample_with", "importance"));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_posterior_sample(lpost, xs, 2, 4, 0, o, lp, NULL, NULL));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_posterior_log_prob(lpost, nan_x, 2, xs, 2, 0, lp));

            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_nre_create(NULL, NULL, &nre_out));
            EXPECT_OK(hylo_options_set_string(o, "loss", "nre_z"));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_nre_create(p, o, &nre_out));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_OK(hylo_options_set_int(o, "num_atoms", 1));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_nre_create(p, o, &nre_out));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_OK(hylo_options_set_string(o, "classifier", "transformer"));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_nre_create(p, o, &nre_out));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT(nle_out == NULL && nre_out == NULL);
            EXPECT_OK(hylo_nre_create(p, NULL, &nre));
            EXPECT_OK(hylo_nre_append_simulations(nre, th, xs, 4, 2, &k));
            EXPECT_ERROR(HYLO_E_STATE, hylo_nre_train(nre, NULL, NULL, NULL));  /* 10 atoms need 20 simulations */
            EXPECT(strstr(hylo_last_error(), "at least 20") != NULL);
            EXPECT_ERROR(HYLO_E_STATE, hylo_nre_build_posterior(nre, &qout));
            hylo_nre_free(nre);
            EXPECT_OK(hylo_options_set_string(o, "loss", "nre_a"));
            EXPECT_OK(hylo_nre_create(p, o, &nre));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_OK(hylo_nre_append_simulations(nre, th, xs, 4, 2, &k));
            EXPECT_OK(hylo_options_set_int(o, "training_batch_size", 1));
            EXPECT_ERROR(HYLO_E_STATE, hylo_nre_train(nre, o, NULL, NULL));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_OK(hylo_options_set_int(o, "max_num_epochs", 1));
            EXPECT_OK(hylo_nre_train(nre, o, NULL, NULL));
            EXPECT_OK(hylo_options_clear(o));
            EXPECT_OK(hylo_nre_training_result(nre, NULL, NULL, NULL));
            hylo_posterior_free(lpost);
            lpost = NULL;
            EXPECT_OK(hylo_nre_build_posterior(nre, &lpost));
            EXPECT_OK(hylo_posterior_save(lpost, "nre_posterior.safetensors"));
            hylo_posterior_free(lpost);
            EXPECT_OK(hylo_posterior_load("nre_posterior.safetensors", &lpost));
            EXPECT_OK(hylo_posterior_method(lpost, &method));
            EXPECT(strcmp(method, "nre") == 0);
            EXPECT(qout == NULL);
            hylo_posterior_free(lpost);
            hylo_nre_free(nre);
            hylo_nre_free(NULL);
            hylo_nle_free(nle);
            hylo_nle_free(NULL);
        }
        hylo_posterior_free(post);
        hylo_posterior_free(NULL);
        hylo_npe_free(npe);
        hylo_npe_free(NULL);
        hylo_prior_free(p);
    }

    {
        /* ABC: simulators, observations, options and results. */
        hylo_prior *p = NULL;
        hylo_options *o = NULL;
        hylo_abc_result *r = NULL, *none = NULL;
        const double low[2] = {-1, -1}, high[2] = {1, 1}, xo[2] = {0.2, 0.1}, nan_xo[2] = {NAN, 0};
        double theta[40], weights[20], distances[20], eps_out[4], epsilon;
        size_t n = 0, d = 0, sims = 0, invalid = 0, pops = 0;
        const char *status = NULL;
        EXPECT_OK(hylo_prior_create_box_uniform(low, high, 2, &p));
        EXPECT_OK(hylo_options_create(&o));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_abc_rejection(p, copy_theta, NULL, NULL, xo, 2, o, NULL, NULL, &r));
        EXPECT(strstr(hylo_last_error(), "num_simulations") != NULL);
        EXPECT_OK(hylo_options_set_int(o, "num_simulations", 200));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_abc_rejection(p, copy_theta, NULL, NULL, xo, 2, o, NULL, NULL, &r));
        EXPECT(strstr(hylo_last_error(), "exactly one of") != NULL);
        EXPECT_OK(hylo_options_set_double(o, "quantile", 0.1));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_abc_rejection(NULL, copy_theta, NULL, NULL, xo, 2, o, NULL, NULL, &r));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_abc_rejection(p, copy_theta, NULL, NULL, xo, 2, o, NULL, NULL, NULL));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_abc_rejection(p, NULL, NULL, NULL, xo, 2, o, NULL, NULL, &r));
        EXPECT(strstr(hylo_last_error(), "no simulator") != NULL);
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_abc_rejection(p, copy_theta, batch_simulator_for_checks, NULL, xo, 2, o, NULL, NULL, &r));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_abc_rejection(p, copy_theta, NULL, NULL, NULL, 2, o, NULL, NULL, &r));
        EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_abc_rejection(p, copy_theta, NULL, NULL, nan_xo, 2, o, NULL, NULL, &r));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_abc_rejection(p, copy_theta, NULL, NULL, xo, 0, o, NULL, NULL, &r));
        EXPECT_ERROR(HYLO_E_CALLBACK, hylo_abc_rejection(p, abort_run, NULL, NULL, xo, 2, o, NULL, NULL, &r));
        EXPECT(strstr(hylo_last_error(), "-7") != NULL);
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_abc_rejection(p, reject_all, NULL, NULL, xo, 2, o, NULL, NULL, &r));
        EXPECT(strstr(hylo_last_error(), "no valid simulation") != NULL);
        EXPECT_OK(hylo_options_set_string(o, "distance", "cosine"));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_abc_rejection(p, copy_theta, NULL, NULL, xo, 2, o, NULL, NULL, &r));
        EXPECT_OK(hylo_options_set_string(o, "distance", "l1"));
        EXPECT_OK(hylo_options_set_int(o, "sass", 1));
        EXPECT_OK(hylo_options_set_double(o, "sass_fraction", 0.01));  /* 2 pilot simulations for 3 features */
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_abc_rejection(p, copy_theta, NULL, NULL, xo, 2, o, NULL, NULL, &r));
        EXPECT(strstr(hylo_last_error(), "semi-automatic") != NULL);
        EXPECT_OK(hylo_options_set_int(o, "sass", 0));
        EXPECT_OK(hylo_options_set_int(o, "batch_size", 50));
        EXPECT(r == NULL);
        EXPECT_OK(hylo_abc_rejection(p, copy_theta, NULL, NULL, xo, 2, o, cancel_at_once, NULL, &r));
        EXPECT_OK(hylo_abc_result_info(r, &n, &d, &epsilon, &sims, &invalid, &pops, &status));
        EXPECT(strcmp(status, "cancelled") == 0 && sims == 50 && n == 5 && d == 2 && pops == 1);
        EXPECT_OK(hylo_abc_result_info(r, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_abc_result_info(NULL, &n, &d, &epsilon, &sims, &invalid, &pops, &status));
        EXPECT_ERROR(HYLO_E_BUFFER_TOO_SMALL, hylo_abc_result_samples(r, theta, weights, distances, 4));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_abc_result_samples(r, NULL, NULL, NULL, 20));
        EXPECT_OK(hylo_abc_result_samples(r, theta, NULL, distances, 20));
        EXPECT_ERROR(HYLO_E_BUFFER_TOO_SMALL, hylo_abc_result_epsilons(r, eps_out, 0));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_abc_result_resample(r, 0, 1, theta));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_abc_result_resample(r, 3, 1, NULL));
        EXPECT_OK(hylo_abc_result_resample(r, 20, 1, theta));
        hylo_abc_result_free(r);
        hylo_abc_result_free(NULL);
        /* An eps nothing reaches: an empty result, which cannot be resampled. */
        EXPECT_OK(hylo_options_clear(o));
        EXPECT_OK(hylo_options_set_int(o, "num_simulations", 100));
        EXPECT_OK(hylo_options_set_double(o, "eps", 0));
        EXPECT_OK(hylo_abc_rejection(p, copy_theta, NULL, NULL, xo, 2, o, NULL, NULL, &none));
        EXPECT_OK(hylo_abc_result_info(none, &n, NULL, NULL, NULL, NULL, NULL, NULL));
        EXPECT(n == 0);
        EXPECT_ERROR(HYLO_E_STATE, hylo_abc_result_resample(none, 3, 1, theta));
        hylo_abc_result_free(none);
        /* SMC-ABC options. */
        EXPECT_OK(hylo_options_clear(o));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_abc_smc(p, copy_theta, NULL, NULL, xo, 2, o, NULL, NULL, &r));
        EXPECT_OK(hylo_options_set_int(o, "num_particles", 20));
        EXPECT_OK(hylo_options_set_int(o, "num_simulations", 50));  /* less than the initial population (100) */
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_abc_smc(p, copy_theta, NULL, NULL, xo, 2, o, NULL, NULL, &r));
        EXPECT_OK(hylo_options_set_int(o, "num_simulations", 500));
        EXPECT_OK(hylo_options_set_double(o, "epsilon_decay", 1.5));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_abc_smc(p, copy_theta, NULL, NULL, xo, 2, o, NULL, NULL, &r));
        EXPECT_OK(hylo_options_set_double(o, "epsilon_decay", 0.5));
        EXPECT_OK(hylo_options_set_string(o, "kernel", "cauchy"));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_abc_smc(p, copy_theta, NULL, NULL, xo, 2, o, NULL, NULL, &r));
        EXPECT_OK(hylo_options_set_string(o, "kernel", "uniform"));
        EXPECT_OK(hylo_options_set_int(o, "num_initial_pop", 10));  /* fewer than the particles */
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_abc_smc(p, copy_theta, NULL, NULL, xo, 2, o, NULL, NULL, &r));
        EXPECT_OK(hylo_options_set_int(o, "num_initial_pop", 40));
        EXPECT_OK(hylo_abc_smc(p, copy_theta, NULL, NULL, xo, 2, o, NULL, NULL, &r));
        EXPECT_OK(hylo_abc_result_info(r, &n, NULL, &epsilon, &sims, NULL, &pops, &status));
        EXPECT(n == 20 && sims == 500 && pops > 1 && strcmp(status, "complete") == 0);
        EXPECT(hylo_abc_result_epsilons(r, eps_out, 4) == (pops <= 4 ? HYLO_OK : HYLO_E_BUFFER_TOO_SMALL));
        hylo_abc_result_free(r);
        hylo_options_free(o);
        hylo_prior_free(p);
    }

    {
        hylo_ode *ode = NULL, *bad = NULL, *illegal = NULL;
        hylo_options *oo = NULL;
        const double y0[1] = {1}, rate[1] = {0.5}, times[2] = {0.5, 1}, reversed[2] = {1, 0.5}, nan_y[1] = {NAN};
        double out[2], sens[2], g[1], loss_value;
        int32_t sources[5];
        int64_t stats[8];
        EXPECT_OK(hylo_options_create(&oo));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_ode_create(1, 1, NULL, NULL, &ode));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_ode_create(1, 1, decay, NULL, NULL));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_ode_create(0, 1, decay, NULL, &ode));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_ode_create((size_t)-1, 1, decay, NULL, &ode));
        EXPECT_OK(hylo_ode_create(1, 1, decay, NULL, &ode));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_ode_solve(NULL, NULL, 0, y0, rate, times, 2, out));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_ode_solve(ode, NULL, 0, NULL, rate, times, 2, out));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_ode_solve(ode, NULL, 0, y0, NULL, times, 2, out));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_ode_solve(ode, NULL, 0, y0, rate, NULL, 2, out));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_ode_solve(ode, NULL, 0, y0, rate, times, 2, NULL));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_ode_solve(ode, NULL, 0, y0, rate, times, 0, out));
        EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_ode_solve(ode, NULL, 0, nan_y, rate, times, 2, out));
        EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_ode_solve(ode, NULL, NAN, y0, rate, times, 2, out));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_ode_solve(ode, NULL, 0, y0, rate, reversed, 2, out));
        EXPECT_OK(hylo_options_set_string(oo, "method", "rk45"));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_ode_solve(ode, oo, 0, y0, rate, times, 2, out));
        EXPECT_OK(hylo_options_set_string(oo, "method", "rk4"));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_ode_solve(ode, oo, 0, y0, rate, times, 2, out)); /* no fixed_step */
        EXPECT_OK(hylo_options_clear(oo));
        EXPECT_OK(hylo_options_set_double(oo, "rtol", -1));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_ode_solve(ode, oo, 0, y0, rate, times, 2, out));
        EXPECT_OK(hylo_options_clear(oo));
        EXPECT_OK(hylo_options_set_int(oo, "num_workers", 2));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_ode_solve(ode, oo, 0, y0, rate, times, 2, out)); /* batch only */
        EXPECT_OK(hylo_options_clear(oo));
        EXPECT_OK(hylo_options_set_int(oo, "max_steps", 3));
        EXPECT_ERROR(HYLO_E_NUMERICAL, hylo_ode_solve(ode, oo, 0, y0, rate, times, 2, out));
        EXPECT_OK(hylo_options_clear(oo));
        EXPECT_OK(hylo_options_set_string(oo, "method", "rodas4"));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_ode_sensitivities(ode, oo, 0, y0, rate, times, 2, out, sens));
        EXPECT_OK(hylo_options_clear(oo));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_ode_sensitivities(ode, NULL, 0, y0, rate, times, 2, out, NULL));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_ode_gradient(ode, NULL, 0, y0, rate, times, 2, NULL, NULL, &loss_value, NULL, g, NULL));
        EXPECT_ERROR(HYLO_E_CALLBACK, hylo_ode_gradient(ode, NULL, 0, y0, rate, times, 2, failing_loss, NULL, &loss_value, NULL, g, NULL));
        EXPECT_OK(hylo_options_set_string(oo, "gradient", "backsolve"));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_ode_gradient(ode, oo, 0, y0, rate, times, 2, failing_loss, NULL, &loss_value, NULL, g, NULL));
        EXPECT_OK(hylo_options_clear(oo));
        EXPECT_ERROR(HYLO_E_SHAPE, hylo_ode_solve_batch(ode, NULL, 0, y0, 1, rate, 2, times, 2, out));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_ode_solve_batch(ode, NULL, 0, y0, 0, rate, 1, times, 2, out));
        EXPECT_ERROR(HYLO_E_BUFFER_TOO_SMALL, hylo_ode_statistics(ode, stats, 7));
        EXPECT_ERROR(HYLO_E_BUFFER_TOO_SMALL, hylo_ode_derivative_sources(ode, sources, 4));
        EXPECT_OK(hylo_ode_derivative_sources(ode, sources, 5));
        EXPECT(sources[0] == HYLO_DERIVATIVE_FINITE_DIFF && sources[3] == HYLO_DERIVATIVE_FINITE_DIFF);
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_ode_set_jacobian(NULL, NULL));
        EXPECT_OK(hylo_ode_create(1, 0, aborting_rhs, NULL, &bad));
        EXPECT_ERROR(HYLO_E_CALLBACK, hylo_ode_solve(bad, NULL, 0, y0, NULL, times, 2, out));
        EXPECT(strstr(hylo_last_error(), "-7") != NULL);
        EXPECT_OK(hylo_ode_create(1, 0, illegal_rhs, NULL, &illegal));
        EXPECT_ERROR(HYLO_E_NUMERICAL, hylo_ode_solve(illegal, NULL, 0, y0, NULL, times, 2, out));
        EXPECT_OK(hylo_ode_statistics(illegal, stats, 8));
        {
            hylo_hybrid *hy = NULL, *loaded_hy = NULL;
            const size_t twice[2] = {0, 0}, beyond[1] = {3};
            double params[64], obs[2] = {1, NAN}, ydot[1];
            const int32_t observed[2] = {1, 0};
            size_t np = 0, total = 0;
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_hybrid_create(ode, 1, NULL, 0, NULL, NULL));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_hybrid_create(ode, 2, NULL, 0, NULL, &hy));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_hybrid_create(NULL, 0, NULL, 0, NULL, &hy));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_hybrid_create(NULL, 2, twice, 2, NULL, &hy));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_hybrid_create(NULL, 2, beyond, 1, NULL, &hy));
            EXPECT_OK(hylo_options_set_string(oo, "activation", "swish"));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_hybrid_create(ode, 1, NULL, 0, oo, &hy));
            EXPECT_OK(hylo_options_clear(oo));
            EXPECT_OK(hylo_options_set_int(oo, "hidden_features", 1 << 12));
            EXPECT_OK(hylo_options_set_int(oo, "hidden_layers", 8));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_hybrid_create(ode, 1, NULL, 0, oo, &hy)); /* 2^27 weights */
            EXPECT_OK(hylo_options_clear(oo));
            EXPECT_OK(hylo_options_set_string(oo, "coupling", "multiplicative"));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_hybrid_create(ode, 1, NULL, 0, oo, &hy));
            EXPECT_OK(hylo_options_set_string(oo, "coupling", "hamiltonian"));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_hybrid_create(ode, 1, NULL, 0, oo, &hy));   /* odd n */
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_hybrid_create(NULL, 2, twice, 1, oo, &hy)); /* targets */
            EXPECT_OK(hylo_options_set_string(oo, "activation", "relu"));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_hybrid_create(NULL, 2, NULL, 0, oo, &hy));
            EXPECT(strstr(hylo_last_error(), "relu") != NULL);
            EXPECT_OK(hylo_options_clear(oo));
            EXPECT_OK(hylo_options_set_string(oo, "coupling", "parameters"));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_hybrid_create(NULL, 2, NULL, 0, oo, &hy));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_hybrid_create(ode, 1, beyond, 1, oo, &hy));
            EXPECT(strstr(hylo_last_error(), "physical parameter") != NULL);
            EXPECT_OK(hylo_options_set_string(oo, "coupling", "physics_output"));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_hybrid_create(NULL, 2, NULL, 0, oo, &hy));
            EXPECT_OK(hylo_options_clear(oo));
            EXPECT_OK(hylo_options_set_int(oo, "hidden_features", 4));
            EXPECT_OK(hylo_hybrid_create(ode, 1, NULL, 0, oo, &hy));
            EXPECT_OK(hylo_options_clear(oo));
            EXPECT_OK(hylo_hybrid_num_parameters(hy, &np, &total));
            EXPECT(np == 1 && total == 1 + (4 * 1 + 4) + (4 * 4 + 4) + (1 * 4 + 1));
            EXPECT_ERROR(HYLO_E_BUFFER_TOO_SMALL, hylo_hybrid_get_parameters(hy, params, total - 1));
            EXPECT_ERROR(HYLO_E_SHAPE, hylo_hybrid_set_parameters(hy, params, total + 1));
            EXPECT_OK(hylo_hybrid_get_parameters(hy, params, 64));
            params[0] = NAN;
            EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_hybrid_set_parameters(hy, params, total));
            EXPECT_ERROR(HYLO_E_STATE, hylo_hybrid_training_result(hy, NULL, NULL, NULL));
            EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_hybrid_train(hy, NULL, 0, y0, 1, times, 2, obs, NULL, NULL, NULL));
            EXPECT_OK(hylo_options_set_int(oo, "adam_iterations", 2));
            EXPECT_OK(hylo_options_set_int(oo, "lbfgs_iterations", 0));
            EXPECT_OK(hylo_hybrid_train(hy, oo, 0, y0, 1, times, 2, obs, observed, NULL, NULL));
            EXPECT_OK(hylo_options_set_int(oo, "epochs", 2));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_hybrid_train(hy, oo, 0, y0, 1, times, 2, obs, observed, NULL, NULL));
            EXPECT_OK(hylo_options_clear(oo));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_hybrid_train(hy, NULL, 0, y0, 0, times, 2, obs, observed, NULL, NULL));
            EXPECT_OK(hylo_options_set_int(oo, "train_physics", 0));
            EXPECT_OK(hylo_options_set_int(oo, "train_network", 0));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_hybrid_train(hy, oo, 0, y0, 1, times, 2, obs, observed, NULL, NULL));
            EXPECT(strstr(hylo_last_error(), "nothing to train") != NULL);
            EXPECT_OK(hylo_options_clear(oo));
            EXPECT_OK(hylo_options_set_int(oo, "shooting_segments", 0));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_hybrid_train(hy, oo, 0, y0, 1, times, 2, obs, observed, NULL, NULL));
            EXPECT_OK(hylo_options_set_int(oo, "shooting_segments", 2));
            EXPECT_OK(hylo_options_set_double(oo, "continuity_weight", -1));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_hybrid_train(hy, oo, 0, y0, 1, times, 2, obs, observed, NULL, NULL));
            EXPECT_OK(hylo_options_set_double(oo, "continuity_weight", 10));
            EXPECT_OK(hylo_options_set_int(oo, "adam_iterations", 2));
            EXPECT_OK(hylo_options_set_int(oo, "lbfgs_iterations", 2));
            EXPECT_OK(hylo_hybrid_train(hy, oo, 0, y0, 1, times, 2, obs, observed, NULL, NULL));
            EXPECT_OK(hylo_options_clear(oo));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_hybrid_rhs(hy, 0, NULL, ydot, NULL));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_hybrid_solve(hy, NULL, 0, y0, times, 2, NULL));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_hybrid_solve(hy, NULL, 0, y0, reversed, 2, out));
            EXPECT_OK(hylo_hybrid_save(hy, "hybrid.safetensors"));
            EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_hybrid_load("hybrid.safetensors", NULL, &loaded_hy)); /* physics missing */
            EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_hybrid_load("hybrid.safetensors", bad, &loaded_hy));  /* 0 parameters */
            EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_hybrid_load("good.safetensors", ode, &loaded_hy));
            EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_hybrid_load("bad_truncated.safetensors", ode, &loaded_hy));
            EXPECT_ERROR(HYLO_E_IO, hylo_hybrid_load("/nonexistent.safetensors", ode, &loaded_hy));
            EXPECT_OK(hylo_hybrid_load("hybrid.safetensors", ode, &loaded_hy));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_hybrid_discover(NULL, NULL, 0, y0, 1, times, 2, obs, observed, params, 64, NULL));
            EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_hybrid_discover(hy, NULL, 0, y0, 1, times, 2, obs, NULL, params, 64, NULL));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_hybrid_discover(hy, NULL, 0, y0, 1, times, 2, obs, observed, NULL, 64, NULL));
            EXPECT_ERROR(HYLO_E_BUFFER_TOO_SMALL, hylo_hybrid_discover(hy, NULL, 0, y0, 1, times, 2, obs, observed, params, 2, NULL));
            EXPECT_OK(hylo_options_set_string(oo, "criterion", "mdl"));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_hybrid_discover(hy, oo, 0, y0, 1, times, 2, obs, observed, params, 64, NULL));
            EXPECT_OK(hylo_options_clear(oo));
            EXPECT_OK(hylo_options_set_int(oo, "thresholds", 0));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_hybrid_discover(hy, oo, 0, y0, 1, times, 2, obs, observed, params, 64, NULL));
            EXPECT_OK(hylo_options_clear(oo));
            EXPECT_OK(hylo_hybrid_discover(hy, NULL, 0, y0, 1, times, 2, obs, observed, params, 64, params + 8));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_sparse_regression(obs, obs, 2, 0, 1, 2, 0.1, params, 64, NULL));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_sparse_regression(obs, obs, 2, 1, 1, 9, 0.1, params, 64, NULL));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_sparse_regression(obs, obs, 2, 1, 1, 2, -1, params, 64, NULL));
            EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_sparse_regression(obs, obs, 2, 1, 1, 2, 0.1, params, 64, NULL));
            EXPECT_ERROR(HYLO_E_BUFFER_TOO_SMALL, hylo_sparse_regression(y0, y0, 1, 1, 1, 2, 0.1, params, 2, NULL));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_sparse_regression_terms(2, 2, 6, NULL, (char *)params, 16));
            EXPECT_ERROR(HYLO_E_BUFFER_TOO_SMALL, hylo_sparse_regression_terms(2, 2, 4, NULL, (char *)params, 3));
            EXPECT_OK(hylo_options_set_int(oo, "trigonometric", 2));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_sindy(y0, y0, 1, 1, 1, oo, params, 64, NULL));
            EXPECT_OK(hylo_options_set_int(oo, "trigonometric", 1));
            EXPECT_OK(hylo_options_set_int(oo, "max_iterations", 0));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_sindy_terms(1, oo, 0, &np, NULL, 0));
            EXPECT_OK(hylo_options_set_int(oo, "max_iterations", 5));
            EXPECT_OK(hylo_sindy_terms(1, oo, 0, &np, NULL, 0));
            EXPECT(np == 5); /* 1, x0, x0^2, sin(x0), cos(x0) */
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_sindy_terms(1, oo, 5, NULL, (char *)params, 16));
            EXPECT_OK(hylo_sindy_terms(1, oo, 3, NULL, (char *)params, 16));
            EXPECT(strcmp((char *)params, "sin(x0)") == 0);
            EXPECT_ERROR(HYLO_E_BUFFER_TOO_SMALL, hylo_sindy(y0, y0, 1, 1, 1, oo, params, 4, NULL));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_sindy(NULL, y0, 1, 1, 1, oo, params, 64, NULL));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_sindy(y0, y0, 1, 0, 1, NULL, params, 64, NULL));
            EXPECT_OK(hylo_options_clear(oo));
            hylo_hybrid_free(loaded_hy);
            hylo_hybrid_free(hy);
            hylo_hybrid_free(NULL);
        }
        {
            hylo_corrector *co = NULL, *loaded_co = NULL;
            double traj[2][4] = {{1, 0.5, 0.25, 0.125}, {2, 1, 0.5, 0.25}}, rolled[4], w[64], loss = 0, plain = 0;
            size_t count = 0;
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_corrector_create(1, NULL, NULL, NULL, NULL, &co));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_corrector_create(1, halving_step, NULL, NULL, NULL, NULL));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_corrector_create(0, halving_step, NULL, NULL, NULL, &co));
            EXPECT_OK(hylo_options_set_int(oo, "hidden_features", 1 << 12));
            EXPECT_OK(hylo_options_set_int(oo, "hidden_layers", 8));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_corrector_create(1, halving_step, NULL, NULL, oo, &co)); /* 2^27 weights */
            EXPECT_OK(hylo_options_clear(oo));
            EXPECT_OK(hylo_options_set_int(oo, "hidden_features", 3));
            EXPECT_OK(hylo_corrector_create(1, halving_step, NULL, NULL, oo, &co));
            EXPECT_OK(hylo_options_clear(oo));
            EXPECT_OK(hylo_corrector_num_parameters(co, &count));
            EXPECT(count == (3 + 3) + (9 + 3) + (3 + 1));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_corrector_num_parameters(co, NULL));
            EXPECT_ERROR(HYLO_E_BUFFER_TOO_SMALL, hylo_corrector_get_parameters(co, w, count - 1));
            EXPECT_ERROR(HYLO_E_SHAPE, hylo_corrector_set_parameters(co, w, count + 1));
            EXPECT_OK(hylo_corrector_get_parameters(co, w, 64));
            w[2] = INFINITY;
            EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_corrector_set_parameters(co, w, count));
            EXPECT_ERROR(HYLO_E_STATE, hylo_corrector_training_result(co, &loss, &plain));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_corrector_train(co, NULL, 0, 0, &traj[0][0], 2, 3, NULL, NULL));
            EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_corrector_train(co, NULL, NAN, 0.1, &traj[0][0], 2, 3, NULL, NULL));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_corrector_train(co, NULL, 0, 0.1, &traj[0][0], 0, 3, NULL, NULL));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_corrector_train(co, NULL, 0, 0.1, &traj[0][0], 2, 2, NULL, NULL));
            EXPECT(strstr(hylo_last_error(), "unroll") != NULL);
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_corrector_train(co, NULL, 0, 0.1, NULL, 2, 4, NULL, NULL));
            EXPECT_OK(hylo_options_set_int(oo, "unroll", 0));
            EXPECT_ERROR(HYLO_E_OPTION, hylo_corrector_train(co, oo, 0, 0.1, &traj[0][0], 2, 3, NULL, NULL));
            EXPECT_OK(hylo_options_set_int(oo, "unroll", 2));
            EXPECT_OK(hylo_options_set_int(oo, "iterations", 20));
            EXPECT_OK(hylo_corrector_train(co, oo, 0, 0.1, &traj[0][0], 2, 3, NULL, NULL));
            EXPECT_OK(hylo_options_clear(oo));
            EXPECT_OK(hylo_corrector_training_result(co, NULL, &plain));
            EXPECT(plain == 0); /* the data are the stepper's own trajectories */
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_corrector_rollout(co, 0, -1, traj[0], 4, 1, rolled));
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_corrector_rollout(co, 0, 0.1, traj[0], 0, 1, rolled));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_corrector_rollout(co, 0, 0.1, traj[0], 4, 1, NULL));
            EXPECT_OK(hylo_corrector_rollout(co, 0, 0.1, traj[0], 4, 0, rolled));
            EXPECT(rolled[3] == 1.0 / 16);
            EXPECT_OK(hylo_corrector_save(co, "corrector.safetensors"));
            EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_corrector_load("corrector.safetensors", 2, halving_step, NULL, NULL, &loaded_co));
            EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_corrector_load("hybrid.safetensors", 1, halving_step, NULL, NULL, &loaded_co));
            EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_corrector_load("bad_truncated.safetensors", 1, halving_step, NULL, NULL, &loaded_co));
            EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_corrector_load("corrector.safetensors", 1, NULL, NULL, NULL, &loaded_co));
            EXPECT_OK(hylo_corrector_load("corrector.safetensors", 1, failing_step, NULL, NULL, &loaded_co));
            EXPECT_ERROR(HYLO_E_CALLBACK, hylo_corrector_rollout(loaded_co, 0, 0.1, traj[0], 4, 1, rolled));
            EXPECT(strstr(hylo_last_error(), "5") != NULL);
            hylo_corrector_free(loaded_co);
            EXPECT_OK(hylo_corrector_load("corrector.safetensors", 1, exploding_step, NULL, NULL, &loaded_co));
            EXPECT_ERROR(HYLO_E_NUMERICAL, hylo_corrector_rollout(loaded_co, 0, 0.1, traj[1], 4, 0, rolled));
            hylo_corrector_free(loaded_co);
            hylo_corrector_free(co);
            hylo_corrector_free(NULL);
        }
        hylo_ode_free(illegal);
        hylo_ode_free(bad);
        hylo_ode_free(ode);
        hylo_ode_free(NULL);
        hylo_options_free(oo);
    }

    /* ---- PINNs */
    {
        const double lo[2] = {-1, 0}, hi[2] = {1, 1}, flipped[2] = {1, 0}, nan2[2] = {NAN, 0};
        hylo_pde *pde = NULL;
        hylo_pinn *pinn = NULL;
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_pde_create("x,t", "u", lo, hi, 2, "t", NULL));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_pde_create(NULL, "u", lo, hi, 2, "t", &pde));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_pde_create("x,t", "u", NULL, hi, 2, "t", &pde));
        EXPECT_ERROR(HYLO_E_SHAPE, hylo_pde_create("x,t", "u", lo, hi, 1, "t", &pde));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_create("x,t", "u", lo, hi, 0, "t", &pde));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_create("x,t", "u", flipped, hi, 2, "t", &pde));
        EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_pde_create("x,t", "u", nan2, hi, 2, "t", &pde));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_create("x,t", "u", lo, hi, 2, "s", &pde));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_create("x,x", "u", lo, hi, 2, NULL, &pde));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_create("xy,t", "u", lo, hi, 2, NULL, &pde));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_create("x,t", "u_1", lo, hi, 2, NULL, &pde));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_create("x,t", "u,", lo, hi, 2, NULL, &pde));
        EXPECT_OK(hylo_pde_create("t", "u", lo + 1, hi + 1, 1, "t", &pde));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_add_condition(pde, "boundary", "u", 1)); /* no spatial axis */
        hylo_pde_free(pde);
        EXPECT_OK(hylo_pde_create("x,t", "u", lo, hi, 2, "t", &pde));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_pde_add_equation(NULL, "u_t"));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_pde_add_equation(pde, NULL));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_add_equation(pde, ""));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_add_equation(pde, "u_t + (u*u_x"));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_add_equation(pde, "u_t + nu*u_xx"));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_add_equation(pde, "u_xxx"));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_add_equation(pde, "u_n"));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_add_equation(pde, "foo(u)"));
        {   /* runaway nesting is an error, not a stack overflow */
            static char deep[200003];
            memset(deep, '(', 100000), deep[100000] = 'u', memset(deep + 100001, ')', 100000), deep[200001] = 0;
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_add_equation(pde, deep));
            for (int i = 0; i < 200000; i += 2) deep[i] = 'u', deep[i + 1] = '+';
            deep[199999] = 0;
            EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_add_equation(pde, deep));
        }
        EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_pde_set_constant(pde, "nu", INFINITY));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_set_constant(pde, "x", 1));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_set_constant(pde, "pi", 1));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_set_constant(pde, "sin", 1));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_add_coefficient(pde, "1a", 1));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_add_condition(pde, "x=0.5", "u", 1));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_add_condition(pde, "y=1", "u", 1));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_add_condition(pde, "edge", "u", 1));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_add_condition(pde, "x=-1", "u", -1));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_set_periodic(pde, "z", 1));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_set_periodic(pde, "x", 2));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_set_output_transform(pde, "v", "N"));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_set_output_transform(pde, "u", "u_x*N"));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_set_disk(pde, "x", "t", 0, 0, 1));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_set_disk(pde, "x", "x", 0, 0, 1));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_pde_add_observations(pde, "u", NULL, lo, 1, 1));
        EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_pde_add_observations(pde, "u", nan2, lo, 1, 1));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pde_add_observations(pde, "v", lo, lo, 1, 1));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pinn_create(pde, NULL, &pinn)); /* no equations yet */
        EXPECT_OK(hylo_pde_add_condition(pde, "x=-1", "u", 1));
        EXPECT_OK(hylo_pde_set_constant(pde, "nu", 0.01));
        EXPECT_OK(hylo_pde_add_equation(pde, "u_t + u*u_x - nu*u_xx"));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_pinn_create(NULL, NULL, &pinn));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_pinn_create(pde, NULL, NULL));
        hylo_options *po = NULL;
        EXPECT_OK(hylo_options_create(&po));
        EXPECT_OK(hylo_options_set_int(po, "hidden_layers", 0));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_pinn_create(pde, po, &pinn));
        EXPECT_OK(hylo_options_clear(po));
        EXPECT_OK(hylo_options_set_string(po, "activation", "relu"));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_pinn_create(pde, po, &pinn));
        EXPECT_OK(hylo_options_clear(po));
        EXPECT_OK(hylo_options_set_int(po, "hidden_layers", 1));
        EXPECT_OK(hylo_options_set_int(po, "hidden_features", 4));
        EXPECT_OK(hylo_pinn_create(pde, po, &pinn));
        double terms[4], value;
        char name[8];
        EXPECT_ERROR(HYLO_E_STATE, hylo_pinn_training_result(pinn, &value, NULL, NULL, 0));
        EXPECT_ERROR(HYLO_E_BUFFER_TOO_SMALL, hylo_pinn_loss_terms(pinn, terms, 1));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pinn_loss_term_name(pinn, 2, name, sizeof name));
        EXPECT_ERROR(HYLO_E_BUFFER_TOO_SMALL, hylo_pinn_loss_term_name(pinn, 1, name, sizeof name));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_pinn_evaluate(pinn, NULL, 1, terms));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_pinn_evaluate(pinn, lo, 1, NULL));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pinn_evaluate(pinn, lo, 0, terms));
        EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_pinn_evaluate(pinn, nan2, 1, terms));
        EXPECT_OK(hylo_options_clear(po));
        EXPECT_OK(hylo_options_set_int(po, "epochs", 3));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_pinn_train(pinn, po, NULL, NULL));
        EXPECT_OK(hylo_options_clear(po));
        EXPECT_OK(hylo_options_set_string(po, "sampling", "grid"));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_pinn_train(pinn, po, NULL, NULL));
        EXPECT_OK(hylo_options_clear(po));
        EXPECT_OK(hylo_options_set_int(po, "collocation_points", 100000000));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_pinn_train(pinn, po, NULL, NULL));
        EXPECT_OK(hylo_options_clear(po));
        EXPECT_OK(hylo_options_set_int(po, "collocation_points", 16000000));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_pinn_train(pinn, po, NULL, NULL)); /* too many activations */
        EXPECT_OK(hylo_options_clear(po));
        EXPECT_OK(hylo_options_set_int(po, "adam_iterations", 3));
        EXPECT_OK(hylo_options_set_int(po, "collocation_points", 16));
        EXPECT_OK(hylo_options_set_int(po, "boundary_points", 4));
        EXPECT_OK(hylo_pinn_train(pinn, po, NULL, NULL));
        EXPECT_OK(hylo_pinn_loss_terms(pinn, terms, 4));
        EXPECT_ERROR(HYLO_E_BUFFER_TOO_SMALL, hylo_pinn_training_result(pinn, NULL, NULL, name, 2));
        EXPECT_OK(hylo_pinn_save(pinn, "pinn.safetensors"));
        hylo_pinn *loaded = NULL;
        EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_pinn_load("good.safetensors", &loaded));
        EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_pinn_load("bad_truncated.safetensors", &loaded));
        EXPECT_ERROR(HYLO_E_IO, hylo_pinn_load("/nonexistent.safetensors", &loaded));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_pinn_load("pinn.safetensors", NULL));
        EXPECT_OK(hylo_pinn_load("pinn.safetensors", &loaded));
        hylo_pinn_free(loaded);
        hylo_pinn_free(pinn);
        hylo_pinn_free(NULL);
        hylo_pde_free(pde);
        hylo_pde_free(NULL);
        hylo_options_free(po);
    }

    /* Neural operators and their data generators. */
    {
        double nan = NAN, a[4 * 16], u[4 * 16];
        hylo_options *no = NULL;
        EXPECT_OK(hylo_options_create(&no));
        hylo_fno *fno = NULL;
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_fno_create(NULL, NULL));
        EXPECT_OK(hylo_options_set_int(no, "modes", 0));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_fno_create(no, &fno));
        EXPECT_OK(hylo_options_clear(no));
        EXPECT_OK(hylo_options_set_int(no, "dimensions", 3));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_fno_create(no, &fno));
        EXPECT_OK(hylo_options_clear(no));
        EXPECT_OK(hylo_options_set_string(no, "activation", "swish"));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_fno_create(no, &fno));
        EXPECT_OK(hylo_options_clear(no));
        EXPECT_OK(hylo_options_set_int(no, "width", 4096));
        EXPECT_OK(hylo_options_set_int(no, "modes", 4096));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_fno_create(no, &fno)); /* 2^28 spectral weights */
        EXPECT_OK(hylo_options_clear(no));
        EXPECT_OK(hylo_options_set_int(no, "modes", 4));
        EXPECT_OK(hylo_options_set_int(no, "width", 4));
        EXPECT_OK(hylo_options_set_int(no, "layers", 1));
        EXPECT_OK(hylo_options_set_int(no, "projection_channels", 4));
        EXPECT_OK(hylo_fno_create(no, &fno));
        for (int i = 0; i < 4 * 16; i++) { a[i] = sin(0.3 * i); u[i] = cos(0.2 * i); }
        EXPECT_ERROR(HYLO_E_STATE, hylo_fno_predict(fno, a, 4, 16, 1, u));
        EXPECT_ERROR(HYLO_E_STATE, hylo_fno_save(fno, "never.fno"));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_fno_train(NULL, a, u, 4, 16, 1, NULL, NULL, NULL));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_fno_train(fno, NULL, u, 4, 16, 1, NULL, NULL, NULL));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_fno_train(fno, a, u, 0, 16, 1, NULL, NULL, NULL));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_fno_train(fno, a, u, 4, 16, 2, NULL, NULL, NULL)); /* 1-D needs ny = 1 */
        EXPECT_ERROR(HYLO_E_SHAPE, hylo_fno_train(fno, a, u, 4, 4, 1, NULL, NULL, NULL)); /* 4 points, 4 modes */
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_fno_train(fno, a, u, (size_t)-1, 16, 1, NULL, NULL, NULL));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_fno_train(fno, a, u, 1 << 29, 1 << 23, 1, NULL, NULL, NULL));
        u[5] = nan;
        EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_fno_train(fno, a, u, 4, 16, 1, NULL, NULL, NULL));
        u[5] = 1;
        double zeros[4 * 16] = {0};
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_fno_train(fno, a, zeros, 4, 16, 1, NULL, NULL, NULL));
        hylo_options *to = NULL;
        EXPECT_OK(hylo_options_create(&to));
        EXPECT_OK(hylo_options_set_int(to, "epochs", 0));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_fno_train(fno, a, u, 4, 16, 1, to, NULL, NULL));
        EXPECT_OK(hylo_options_clear(to));
        EXPECT_OK(hylo_options_set_string(to, "loss", "l1"));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_fno_train(fno, a, u, 4, 16, 1, to, NULL, NULL));
        EXPECT_OK(hylo_options_clear(to));
        EXPECT_OK(hylo_options_set_double(to, "step_gamma", 0));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_fno_train(fno, a, u, 4, 16, 1, to, NULL, NULL));
        EXPECT_OK(hylo_options_clear(to));
        EXPECT_OK(hylo_options_set_int(to, "epochs", 3));
        EXPECT_ERROR(HYLO_E_CANCELLED, hylo_fno_train(fno, a, u, 4, 16, 1, to, cancel_at_once, NULL));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_fno_predict(fno, a, 64, 1 << 23, 1, u)); /* activations beyond 2^28 */
        EXPECT_OK(hylo_fno_train(fno, a, u, 4, 16, 1, to, NULL, NULL));
        EXPECT_OK(hylo_fno_predict(fno, a, 2, 8, 1, u)); /* another resolution resolving the modes */
        EXPECT_ERROR(HYLO_E_SHAPE, hylo_fno_predict(fno, a, 2, 5, 1, u));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_fno_predict(fno, a, 2, 8, 1, NULL));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_fno_sizes(NULL, NULL, NULL, NULL));
        EXPECT_OK(hylo_fno_save(fno, "fno.safetensors"));
        hylo_fno *loaded = NULL;
        EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_fno_load("pinn.safetensors", &loaded)); /* another kind */
        EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_fno_load("bad_truncated.safetensors", &loaded));
        EXPECT_ERROR(HYLO_E_IO, hylo_fno_load("/nonexistent.fno", &loaded));
        EXPECT_OK(hylo_fno_load("fno.safetensors", &loaded));
        hylo_fno_free(loaded);
        hylo_fno_free(fno);
        hylo_fno_free(NULL);

        hylo_deeponet *net = NULL;
        EXPECT_OK(hylo_options_clear(no));
        EXPECT_OK(hylo_options_set_int(no, "sensors", 0));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_deeponet_create(no, &net));
        EXPECT_OK(hylo_options_clear(no));
        EXPECT_OK(hylo_options_set_int(no, "sensors", 16));
        EXPECT_OK(hylo_options_set_int(no, "hidden_features", 8));
        EXPECT_OK(hylo_options_set_int(no, "latent", 8));
        EXPECT_OK(hylo_deeponet_create(no, &net));
        double y[4] = {0, 0.3, 0.6, 1}, s[4 * 4] = {0};
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_deeponet_train(net, a, 4, y, 0, s, NULL, NULL, NULL));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_deeponet_train(net, a, 4, NULL, 4, s, NULL, NULL, NULL));
        y[2] = INFINITY;
        EXPECT_ERROR(HYLO_E_NOT_FINITE, hylo_deeponet_train(net, a, 4, y, 4, s, NULL, NULL, NULL));
        y[2] = 0.6;
        EXPECT_OK(hylo_options_clear(to));
        EXPECT_OK(hylo_options_set_int(to, "epochs", 2));
        EXPECT_OK(hylo_deeponet_train(net, a, 4, y, 4, s, to, NULL, NULL));
        EXPECT_OK(hylo_options_set_string(to, "loss", "relative_l2"));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_deeponet_train(net, a, 4, y, 4, s, to, NULL, NULL)); /* s = 0 */
        EXPECT_ERROR(HYLO_E_OPTION, hylo_deeponet_train_pointwise(net, a, y, s, 4, to, NULL, NULL));
        EXPECT_OK(hylo_deeponet_predict(net, a, 4, y, 4, s));
        EXPECT_OK(hylo_deeponet_predict_pointwise(net, a, y, 4, s));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_deeponet_predict(net, a, (size_t)1 << 29, y, (size_t)1 << 29, s));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_deeponet_predict(net, a, 1, y, (size_t)1 << 27, s)); /* trunk activations */
        EXPECT_OK(hylo_deeponet_save(net, "deeponet.safetensors"));
        hylo_deeponet *net2 = NULL;
        EXPECT_ERROR(HYLO_E_FILE_FORMAT, hylo_deeponet_load("fno.safetensors", &net2));
        EXPECT_OK(hylo_deeponet_load("deeponet.safetensors", &net2));
        hylo_deeponet_free(net2);
        hylo_deeponet_free(net);
        hylo_deeponet_free(NULL);

        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_data_gaussian_field(-1, 5, 2, 1, 16, 1, 0, a));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_data_gaussian_field(1, nan, 2, 1, 16, 1, 0, a));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_data_gaussian_field(1, 5, 2, 1, 1, 1, 0, a));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_data_gaussian_field(1, 5, 2, 1, 16, 1, 0, NULL));
        EXPECT_OK(hylo_data_gaussian_field(1, 5, 2, 2, 4, 8, 0, a));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_data_burgers(1, 100, 0, NULL, NULL, NULL, a, u));
        EXPECT_ERROR(HYLO_E_NULL_ARGUMENT, hylo_data_burgers(1, 16, 0, NULL, NULL, NULL, a, NULL));
        EXPECT_OK(hylo_options_clear(to));
        EXPECT_OK(hylo_options_set_double(to, "step", 1e-12));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_data_burgers(1, 16, 0, to, NULL, NULL, a, u)); /* 10^12 steps */
        EXPECT_OK(hylo_options_clear(to));
        EXPECT_OK(hylo_options_set_int(to, "solver_points", 64));
        EXPECT_ERROR(HYLO_E_CANCELLED, hylo_data_burgers(2, 16, 0, to, cancel_at_once, NULL, a, u));
        EXPECT_OK(hylo_data_burgers(2, 16, 0, to, NULL, NULL, a, u));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_data_darcy(1, 2, 0, NULL, NULL, NULL, a, u));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_data_darcy(1, 5000, 0, NULL, NULL, NULL, a, u));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_data_darcy(1, 258, 0, NULL, NULL, NULL, a, u)); /* 515 solve points */
        EXPECT_OK(hylo_data_darcy(1, 5, 0, NULL, NULL, NULL, a, u));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_data_antiderivative(1, 1, 0, NULL, a, y, s));
        EXPECT_ERROR(HYLO_E_INVALID_ARGUMENT, hylo_data_antiderivative((size_t)1 << 23, 0, 0, NULL, a, y, s));
        EXPECT_OK(hylo_options_clear(to));
        EXPECT_OK(hylo_options_set_int(to, "sensors", 3));
        EXPECT_ERROR(HYLO_E_OPTION, hylo_data_antiderivative(1, 0, 0, to, a, y, s));
        EXPECT_OK(hylo_options_set_int(to, "sensors", 16));
        EXPECT_OK(hylo_data_antiderivative(2, 2, 0, to, a, y, s));
        hylo_options_free(to);
        hylo_options_free(no);
    }

    hylo_mlp_free(m);
    hylo_options_free(o);
    return TEST_SUMMARY();
}
