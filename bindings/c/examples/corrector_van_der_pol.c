/*
 * Solver in the loop from C: the user's own coarse time stepper — forward Euler with a large step
 * on the Van der Pol oscillator x'' − μ(1 − x²)x' + x = 0 — is corrected by a network trained
 * through four unrolled steps against a fine reference (RK4 at a twentieth of the step). The
 * stepper and its exact vector–Jacobian product are plain C. Exits non-zero unless the corrected
 * rollout of an unseen initial state over about two periods is at least five times closer to the
 * reference than the stepper alone, and the saved correction reloads bit-identically.
 */
#include <hylo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { TRAJECTORIES = 16, STEPS = 60, TEST_STEPS = 150, SUBSTEPS = 20 };
static const double MU = 1.0, DT = 0.1;

static void tendency(const double *u, double *f) {
    f[0] = u[1];
    f[1] = MU * (1 - u[0] * u[0]) * u[1] - u[0];
}

/* The coarse stepper: u + dt F(u). */
static int32_t euler_step(double t, double dt, const double *u, double *next, void *data) {
    (void)t, (void)data;
    double f[2];
    tendency(u, f);
    next[0] = u[0] + dt * f[0];
    next[1] = u[1] + dt * f[1];
    return 0;
}

/* Its VJP: ū = v + dt (∂F/∂u)ᵀ v. */
static int32_t euler_vjp(double t, double dt, const double *u, const double *v, double *bar, void *data) {
    (void)t, (void)data;
    bar[0] = v[0] + dt * (-2 * MU * u[0] * u[1] - 1) * v[1];
    bar[1] = v[1] + dt * (v[0] + MU * (1 - u[0] * u[0]) * v[1]);
    return 0;
}

/* The reference: RK4 with SUBSTEPS substeps per coarse step. */
static void reference_step(const double *u, double *next) {
    double h = DT / SUBSTEPS, y[2] = {u[0], u[1]}, k1[2], k2[2], k3[2], k4[2], tmp[2];
    for (int s = 0; s < SUBSTEPS; s++) {
        tendency(y, k1);
        for (int i = 0; i < 2; i++) tmp[i] = y[i] + h / 2 * k1[i];
        tendency(tmp, k2);
        for (int i = 0; i < 2; i++) tmp[i] = y[i] + h / 2 * k2[i];
        tendency(tmp, k3);
        for (int i = 0; i < 2; i++) tmp[i] = y[i] + h * k3[i];
        tendency(tmp, k4);
        for (int i = 0; i < 2; i++) y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    }
    next[0] = y[0], next[1] = y[1];
}

/* A uniform draw in (−3, 3) from a fixed-seed generator (xorshift64*). */
static double uniform(void) {
    static unsigned long long s = 0x9E3779B97F4A7C15ULL;
    s ^= s >> 12, s ^= s << 25, s ^= s >> 27;
    return (((s * 2685821657736338717ULL >> 11) + 0.5) * 0x1p-53 * 2 - 1) * 3;
}

static double max_error(const double *a, const double *b, int count) {
    double worst = 0;
    for (int k = 0; k < count; k++) worst = fmax(worst, fabs(a[k] - b[k]));
    return worst;
}

#define CHECK(call)                                                                    \
    do {                                                                               \
        if ((call) != HYLO_OK) {                                                       \
            fprintf(stderr, "%s\n", hylo_last_error());                                \
            return 1;                                                                  \
        }                                                                              \
    } while (0)

int main(void) {
    static double data[TRAJECTORIES][STEPS + 1][2], reference[TEST_STEPS][2], plain[TEST_STEPS][2],
        corrected[TEST_STEPS][2], reloaded[TEST_STEPS][2];
    for (int j = 0; j < TRAJECTORIES; j++) {
        data[j][0][0] = uniform(), data[j][0][1] = uniform();
        for (int k = 0; k < STEPS; k++) reference_step(data[j][k], data[j][k + 1]);
    }
    const double u0[2] = {0.5, -2.0};
    reference_step(u0, reference[0]);
    for (int k = 1; k < TEST_STEPS; k++) reference_step(reference[k - 1], reference[k]);

    hylo_options *opts = NULL;
    hylo_corrector *model = NULL, *loaded = NULL;
    CHECK(hylo_options_create(&opts));
    CHECK(hylo_options_set_int(opts, "hidden_features", 32));
    CHECK(hylo_corrector_create(2, euler_step, euler_vjp, NULL, opts, &model));
    CHECK(hylo_options_clear(opts));
    CHECK(hylo_options_set_int(opts, "unroll", 4));
    CHECK(hylo_options_set_int(opts, "iterations", 3000));
    CHECK(hylo_options_set_double(opts, "learning_rate", 3e-3));
    CHECK(hylo_corrector_train(model, opts, 0, DT, &data[0][0][0], TRAJECTORIES, STEPS, NULL, NULL));
    double loss, uncorrected;
    CHECK(hylo_corrector_training_result(model, &loss, &uncorrected));

    CHECK(hylo_corrector_rollout(model, 0, DT, u0, TEST_STEPS, 0, &plain[0][0]));
    CHECK(hylo_corrector_rollout(model, 0, DT, u0, TEST_STEPS, 1, &corrected[0][0]));
    double plain_error = max_error(&plain[0][0], &reference[0][0], 2 * TEST_STEPS);
    double corrected_error = max_error(&corrected[0][0], &reference[0][0], 2 * TEST_STEPS);
    printf("training loss %.3e (stepper alone %.3e); %d-step rollout max error %.3e corrected, %.3e alone\n", loss,
           uncorrected, TEST_STEPS, corrected_error, plain_error);

    CHECK(hylo_corrector_save(model, "corrector_van_der_pol.safetensors"));
    CHECK(hylo_corrector_load("corrector_van_der_pol.safetensors", 2, euler_step, euler_vjp, NULL, &loaded));
    CHECK(hylo_corrector_rollout(loaded, 0, DT, u0, TEST_STEPS, 1, &reloaded[0][0]));
    int identical = max_error(&reloaded[0][0], &corrected[0][0], 2 * TEST_STEPS) == 0;
    remove("corrector_van_der_pol.safetensors");
    hylo_corrector_free(loaded);
    hylo_corrector_free(model);
    hylo_options_free(opts);
    if (!identical) {
        fprintf(stderr, "the reloaded correction differs\n");
        return 1;
    }
    return corrected_error * 5 < plain_error ? 0 : 1;
}
