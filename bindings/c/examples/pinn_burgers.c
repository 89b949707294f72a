/*
 * A physics-informed network from C: viscous Burgers u_t + u u_x = (0.01/pi) u_xx on [-1, 1] x [0, 1]
 * with u(0, x) = -sin(pi x) and u(t, ±1) = 0, the problems written as expressions. The initial and
 * boundary conditions are built into the network by an output transform; Adam, then L-BFGS.
 * The result is compared with the exact solution (Cole–Hopf, computed below by quadrature) on
 * the classic 256 x 100 grid.
 *
 *   pinn_burgers        a short run (ctest): conditions built in, 3000 points; error ≤ 1e-2
 *   pinn_burgers full   Raissi et al.'s setting: soft conditions, 10,000 points, L-BFGS; ≤ 1e-3
 *                       (about 10 minutes on two cores)
 */
#include <hylo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NX 256
#define NT 100
static const double PI = 3.14159265358979323846;

/* Cole–Hopf: u = -∫ sin(π(x-η)) f(x-η) G dη / ∫ f(x-η) G dη with f(y) = exp(-cos(πy)/(2πν)), G the heat
 * kernel; η = sqrt(4νt) z and the trapezoid rule on z ∈ [-8, 8], the largest exponent subtracted. */
static double burgers_exact(double t, double x, double nu) {
    if (t <= 0) return -sin(PI * x);
    const int n = 1601;
    const double h = 16.0 / (n - 1), c = sqrt(4 * nu * t);
    double top = -INFINITY;
    for (int i = 0; i < n; i++) {
        double z = -8 + i * h, e = -cos(PI * (x - c * z)) / (2 * PI * nu) - z * z;
        if (e > top) top = e;
    }
    double num = 0, den = 0;
    for (int i = 0; i < n; i++) {
        double z = -8 + i * h, y = x - c * z;
        double w = exp(-cos(PI * y) / (2 * PI * nu) - z * z - top);
        num -= w * sin(PI * y);
        den += w;
    }
    return num / den;
}

static int32_t report(const char *stage, int64_t done, int64_t total, double loss, void *data) {
    (void)data;
    if (done % 500 == 0 || done == total) printf("%s %lld/%lld loss %.3e\n", stage, (long long)done, (long long)total, loss);
    return 0;
}

#define CHECK(call)                                                                  \
    do {                                                                             \
        if ((call) != HYLO_OK) {                                                     \
            fprintf(stderr, "%s failed: %s\n", #call, hylo_last_error());           \
            return 1;                                                                \
        }                                                                            \
    } while (0)

int main(int argc, char **argv) {
    const int full = argc > 1 && strcmp(argv[1], "full") == 0;
    const double nu = 0.01 / PI, lower[2] = {-1, 0}, upper[2] = {1, 1};
    hylo_pde *pde = NULL;
    CHECK(hylo_pde_create("x,t", "u", lower, upper, 2, "t", &pde));
    CHECK(hylo_pde_set_constant(pde, "nu", nu));
    CHECK(hylo_pde_add_equation(pde, "u_t + u*u_x - nu*u_xx"));
    if (full) {
        CHECK(hylo_pde_add_condition(pde, "t=0", "u + sin(pi*x)", 1.0));
        CHECK(hylo_pde_add_condition(pde, "boundary", "u", 1.0));
    } else {
        CHECK(hylo_pde_set_output_transform(pde, "u", "-sin(pi*x) + t*(1 - x^2)*N"));
    }

    hylo_options *net = NULL, *train = NULL;
    CHECK(hylo_options_create(&net));
    CHECK(hylo_options_set_int(net, "hidden_layers", 8));
    CHECK(hylo_options_set_int(net, "hidden_features", 20));
    hylo_pinn *pinn = NULL;
    CHECK(hylo_pinn_create(pde, net, &pinn));
    CHECK(hylo_options_create(&train));
    CHECK(hylo_options_set_int(train, "collocation_points", full ? 10000 : 3000));
    CHECK(hylo_options_set_int(train, "boundary_points", 100));
    CHECK(hylo_options_set_int(train, "adam_iterations", full ? 1000 : 500));
    CHECK(hylo_options_set_int(train, "lbfgs_iterations", full ? 6000 : 2500));
    CHECK(hylo_pinn_train(pinn, train, report, NULL));
    char reason[64];
    int64_t iterations = 0;
    CHECK(hylo_pinn_training_result(pinn, NULL, &iterations, reason, sizeof reason));
    printf("L-BFGS stopped after %lld iterations: %s\n", (long long)iterations, reason);

    static double points[NX * NT * 2], u[NX * NT];
    for (int k = 0; k < NT; k++)
        for (int i = 0; i < NX; i++) {
            points[2 * (k * NX + i)] = -1 + 2.0 * i / (NX - 1);
            points[2 * (k * NX + i) + 1] = 0.01 * k;
        }
    CHECK(hylo_pinn_evaluate(pinn, points, NX * NT, u));
    double error = 0, norm = 0;
    for (int j = 0; j < NX * NT; j++) {
        double exact = burgers_exact(points[2 * j + 1], points[2 * j], nu);
        error += (u[j] - exact) * (u[j] - exact);
        norm += exact * exact;
    }
    double relative = sqrt(error / norm);
    printf("relative L2 error on the 256 x 100 grid: %.3e\n", relative);

    hylo_pinn_free(pinn);
    hylo_pde_free(pde);
    hylo_options_free(net);
    hylo_options_free(train);
    return relative <= (full ? 1e-3 : 1e-2) ? 0 : 1;
}
