/*
 * Robertson's stiff chemical kinetics, with the right-hand side and its derivatives written in C:
 * solves to t = 100 with the Rosenbrock method, computes forward sensitivities with respect to the
 * three rate constants (compared with the published output of CVODES' cvsRoberts_FSA_dns) and the
 * gradient of a loss by the discrete adjoint. Exits non-zero if a check fails.
 *
 *   y1' = -p1 y1 + p2 y2 y3,   y2' = p1 y1 - p2 y2 y3 - p3 y2²,   y3' = p3 y2²,   p = (0.04, 1e4, 3e7)
 */
#include <hylo.h>
#include <math.h>
#include <stdio.h>

static int32_t rhs(double t, const double *y, const double *p, double *ydot, void *user_data) {
    (void)t;
    (void)user_data;
    ydot[0] = -p[0] * y[0] + p[1] * y[1] * y[2];
    ydot[2] = p[2] * y[1] * y[1];
    ydot[1] = -ydot[0] - ydot[2];
    return 0;
}

static int32_t jacobian(double t, const double *y, const double *p, double *J, void *user_data) {
    (void)t;
    (void)user_data;
    J[0] = -p[0], J[1] = p[1] * y[2], J[2] = p[1] * y[1];
    J[6] = 0, J[7] = 2 * p[2] * y[1], J[8] = 0;
    for (int j = 0; j < 3; j++) J[3 + j] = -J[j] - J[6 + j];
    return 0;
}

/* out = vᵀ ∂f/∂p */
static int32_t vjp_p(double t, const double *y, const double *p, const double *v, double *out, void *user_data) {
    (void)t;
    (void)p;
    (void)user_data;
    out[0] = (v[1] - v[0]) * y[0];
    out[1] = (v[0] - v[1]) * y[1] * y[2];
    out[2] = (v[2] - v[1]) * y[1] * y[1];
    return 0;
}

/* loss = Σ_k y3(t_k)²: the amount of product, squared */
static int32_t loss(const double *times, const double *states, size_t num_times, size_t n, double *value,
                    double *cotangents, void *user_data) {
    (void)times;
    (void)user_data;
    *value = 0;
    for (size_t k = 0; k < num_times; k++) {
        const double y3 = states[k * n + 2];
        *value += y3 * y3;
        cotangents[k * n] = cotangents[k * n + 1] = 0;
        cotangents[k * n + 2] = 2 * y3;
    }
    return 0;
}

static int failures = 0;
static void check(const char *what, double value, double expected, double relative) {
    const int ok = fabs(value - expected) <= relative * fabs(expected);
    printf("%-24s %13.6e  (expected %13.6e) %s\n", what, value, expected, ok ? "ok" : "MISMATCH");
    failures += !ok;
}

#define CHECK(call)                                                                    \
    do {                                                                               \
        if ((call) != HYLO_OK) {                                                       \
            fprintf(stderr, "%s\n", hylo_last_error());                                \
            return 1;                                                                  \
        }                                                                              \
    } while (0)

int main(void) {
    const double p[3] = {0.04, 1e4, 3e7}, y0[3] = {1, 0, 0};
    hylo_ode *ode = NULL;
    hylo_options *opts = NULL;
    CHECK(hylo_ode_create(3, 3, rhs, NULL, &ode));
    CHECK(hylo_ode_set_jacobian(ode, jacobian));
    CHECK(hylo_ode_set_vjp(ode, NULL, vjp_p));
    CHECK(hylo_options_create(&opts));

    /* y(100) with Rodas4 */
    const double t100 = 100, reference[3] = {0.6172348816081134, 6.153591196187991e-06, 0.382758964800691};
    double y[3];
    int64_t stats[8];
    CHECK(hylo_options_set_string(opts, "method", "rodas4"));
    CHECK(hylo_options_set_double(opts, "rtol", 1e-8));
    CHECK(hylo_options_set_double(opts, "atol", 1e-14));
    CHECK(hylo_ode_solve(ode, opts, 0, y0, p, &t100, 1, y));
    CHECK(hylo_ode_statistics(ode, stats, 8));
    printf("rodas4: %lld steps, %lld rejected, %lld f evaluations, %lld Jacobians\n", (long long)stats[0],
           (long long)stats[1], (long long)stats[2], (long long)stats[3]);
    check("y1(100)", y[0], reference[0], 1e-6);
    check("y2(100)", y[1], reference[1], 1e-6);
    check("y3(100)", y[2], reference[2], 1e-6);

    /* forward sensitivities with Kvaerno5, against CVODES (cvsRoberts_FSA_dns) */
    const double times[2] = {0.4, 40};
    double states[6], sens[18];
    CHECK(hylo_options_set_string(opts, "method", "kvaerno5"));
    CHECK(hylo_ode_sensitivities(ode, opts, 0, y0, p, times, 2, states, sens));
    const double cvodes_y[6] = {9.8517e-1, 3.3864e-5, 1.4794e-2, 7.1583e-1, 9.1856e-6, 2.8416e-1};
    const double cvodes_s1[6] = {-3.5595e-1, 3.9025e-4, 3.5556e-1, -4.2475, 4.5913e-5, 4.2475};
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < 3; i++) {
            char label[32];
            snprintf(label, sizeof label, "y%d(%g)", i + 1, times[k]);
            check(label, states[k * 3 + i], cvodes_y[k * 3 + i], 1e-4);
            snprintf(label, sizeof label, "dy%d/dp1(%g)", i + 1, times[k]);
            check(label, sens[(k * 3 + i) * 3], cvodes_s1[k * 3 + i], 1e-4);
        }
    }

    /* the gradient of Σ y3(t_k)² by the discrete adjoint equals the one from the sensitivities */
    double value, grad_p[3];
    CHECK(hylo_ode_gradient(ode, opts, 0, y0, p, times, 2, loss, NULL, &value, NULL, NULL, grad_p));
    for (int j = 0; j < 3; j++) {
        double expected = 0;
        for (int k = 0; k < 2; k++) expected += 2 * states[k * 3 + 2] * sens[(k * 3 + 2) * 3 + j];
        char label[32];
        snprintf(label, sizeof label, "dloss/dp%d (adjoint)", j + 1);
        check(label, grad_p[j], expected, 1e-4);
    }

    hylo_options_free(opts);
    hylo_ode_free(ode);
    printf("%s\n", failures ? "FAILED" : "all checks passed");
    return failures != 0;
}
