/*
 * mlp_fit.c — fit a neural surrogate to an expensive function from C.
 *
 * The "simulator" here is the damped oscillator x(t) = exp(-zeta*t) cos(omega*t) evaluated at
 * t = 1 for parameters (zeta, omega). We fit y = f(zeta, omega) with Hylo's MLP regressor, report
 * the test error, save the model, reload it and check that it predicts bit-identically.
 *
 * Build: cc mlp_fit.c $(pkg-config --cflags --libs hylo) -lm
 */
#include <hylo.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double simulator(double zeta, double omega) { return exp(-zeta) * cos(omega); }

/* Prints a line every 100 epochs; returning non-zero would cancel training. */
static int32_t progress(const char *stage, int64_t done, int64_t total, double loss, void *user_data) {
    (void)user_data;
    if (done % 100 == 0) printf("  %s %lld/%lld  validation loss %.3e\n", stage, (long long)done, (long long)total, loss);
    return 0;
}

#define CHECK(call)                                                                         \
    do {                                                                                    \
        hylo_status s_ = (call);                                                            \
        if (s_ != HYLO_OK) {                                                                \
            fprintf(stderr, "%s failed: %s (%s)\n", #call, hylo_status_string(s_), hylo_last_error()); \
            return 1;                                                                       \
        }                                                                                   \
    } while (0)

int main(void) {
    enum { N = 2000, NTEST = 200 };
    double *x = malloc(sizeof(double) * 2 * N), *y = malloc(sizeof(double) * N);
    double xt[2 * NTEST], yt[NTEST], pred[NTEST], pred2[NTEST];
    unsigned state = 12345u;
    for (int i = 0; i < N + NTEST; i++) {
        state = state * 1664525u + 1013904223u;
        double zeta = 0.1 + 0.9 * (state >> 8) / 16777216.0;
        state = state * 1664525u + 1013904223u;
        double omega = 0.5 + 2.5 * (state >> 8) / 16777216.0;
        double *row = i < N ? &x[2 * i] : &xt[2 * (i - N)];
        row[0] = zeta; row[1] = omega;
        if (i < N) y[i] = simulator(zeta, omega); else yt[i - N] = simulator(zeta, omega);
    }

    printf("Hylo %s: fitting a surrogate of a damped oscillator\n", hylo_version_string());
    hylo_options *arch = NULL, *train = NULL;
    hylo_mlp *mlp = NULL, *loaded = NULL;
    CHECK(hylo_options_create(&arch));
    CHECK(hylo_options_set_int(arch, "hidden_features", 32));
    CHECK(hylo_options_set_int(arch, "seed", 1));
    CHECK(hylo_mlp_create(2, 1, arch, &mlp));

    CHECK(hylo_options_create(&train));
    CHECK(hylo_options_set_string(train, "optimizer", "adam"));
    CHECK(hylo_options_set_double(train, "learning_rate", 3e-3));
    CHECK(hylo_options_set_int(train, "max_epochs", 300));
    CHECK(hylo_options_set_int(train, "patience", 30));
    CHECK(hylo_mlp_train(mlp, x, y, N, train, progress, NULL));

    int64_t epochs = 0;
    double best = 0;
    const char *reason = NULL;
    CHECK(hylo_mlp_training_result(mlp, &epochs, &best, &reason));
    CHECK(hylo_mlp_predict(mlp, xt, NTEST, pred));
    double err = 0, scale = 0;
    for (int i = 0; i < NTEST; i++) { err += (pred[i] - yt[i]) * (pred[i] - yt[i]); scale += yt[i] * yt[i]; }
    double rel = sqrt(err / scale);
    printf("trained %lld epochs (%s); relative test error %.2e\n", (long long)epochs, reason, rel);

    CHECK(hylo_mlp_save(mlp, "mlp_fit.safetensors"));
    CHECK(hylo_mlp_load("mlp_fit.safetensors", &loaded));
    CHECK(hylo_mlp_predict(loaded, xt, NTEST, pred2));
    int same = memcmp(pred, pred2, sizeof pred) == 0;
    printf("reloaded model predicts %s\n", same ? "bit-identically" : "DIFFERENTLY");

    hylo_mlp_free(loaded);
    hylo_mlp_free(mlp);
    hylo_options_free(train);
    hylo_options_free(arch);
    free(x);
    free(y);
    return rel < 0.05 && same ? 0 : 1;
}
