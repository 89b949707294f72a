/*
 * npe_two_moons.c — neural posterior estimation with a simulator written in C.
 *
 * The simulator is sbibm's "two moons": θ ~ U[-1, 1]², a ~ U(-π/2, π/2), r ~ N(0.1, 0.01²),
 * x = (r cos a + 0.25 - |θ1 + θ2|/√2, r sin a + (θ2 - θ1)/√2). Its posterior is a crescent
 * (two crescents for most x). Hylo runs the simulator on two worker threads, trains NPE, draws
 * posterior samples for an observation, saves the posterior and reloads it.
 *
 * Build: cc npe_two_moons.c $(pkg-config --cflags --libs hylo) -lm
 */
#include <hylo.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A small, reentrant generator seeded per simulation: splitmix64 → uniform, Box–Muller → normal. */
typedef struct { uint64_t state; } rng_t;
static double uniform01(rng_t *r) {
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return ((z >> 11) + 0.5) * 0x1p-53;
}
static double normal01(rng_t *r) {
    return sqrt(-2 * log(uniform01(r))) * cos(2 * 3.14159265358979323846 * uniform01(r));
}

/* Called from Hylo's worker threads: it touches nothing but its arguments. */
static int32_t two_moons(const double *theta, size_t dim_theta, double *x, size_t dim_x, uint64_t seed, void *user_data) {
    (void)user_data;
    if (dim_theta != 2 || dim_x != 2) return -1; /* abort: wrong set-up */
    rng_t rng = {seed};
    double a = 3.14159265358979323846 * (uniform01(&rng) - 0.5);
    double r = 0.1 + 0.01 * normal01(&rng);
    x[0] = r * cos(a) + 0.25 - fabs(theta[0] + theta[1]) / sqrt(2.0);
    x[1] = r * sin(a) + (theta[1] - theta[0]) / sqrt(2.0);
    return 0;
}

static int32_t report(const char *stage, int64_t done, int64_t total, double loss, void *user_data) {
    (void)total; (void)user_data;
    if (done % 20 == 0) printf("  %s epoch %lld: validation loss %.3f\n", stage, (long long)done, loss);
    return 0;
}

#define CHECK(call)                                                                                     \
    do {                                                                                                \
        hylo_status s_ = (call);                                                                        \
        if (s_ != HYLO_OK) {                                                                            \
            fprintf(stderr, "%s failed: %s (%s)\n", #call, hylo_status_string(s_), hylo_last_error()); \
            return 1;                                                                                   \
        }                                                                                               \
    } while (0)

int main(void) {
    enum { N = 5000, SAMPLES = 2000 };
    const double low[2] = {-1, -1}, high[2] = {1, 1};
    /* At x_o = 0 the posterior is the crescent |θ1 + θ2|/√2 = 0.25 + r cos a, (θ2 − θ1)/√2 = −r sin a,
       mirrored: E|θ| = E sqrt(0.0725 + 0.05 cos a) = 0.323. */
    const double x_o[2] = {0.0, 0.0};
    double *theta = malloc(sizeof(double) * 2 * N), *x = malloc(sizeof(double) * 2 * N);
    double *samples = malloc(sizeof(double) * 2 * SAMPLES), *again = malloc(sizeof(double) * 2 * SAMPLES);
    hylo_prior *prior = NULL;
    hylo_options *sim_opts = NULL, *train_opts = NULL;
    hylo_npe *npe = NULL;
    hylo_posterior *posterior = NULL, *loaded = NULL;
    size_t n_invalid = 0, n_out = 0;
    double acceptance = 0;

    printf("Hylo %s: NPE on two moons with a C simulator\n", hylo_version_string());
    CHECK(hylo_prior_create_box_uniform(low, high, 2, &prior));
    CHECK(hylo_prior_sample(prior, N, 1, theta));

    CHECK(hylo_options_create(&sim_opts));
    CHECK(hylo_options_set_int(sim_opts, "num_workers", 2));
    CHECK(hylo_options_set_int(sim_opts, "seed", 2));
    CHECK(hylo_simulate(two_moons, NULL, theta, N, 2, 2, sim_opts, NULL, NULL, x, NULL, &n_invalid));
    printf("%d simulations, %zu invalid\n", N, n_invalid);

    CHECK(hylo_npe_create(prior, NULL, &npe));
    CHECK(hylo_npe_append_simulations(npe, theta, x, N, 2, NULL));
    CHECK(hylo_options_create(&train_opts));
    CHECK(hylo_options_set_int(train_opts, "max_num_epochs", 100));
    CHECK(hylo_options_set_double(train_opts, "learning_rate", 1e-3));
    CHECK(hylo_npe_train(npe, train_opts, report, NULL));

    CHECK(hylo_npe_build_posterior(npe, &posterior));
    CHECK(hylo_posterior_sample(posterior, x_o, 2, SAMPLES, 3, NULL, samples, &n_out, &acceptance));
    double radius = 0;
    for (int i = 0; i < SAMPLES; i++) radius += sqrt(samples[2 * i] * samples[2 * i] + samples[2 * i + 1] * samples[2 * i + 1]);
    radius /= SAMPLES;
    printf("%zu posterior samples at x_o = (0, 0), acceptance %.3f, mean |θ| %.3f (exact: 0.323)\n", n_out, acceptance, radius);

    CHECK(hylo_posterior_save(posterior, "two_moons_posterior.safetensors"));
    CHECK(hylo_posterior_load("two_moons_posterior.safetensors", &loaded));
    CHECK(hylo_posterior_sample(loaded, x_o, 2, SAMPLES, 3, NULL, again, &n_out, NULL));
    int same = memcmp(samples, again, sizeof(double) * 2 * SAMPLES) == 0;
    printf("reloaded posterior samples %s\n", same ? "bit-identically" : "DIFFERENTLY");

    hylo_posterior_free(loaded);
    hylo_posterior_free(posterior);
    hylo_npe_free(npe);
    hylo_options_free(train_opts);
    hylo_options_free(sim_opts);
    hylo_prior_free(prior);
    free(theta); free(x); free(samples); free(again);
    return same && acceptance > 0.5 && fabs(radius - 0.323) < 0.03 ? 0 : 1;
}
