/*
 * A Fourier neural operator from C: the viscous Burgers solution operator u(0) -> u(1) (nu = 0.1,
 * periodic on [0, 1)), learned from data the library generates (initial states from a Gaussian
 * random field, solutions by a Fourier ETDRK4 solver), then used at a finer resolution than it was
 * trained on, saved and reloaded.
 *
 *   fno_burgers        a short run (ctest): 200 training pairs at 128 points, 60 epochs; test error ≤ 5 %
 *   fno_burgers full   the FNO paper's setting: 1000/100 pairs at 1024 points, 500 epochs; ≤ 2 %
 *                      (about 1.5 hours on two cores; `hylo bench fno-burgers` is the same run)
 */
#include <hylo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(call)                                                                            \
    do {                                                                                       \
        hylo_status s_ = (call);                                                               \
        if (s_ != HYLO_OK) {                                                                   \
            fprintf(stderr, "%s failed: %s (%s)\n", #call, hylo_status_string(s_), hylo_last_error()); \
            exit(1);                                                                           \
        }                                                                                      \
    } while (0)

static int32_t report(const char *stage, int64_t done, int64_t total, double loss, void *data) {
    (void)data;
    if (done % 10 == 0 || done == total) printf("%s %lld/%lld training loss %.4f\n", stage, (long long)done, (long long)total, loss);
    return 0;
}

/* The mean over samples of ||p - u|| / ||u||. */
static double relative_error(const double *p, const double *u, size_t n, size_t points) {
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double e = 0, norm = 0;
        for (size_t j = 0; j < points; j++) {
            double d = p[i * points + j] - u[i * points + j];
            e += d * d;
            norm += u[i * points + j] * u[i * points + j];
        }
        sum += sqrt(e / norm);
    }
    return sum / n;
}

int main(int argc, char **argv) {
    int full = argc > 1 && strcmp(argv[1], "full") == 0;
    size_t ntrain = full ? 1000 : 200, ntest = full ? 100 : 20, points = full ? 1024 : 128, n = ntrain + ntest;
    int64_t epochs = full ? 500 : 60;
    double *a = malloc(n * points * sizeof *a), *u = malloc(n * points * sizeof *u);
    double *fine_a = malloc(ntest * 2 * points * sizeof *a), *fine_u = malloc(ntest * 2 * points * sizeof *u);
    double *prediction = malloc(ntest * 2 * points * sizeof *u), *again = malloc(ntest * points * sizeof *u);
    if (!a || !u || !fine_a || !fine_u || !prediction || !again) return 1;

    /* Data: the paper's solver runs on 8192 points; the short run uses 1024 (the solution is smooth). */
    hylo_options *data = NULL;
    CHECK(hylo_options_create(&data));
    if (!full) CHECK(hylo_options_set_int(data, "solver_points", 1024));
    CHECK(hylo_data_burgers(n, points, 7, data, NULL, NULL, a, u));
    /* The same test pairs at twice the resolution (same seed and sample numbers). */
    double *all_fine_a = malloc(n * 2 * points * sizeof *a), *all_fine_u = malloc(n * 2 * points * sizeof *u);
    if (!all_fine_a || !all_fine_u) return 1;
    CHECK(hylo_data_burgers(n, 2 * points, 7, data, NULL, NULL, all_fine_a, all_fine_u));
    memcpy(fine_a, all_fine_a + ntrain * 2 * points, ntest * 2 * points * sizeof *a);
    memcpy(fine_u, all_fine_u + ntrain * 2 * points, ntest * 2 * points * sizeof *u);

    hylo_options *net = NULL, *train = NULL;
    CHECK(hylo_options_create(&net));
    if (!full) {
        CHECK(hylo_options_set_int(net, "modes", 12));
        CHECK(hylo_options_set_int(net, "width", 32));
    }
    hylo_fno *fno = NULL;
    CHECK(hylo_fno_create(net, &fno));
    CHECK(hylo_options_create(&train));
    CHECK(hylo_options_set_int(train, "epochs", epochs));
    CHECK(hylo_options_set_int(train, "step_every", epochs / 5));
    CHECK(hylo_fno_train(fno, a, u, ntrain, points, 1, train, report, NULL));

    CHECK(hylo_fno_predict(fno, a + ntrain * points, ntest, points, 1, prediction));
    double error = relative_error(prediction, u + ntrain * points, ntest, points);
    CHECK(hylo_fno_predict(fno, fine_a, ntest, 2 * points, 1, prediction));
    double fine_error = relative_error(prediction, fine_u, ntest, 2 * points);
    printf("test relative L2 error %.4f at %zu points, %.4f at %zu points (never trained on)\n", error, points,
           fine_error, 2 * points);

    CHECK(hylo_fno_save(fno, "fno_burgers.safetensors"));
    hylo_fno *loaded = NULL;
    CHECK(hylo_fno_load("fno_burgers.safetensors", &loaded));
    CHECK(hylo_fno_predict(fno, a + ntrain * points, ntest, points, 1, prediction));
    CHECK(hylo_fno_predict(loaded, a + ntrain * points, ntest, points, 1, again));
    int identical = memcmp(prediction, again, ntest * points * sizeof *again) == 0;
    printf("reloaded model predicts %s\n", identical ? "bit-identically" : "DIFFERENTLY");

    double limit = full ? 0.02 : 0.05;
    int ok = identical && error <= limit && fine_error <= 2 * limit;
    hylo_fno_free(fno);
    hylo_fno_free(loaded);
    hylo_options_free(data);
    hylo_options_free(net);
    hylo_options_free(train);
    free(a); free(u); free(fine_a); free(fine_u); free(all_fine_a); free(all_fine_u); free(prediction); free(again);
    return ok ? 0 : 1;
}
