/*
 * hylo.h — the C interface of Hylo, a scientific machine-learning engine.
 *
 * This header is the manual. Every function is documented where it is declared.
 *
 * CONVENTIONS (they hold for every function below)
 *
 *   Status.   Every fallible function returns a hylo_status: HYLO_OK (0) on success, a negative
 *             HYLO_E_* code on failure. Codes never change meaning. On failure,
 *             hylo_last_error() describes what was wrong ("hylo_mlp_predict: x has 3 columns, the
 *             network takes 2"). Outputs are left untouched by a failed call unless stated.
 *   Handles.  Objects are opaque, typed handles created by hylo_<object>_create/_load(…, &out) and
 *             released by hylo_<object>_free(), which accepts NULL.
 *   Arrays.   Inputs come first, outputs last; a single output is named `out`. Arrays are
 *             `const double *` with their sizes as size_t, row-major, shapes spelled out in each
 *             doc block. The caller allocates every output array. The library never returns
 *             memory the caller must free; returned strings are owned by the library.
 *             Fortran callers: a Fortran array x(d, n) is the C row-major array n × d.
 *   Options.  Optional settings are passed as a hylo_options handle of key/value pairs (typed
 *             setters below). NULL means "all defaults". A function that takes options reports an
 *             unknown key, a value of the wrong type or out of range as HYLO_E_OPTION, naming the
 *             key and what it accepts. Each function documents its keys and their defaults.
 *   Progress. Long-running functions take an optional hylo_progress_fn. It is called on the
 *             calling thread; a non-zero return cancels the work cleanly: the function returns
 *             HYLO_E_CANCELLED and the object stays usable (with its best state so far).
 *   Values.   NaN or infinite inputs are rejected (HYLO_E_NOT_FINITE) wherever they make no sense.
 *
 * THREADS
 *
 *   The library has no global mutable state. A handle must be used by one thread at a time, except
 *   that a trained object may be shared read-only by many threads for the functions marked
 *   "thread-safe on a shared handle" (predictions, sampling). hylo_last_error() is per thread.
 *   Callbacks run on the calling thread unless a doc block says they may run on library worker
 *   threads.
 *
 * VERSIONING
 *
 *   Semantic versioning; the library's SONAME is libhylo.so.<major>. A published signature never
 *   changes: new behaviour comes as new functions. Compare HYLO_VERSION_* (the header you compiled
 *   against) with hylo_version_number() (the library you run against).
 */
#ifndef HYLO_H
#define HYLO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Version
 * ------------------------------------------------------------------------------------------- */

#define HYLO_VERSION_MAJOR 0
#define HYLO_VERSION_MINOR 1
#define HYLO_VERSION_PATCH 0
/** MAJOR * 10000 + MINOR * 100 + PATCH. */
#define HYLO_VERSION_NUMBER (HYLO_VERSION_MAJOR * 10000 + HYLO_VERSION_MINOR * 100 + HYLO_VERSION_PATCH)

/** The library's version as MAJOR * 10000 + MINOR * 100 + PATCH. Since 0.1. */
int32_t hylo_version_number(void);

/** The library's version as "MAJOR.MINOR.PATCH", library-owned. Since 0.1. */
const char *hylo_version_string(void);

/* ---------------------------------------------------------------------------------------------
 * Status codes and errors
 * ------------------------------------------------------------------------------------------- */

typedef int32_t hylo_status;

#define HYLO_OK                   0
#define HYLO_E_NULL_ARGUMENT     -1  /* a required pointer argument is NULL */
#define HYLO_E_INVALID_ARGUMENT  -2  /* a value is out of its domain (a size of 0, a bad name …) */
#define HYLO_E_SHAPE             -3  /* array sizes do not match each other or the object */
#define HYLO_E_NOT_FINITE        -4  /* an input holds NaN or ±Inf where that makes no sense */
#define HYLO_E_OPTION            -5  /* unknown option key, wrong type or out-of-range value */
#define HYLO_E_STATE             -6  /* the object is not in a state that allows the call */
#define HYLO_E_IO                -7  /* a file could not be read or written */
#define HYLO_E_FILE_FORMAT       -8  /* a file is truncated, corrupted, foreign or of another kind */
#define HYLO_E_CALLBACK          -9  /* a user callback returned a negative code (in the message) */
#define HYLO_E_CANCELLED        -10  /* a progress callback asked to stop */
#define HYLO_E_NUMERICAL        -11  /* the computation failed numerically (NaN loss, not SPD …) */
#define HYLO_E_BUDGET           -12  /* a time or attempt budget ran out before the goal */
#define HYLO_E_BUFFER_TOO_SMALL -13  /* an output buffer is smaller than needed (size in message) */
#define HYLO_E_INTERNAL         -99  /* a bug in Hylo; please report it with the message */

/** A short, static description of a status code ("invalid argument"); "unknown status" for codes
 *  that are not defined. Never NULL. Since 0.1. */
const char *hylo_status_string(hylo_status code);

/** The message of the most recent failed call on this thread, naming the function, the argument
 *  and the reason; "" if no call has failed on this thread. Library-owned, valid until the next
 *  failing call on the same thread. Never NULL. Since 0.1. */
const char *hylo_last_error(void);

/* ---------------------------------------------------------------------------------------------
 * Options: typed key/value settings passed to functions that take `const hylo_options *opts`
 * ------------------------------------------------------------------------------------------- */

typedef struct hylo_options hylo_options;

/** Creates an empty options set. Since 0.1. */
hylo_status hylo_options_create(hylo_options **out);

/** Releases an options set; NULL is allowed. Since 0.1. */
void hylo_options_free(hylo_options *opts);

/** Sets `key` (UTF-8, non-empty) to an integer, replacing any earlier value. Integers are also
 *  accepted where a function expects a real number. Since 0.1. */
hylo_status hylo_options_set_int(hylo_options *opts, const char *key, int64_t value);

/** Sets `key` to a finite real number. Since 0.1. */
hylo_status hylo_options_set_double(hylo_options *opts, const char *key, double value);

/** Sets `key` to a UTF-8 string (copied). Since 0.1. */
hylo_status hylo_options_set_string(hylo_options *opts, const char *key, const char *value);

/** Removes every key. Since 0.1. */
hylo_status hylo_options_clear(hylo_options *opts);

/** Number of keys set, in *out. Since 0.1. */
hylo_status hylo_options_count(const hylo_options *opts, size_t *out);

/* ---------------------------------------------------------------------------------------------
 * Progress and cancellation
 * ------------------------------------------------------------------------------------------- */

/**
 * Called by long-running functions: `stage` names the phase ("train", "lbfgs" …), `done` of
 * `total` units (epochs, iterations) are complete, `loss` is the current objective (NaN if none).
 * Return 0 to continue, non-zero to cancel. Runs on the calling thread.
 */
typedef int32_t (*hylo_progress_fn)(const char *stage, int64_t done, int64_t total, double loss,
                                    void *user_data);

/* ---------------------------------------------------------------------------------------------
 * MLP regressor: a multilayer perceptron fitted to (x, y) pairs — a surrogate for an expensive
 * function, trained by the engine's Adam, AdamW, SGD or L-BFGS.
 * ------------------------------------------------------------------------------------------- */

typedef struct hylo_mlp hylo_mlp;

/**
 * Creates an untrained network from n_inputs to n_outputs (both ≥ 1).
 *
 * Options (default):
 *   "hidden_features" int    width of each hidden layer (64), 1…65536
 *   "hidden_layers"   int    number of hidden layers (2), 0…64
 *   "activation"      string tanh | relu | gelu | silu | elu | sigmoid | softplus | gaussian
 *                            (tanh; gaussian: exp(−x²))
 *   "residual"        int    1: residual blocks between hidden layers (0)
 *   "layer_norm"      int    1: layer normalization before each activation (0)
 *   "initializer"     string xavier_uniform | xavier_normal | he_uniform | he_normal | orthogonal
 *                            (he_uniform for ReLU-like activations, else xavier_uniform)
 *   "seed"            int    seeds the initial weights (0), ≥ 0
 * Since 0.1.
 */
hylo_status hylo_mlp_create(size_t n_inputs, size_t n_outputs, const hylo_options *opts,
                            hylo_mlp **out);

/** Releases a network; NULL is allowed. Since 0.1. */
void hylo_mlp_free(hylo_mlp *mlp);

/**
 * Fits the network to n examples: x is n × n_inputs, y is n × n_outputs (row-major, finite).
 * Inputs and outputs are standardized with the training data's mean and standard deviation
 * (stored with the network). The mean squared error of the standardized outputs is minimized.
 * Training again continues from the current weights. Adam, AdamW and SGD train on mini-batches
 * with a held-out validation split and early stopping (the best weights are kept); L-BFGS uses
 * all examples in one batch.
 *
 * Options (default):
 *   "optimizer"           string adam | adamw | sgd | lbfgs (adam)
 *   "learning_rate"       double > 0 (1e-3; ignored by lbfgs)
 *   "batch_size"          int    ≥ 1 (128)
 *   "max_epochs"          int    ≥ 1 (1000); for lbfgs the maximum number of iterations
 *   "validation_fraction" double in [0, 0.5] (0.1); 0 monitors the training loss
 *   "patience"            int    epochs without a better validation loss before stopping (20)
 *   "clip_norm"           double clip the global gradient norm to this (0 = no clipping) (0)
 *   "weight_decay"        double ≥ 0 (0; decoupled for adamw, L2 for adam and sgd)
 *   "momentum"            double in [0, 1) for sgd (0.9)
 *   "schedule"            string constant | exponential | cosine | step (constant)
 *   "schedule_gamma"      double decay factor of exponential and step (0.95)
 *   "schedule_step"       int    epochs between step decays (100)
 *   "gradient_tolerance"  double lbfgs: stop when the largest gradient entry is below (1e-9)
 *   "standardize"         int    1: z-score x and y (1)
 *   "seed"                int    seeds the validation split and shuffling (0)
 * The progress callback (may be NULL) is called once per epoch (stage "train") or L-BFGS
 * iteration (stage "lbfgs") with the validation (or training) loss. On cancellation the best
 * weights so far are kept.
 * Since 0.1.
 */
hylo_status hylo_mlp_train(hylo_mlp *mlp, const double *x, const double *y, size_t n,
                           const hylo_options *opts, hylo_progress_fn progress, void *user_data);

/**
 * Why the last training stopped and how it went: *epochs (epochs or L-BFGS iterations run),
 * *best_loss (the best monitored loss, on standardized outputs) and *stop_reason, a library-owned
 * string: "converged", "max_epochs", "cancelled", "non_finite_loss", or for L-BFGS
 * "gradient_tolerance", "function_tolerance", "max_iterations", "line_search_failed".
 * Any output pointer may be NULL. HYLO_E_STATE if the network was never trained.
 * Since 0.1.
 */
hylo_status hylo_mlp_training_result(const hylo_mlp *mlp, int64_t *epochs, double *best_loss,
                                     const char **stop_reason);

/**
 * Evaluates the network at n points: x is n × n_inputs; out (n × n_outputs) receives the
 * predictions in the original units of y. Thread-safe on a shared handle. Since 0.1.
 */
hylo_status hylo_mlp_predict(const hylo_mlp *mlp, const double *x, size_t n, double *out);

/**
 * Input Jacobians at n points: out (n × n_outputs × n_inputs) receives d y_i / d x_j for each
 * point, computed by reverse-mode differentiation. Thread-safe on a shared handle. Since 0.1.
 */
hylo_status hylo_mlp_jacobian(const hylo_mlp *mlp, const double *x, size_t n, double *out);

/** Sizes of a network: inputs, outputs and trainable parameters. Any pointer may be NULL.
 *  Since 0.1. */
hylo_status hylo_mlp_sizes(const hylo_mlp *mlp, size_t *n_inputs, size_t *n_outputs,
                           size_t *n_parameters);

/** Saves the network (architecture, weights, standardization) to a safetensors file. Since 0.1. */
hylo_status hylo_mlp_save(const hylo_mlp *mlp, const char *path);

/** Loads a network saved by hylo_mlp_save; it predicts bit-identically to the saved one.
 *  HYLO_E_IO if the file cannot be read, HYLO_E_FILE_FORMAT if it is truncated, corrupted, not
 *  written by Hylo or holds another kind of object. Since 0.1. */
hylo_status hylo_mlp_load(const char *path, hylo_mlp **out);

/* ---------------------------------------------------------------------------------------------
 * Simulation-based inference: priors, simulations, neural posterior estimation (NPE)
 * ------------------------------------------------------------------------------------------- */

typedef struct hylo_prior hylo_prior;

/** Kinds of one-dimensional marginals for hylo_prior_create_independent, each with two
 *  parameters (a, b). */
#define HYLO_MARGINAL_UNIFORM   1 /* U[a, b], a < b */
#define HYLO_MARGINAL_NORMAL    2 /* N(mean a, std b) */
#define HYLO_MARGINAL_LOGNORMAL 3 /* log θ ~ N(a, b²) */
#define HYLO_MARGINAL_GAMMA     4 /* shape a, rate b */
#define HYLO_MARGINAL_BETA      5 /* Beta(a, b) on (0, 1) */

/** A box-uniform prior: θ_i ~ U[low_i, high_i] for i < dim, with low_i < high_i. Since 0.1. */
hylo_status hylo_prior_create_box_uniform(const double *low, const double *high, size_t dim, hylo_prior **out);

/** A multivariate normal prior N(mean, covariance); covariance is dim × dim, row-major, symmetric
 *  positive definite (HYLO_E_NUMERICAL otherwise). Since 0.1. */
hylo_status hylo_prior_create_gaussian(const double *mean, const double *covariance, size_t dim,
                                       hylo_prior **out);

/** A product of independent marginals: kinds[i] is a HYLO_MARGINAL_* constant and
 *  params[2i], params[2i+1] its parameters (params has 2·dim entries). Since 0.1. */
hylo_status hylo_prior_create_independent(const int32_t *kinds, const double *params, size_t dim,
                                          hylo_prior **out);

/** Releases a prior; NULL is allowed. Objects built from it keep their own copy. Since 0.1. */
void hylo_prior_free(hylo_prior *prior);

/** The prior's dimension in *out. Since 0.1. */
hylo_status hylo_prior_dimension(const hylo_prior *prior, size_t *out);

/** n draws (out: n × dim) from the prior, reproducible for a seed. Thread-safe on a shared
 *  handle. Since 0.1. */
hylo_status hylo_prior_sample(const hylo_prior *prior, size_t n, uint64_t seed, double *out);

/** Log-density of n points theta (n × dim) in out (n); -INFINITY outside the support.
 *  Thread-safe on a shared handle. Since 0.1. */
hylo_status hylo_prior_log_prob(const hylo_prior *prior, const double *theta, size_t n, double *out);

/**
 * A simulator: writes x (dim_x values) for one parameter vector theta (dim_theta values). `seed`
 * is this simulation's own seed (derived from the run's seed and the simulation's index): a
 * stochastic simulator should draw its randomness from it, so results do not depend on the
 * number of workers. Return 0 on success, > 0 to mark this simulation invalid (it is counted and
 * left out), < 0 to abort the whole run (reported as HYLO_E_CALLBACK with the code).
 * With "num_workers" > 1 it is called concurrently from library worker threads: it must be
 * reentrant.
 */
typedef int32_t (*hylo_simulator_fn)(const double *theta, size_t dim_theta, double *x, size_t dim_x,
                                     uint64_t seed, void *user_data);

/**
 * Runs `simulator` on each of the n rows of theta (n × dim_theta), writing x_out (n × dim_x).
 * Rows of simulations that failed (callback > 0) or returned NaN/Inf are written as NaN, and
 * `status_out` (n entries, may be NULL) receives 0 for a valid simulation, the callback's code
 * for a failed one and -1 for a non-finite one; *n_invalid (may be NULL) counts both kinds.
 *
 * Options (default): "num_workers" int 1…1024 (1), "seed" int ≥ 0 (0).
 * The progress callback (stage "simulate", done/total simulations) runs on one thread at a time,
 * possibly a worker thread; non-zero cancels (HYLO_E_CANCELLED).
 * Since 0.1.
 */
hylo_status hylo_simulate(hylo_simulator_fn simulator, void *user_data, const double *theta, size_t n,
                          size_t dim_theta, size_t dim_x, const hylo_options *opts,
                          hylo_progress_fn progress, void *progress_data, double *x_out,
                          int32_t *status_out, size_t *n_invalid);

/**
 * A batched simulator: writes x (n × dim_x) for n parameter vectors theta (n × dim_theta), and
 * status[i] = 0 for a valid simulation or > 0 to mark row i invalid. seeds[i] is row i's own seed
 * (as for hylo_simulator_fn, so results do not depend on the batch size or the number of workers).
 * Return 0, or < 0 to abort the run. With "num_workers" > 1 it is called concurrently on disjoint
 * batches from library worker threads. Suits vectorized simulators (NumPy, GPU codes, Fortran
 * array code).
 */
typedef int32_t (*hylo_batch_simulator_fn)(const double *theta, size_t n, size_t dim_theta, double *x, size_t dim_x,
                                           const uint64_t *seeds, int32_t *status, void *user_data);

/**
 * As hylo_simulate, with a batched simulator called on blocks of "batch_size" rows (1000).
 * Options (default): "num_workers" int (1), "seed" int (0), "batch_size" int ≥ 1 (1000).
 * Since 0.1.
 */
hylo_status hylo_simulate_batched(hylo_batch_simulator_fn simulator, void *user_data, const double *theta, size_t n,
                                  size_t dim_theta, size_t dim_x, const hylo_options *opts,
                                  hylo_progress_fn progress, void *progress_data, double *x_out,
                                  int32_t *status_out, size_t *n_invalid);

typedef struct hylo_npe hylo_npe;
typedef struct hylo_posterior hylo_posterior;

/**
 * Neural posterior estimation for a prior (copied). The density estimator is a conditional
 * normalizing flow: "maf" (masked autoregressive flow, sbi's default) or "nsf" (neural spline
 * flow: rational-quadratic spline couplings and LU-decomposed linear maps, sbi's "nsf"), or a
 * mixture density network "mdn" (Gaussian mixture with full covariances, sbi's "mdn"); z-scoring
 * of θ and x is fitted to the first training data.
 *
 * Options (default, sbi's): "density_estimator" string maf | nsf | mdn (maf); "hidden_features"
 * int (50); "num_transforms" int (5, flows); "num_blocks" int (2; an MDN has num_blocks + 1 hidden
 * layers); for nsf "num_bins" int 2…256 (10) and "tail_bound" double (3, in z-scored units;
 * identity outside); for mdn "num_components" int 1…256 (10; its output layer has K(1 + 2d + d(d−1)/2) units
 * for d parameters, and more than 2^28 output weights is HYLO_E_OPTION); "unbounded_theta" bool (false):
 * learn θ mapped to unbounded space by the prior's bijection (log for positive, logit for bounded
 * parameters; sbibm's automatic transforms), so that every draw lies inside the prior's support;
 * "seed" int ≥ 0 (0), for the initial weights.
 * An embedding network for x (an MLP with ReLU, trained with the flow, for high-dimensional x):
 * "embedding_features" int, the number of learned summary features (0: none) (0);
 * "embedding_hidden_features" int (50); "embedding_hidden_layers" int (2).
 * Since 0.1.
 */
hylo_status hylo_npe_create(const hylo_prior *prior, const hylo_options *opts, hylo_npe **out);

/** Releases an NPE object; NULL is allowed. Since 0.1. */
void hylo_npe_free(hylo_npe *npe);

/**
 * Adds n simulations: theta (n × prior dimension) and x (n × dim_x, the same dim_x every time).
 * Rows whose x holds NaN or ±Inf are left out and counted in *n_excluded (may be NULL), as sbi
 * does. theta must be finite. Since 0.1.
 */
hylo_status hylo_npe_append_simulations(hylo_npe *npe, const double *theta, const double *x, size_t n,
                                        size_t dim_x, size_t *n_excluded);

/**
 * Trains (or, after more simulations were appended, continues training) by maximum likelihood,
 * or by the atomic loss once simulations from a proposal were appended
 * (hylo_npe_append_proposal_simulations).
 *
 * Options (default, sbi's): "training_batch_size" int (200); "learning_rate" double (5e-4);
 * "validation_fraction" double in [0, 0.5] (0.1); "stop_after_epochs" int (20);
 * "max_num_epochs" int (2^31 − 1); "clip_max_norm" double, 0 = off (5); "seed" int (0), for the
 * split and shuffling; "num_atoms" int (10), atoms per pair of the atomic loss.
 * Calibration (NPE and NRE; Falkiewicz et al. 2023): "calibration" "none" (default),
 * "calibrated" or "conservative" adds a differentiable expected-coverage penalty to the loss —
 * for each training pair the posterior mass denser than its theta is estimated from
 * "calibration_samples" (16) draws (NPE: of the posterior; NRE: the batch's other theta weighted by
 * the ratio) for the first "calibration_pairs" (64) pairs of each batch, with the comparison
 * relaxed by a sigmoid of "calibration_temperature" (0.5) nats;
 * the sorted masses are pulled to the uniform quantiles (conservative: only where coverage falls
 * short), weighted by "calibration_strength" (20). Flows only (not mdn), prior simulations only.
 * Progress: stage "train", once per epoch, with the validation loss; cancelling keeps the best
 * weights so far. Since 0.1.
 */
hylo_status hylo_npe_train(hylo_npe *npe, const hylo_options *opts, hylo_progress_fn progress,
                           void *user_data);

/** Epochs run, best validation loss and stop reason ("converged", "max_epochs", "cancelled") of
 *  the last training; any pointer may be NULL. Since 0.1. */
hylo_status hylo_npe_training_result(const hylo_npe *npe, int64_t *epochs, double *best_loss,
                                     const char **stop_reason);

/** The posterior of a trained NPE (an independent copy; HYLO_E_STATE if untrained). Since 0.1. */
hylo_status hylo_npe_build_posterior(const hylo_npe *npe, hylo_posterior **out);

/** Releases a posterior; NULL is allowed. Since 0.1. */
void hylo_posterior_free(hylo_posterior *posterior);

/** The parameter and data dimensions; either pointer may be NULL. Since 0.1. */
hylo_status hylo_posterior_dimensions(const hylo_posterior *posterior, size_t *dim_theta, size_t *dim_x);

/** The method that built the posterior: "npe", "nle", "nre", "fmpe" or "ensemble" (a static
 *  string). NLE and NRE posteriors are known up to a constant and sampled by MCMC by default.
 *  Since 0.1. */
hylo_status hylo_posterior_method(const hylo_posterior *posterior, const char **method);

/**
 * An ensemble: the mixture sum_k w_k p_k(theta | x) of n_members posteriors of any kind (NPE, NLE,
 * NRE; e.g. estimators trained with different seeds), sbi's EnsemblePosterior. `weights` (n_members
 * positive values, normalized here; NULL: equal) weigh the members. The result is a posterior like
 * any other (sample, log_prob, diagnostics, save and load); it keeps its members alive, so their
 * handles may be freed. Sampling splits the draws among the members multinomially by weight and
 * lets each sample its share — with its own default method unless "sample_with" is given
 * ("direct" needs every member to be an NPE posterior). Densities mix the members' (for NLE and
 * NRE members, their unnormalized potentials, as sbi does). HYLO_E_SHAPE when members differ in
 * dimensions or a weight is not positive. Since 0.1.
 */
hylo_status hylo_posterior_ensemble_create(const hylo_posterior *const *members, size_t n_members, const double *weights,
                                           hylo_posterior **out);

/**
 * Draws n samples (out: n × dim_theta) from the posterior at observation x (dim_x values).
 * Reproducible for a seed. Thread-safe on a shared handle. Since 0.1.
 * Option "sample_with" string: "direct" (the default for NPE: draw from the estimator, reject
 * draws outside the prior's support), "mcmc" (the default for NLE and NRE, whose posterior is
 * known up to a constant) or "importance" (sampling-importance-resampling of prior draws).
 *   direct: "max_proposals" int (max(100 n, 100000)): the budget of draws. *acceptance_rate is
 *     the fraction of draws inside the support.
 *   mcmc (sbi's MCMCPosterior defaults): "mcmc_method" slice | mh | hmc | nuts (slice: vectorized
 *     coordinate-wise slice sampling; mh: adaptive random-walk Metropolis–Hastings; hmc and nuts
 *     use the estimator's gradients, with step size and diagonal mass adapted during warm-up);
 *     "num_chains" int (20); "warmup_steps" int per chain (200); "thin" int (1);
 *     "init_strategy" resample | prior (resample: chains start at prior draws resampled by
 *     p(θ | x) / p(θ) from a pool grown "num_candidate_samples" (10000) draws at a time until the
 *     weights' effective sample size is 4 per chain, at most num_candidate_samples per chain);
 *     "max_seconds" double, 0 = no limit (0);
 *     "slice_width" double (0.01, initial bracket, tuned in warm-up); "num_leapfrog_steps" int
 *     (10, hmc); "max_tree_depth" int 1…20 (10, nuts); "target_acceptance" double (0.8, hmc/nuts).
 *     Chains run in the prior's unbounded coordinates. *acceptance_rate is the mean acceptance
 *     probability (1 for slice). For progress, cancellation and R̂/ESS use
 *     hylo_posterior_sample_mcmc.
 *   importance: "oversampling_factor" int (32): each sample is drawn among that many prior draws
 *     weighed by p(θ | x) / p(θ). *acceptance_rate is the effective sample size of the weights
 *     per draw.
 * Options of another method are refused (HYLO_E_OPTION). When a budget runs out first, the samples
 * found so far are written, *n_out tells how many, and the call returns HYLO_E_BUDGET.
 */
hylo_status hylo_posterior_sample(const hylo_posterior *posterior, const double *x, size_t dim_x, size_t n,
                                  uint64_t seed, const hylo_options *opts, double *out, size_t *n_out,
                                  double *acceptance_rate);

/**
 * Draws n samples by MCMC (the "mcmc" options of hylo_posterior_sample, without "sample_with"),
 * for any posterior, and reports convergence: rhat and ess (dim_theta each, may be NULL) receive
 * the split R̂ and the effective sample size of every parameter (NaN with fewer than 4 draws per
 * chain). Progress: stage "mcmc", counting steps per chain (warm-up included); cancelling returns
 * HYLO_E_CANCELLED with the draws so far written and counted in *n_out, as does HYLO_E_BUDGET when
 * "max_seconds" runs out. Since 0.1.
 */
hylo_status hylo_posterior_sample_mcmc(const hylo_posterior *posterior, const double *x, size_t dim_x, size_t n,
                                       uint64_t seed, const hylo_options *opts, hylo_progress_fn progress,
                                       void *user_data, double *out, size_t *n_out, double *rhat, double *ess,
                                       double *acceptance_rate);

/**
 * Truncated sequential NPE (TSNPE, Deistler et al. 2022; sbi's RestrictedPrior): n prior draws
 * restricted to the posterior's highest-probability region at x that holds 1 − "quantile" (1e-4)
 * of its mass. The region's log-density threshold is the "quantile" quantile over
 * "num_samples_to_estimate_support" (10,000) posterior samples (drawn with the posterior's
 * default method); prior draws are kept when they fall inside, at most "max_proposals"
 * (max(100 n, 10^6)) of them. Writes out (n × dim_theta) and *n_out; *acceptance_rate (may be
 * NULL) estimates the region's prior mass. Simulate the draws and append them with
 * hylo_npe_append_simulations (they are prior draws, restricted). HYLO_E_BUDGET with the samples
 * found when max_proposals run out. Since 0.1.
 */
hylo_status hylo_posterior_sample_truncated_prior(const hylo_posterior *posterior, const double *x, size_t dim_x, size_t n,
                                                  uint64_t seed, const hylo_options *opts, double *out, size_t *n_out,
                                                  double *acceptance_rate);

/**
 * log p(θ | x) at n points theta (n × dim_theta) for one observation x, in out (n), -INFINITY
 * outside the prior's support. NPE: the estimator's density renormalized by its mass inside the
 * support (estimated from 10,000 draws with `seed`). NLE and NRE: the potential
 * log ℓ(x | θ) + log p(θ), which is normalized only up to a constant in θ. Thread-safe on a shared
 * handle. Since 0.1.
 */
hylo_status hylo_posterior_log_prob(const hylo_posterior *posterior, const double *theta, size_t n,
                                    const double *x, size_t dim_x, uint64_t seed, double *out);

/**
 * The maximum a posteriori estimate at x: out (dim_theta) receives the θ maximizing the posterior
 * density inside the prior's support and *log_prob (may be NULL) its log-density (without the
 * leakage correction; NLE and NRE: the potential). As sbi's map(): the best of "num_init_samples"
 * posterior draws (1000; prior draws for NLE and NRE) start
 * "num_starts" (10) runs of gradient ascent with Adam ("learning_rate", 0.01) for "num_iter" (1000)
 * steps, in the prior's unbounded coordinates. Thread-safe on a shared handle. Since 0.1.
 */
hylo_status hylo_posterior_map(const hylo_posterior *posterior, const double *x, size_t dim_x, uint64_t seed,
                               const hylo_options *opts, double *out, double *log_prob);

/** Saves the posterior (prior, z-scoring, architecture, weights) to a safetensors file. Since 0.1. */
hylo_status hylo_posterior_save(const hylo_posterior *posterior, const char *path);

/** Loads a posterior saved by hylo_posterior_save; it samples bit-identically for the same seed.
 *  HYLO_E_IO or HYLO_E_FILE_FORMAT as hylo_mlp_load. Since 0.1. */
hylo_status hylo_posterior_load(const char *path, hylo_posterior **out);

/* ---------------------------------------------------------------------------------------------
 * NumPy .npy files: simulations made elsewhere (a cluster job array, Python) in, and out
 * ------------------------------------------------------------------------------------------- */

/** Writes rows × cols doubles (row-major) as a float64 .npy file (numpy.load reads it). Since 0.1. */
hylo_status hylo_npy_write(const char *path, const double *data, size_t rows, size_t cols);

/** The shape of a .npy vector or matrix (a vector of n values is n × 1). float64 and float32
 *  files in C or Fortran order are read. Since 0.1. */
hylo_status hylo_npy_shape(const char *path, size_t *rows, size_t *cols);

/** Reads a .npy vector or matrix into out (row-major, converted to double); HYLO_E_BUFFER_TOO_SMALL
 *  if `capacity` is below rows × cols. Since 0.1. */
hylo_status hylo_npy_read(const char *path, double *out, size_t capacity);

/**
 * Sequential NPE (SNPE-C, sbi's default): appends simulations whose theta were drawn from a
 * proposal other than the prior — typically the posterior of an earlier round at the observation
 * of interest (hylo_posterior_sample), simulated with hylo_simulate. From then on training uses the
 * atomic loss of automatic posterior transformation (Greenberg et al. 2019; "num_atoms" 10 atoms
 * per pair), which corrects for the proposals, on all simulations so far. theta must lie in the
 * prior's support (HYLO_E_SHAPE otherwise). A round:
 *   hylo_posterior_sample(post, x_o, …, theta) → hylo_simulate(…, theta, …, x) →
 *   hylo_npe_append_proposal_simulations(npe, theta, x, …) → hylo_npe_train → hylo_npe_build_posterior.
 * (Truncated sequential NPE draws theta from hylo_posterior_sample_truncated_prior and appends them
 * with hylo_npe_append_simulations: they are prior draws restricted to a region.) NLE and NRE need
 * no correction: append any round's simulations with their append_simulations. Since 0.1.
 */
hylo_status hylo_npe_append_proposal_simulations(hylo_npe *npe, const double *theta, const double *x, size_t n,
                                                 size_t dim_x, size_t *n_excluded);

/** Appends the simulations of two .npy files, theta (n × prior dimension) and x (n × dim_x), as
 *  hylo_npe_append_simulations does. Since 0.1. */
hylo_status hylo_npe_append_npy(hylo_npe *npe, const char *theta_path, const char *x_path, size_t *n_excluded);

/* ---------------------------------------------------------------------------------------------
 * Neural likelihood and ratio estimation (NLE, NRE): posteriors known up to a constant, sampled
 * by MCMC or importance sampling (hylo_posterior_sample, hylo_posterior_sample_mcmc)
 * ------------------------------------------------------------------------------------------- */

typedef struct hylo_nle hylo_nle;
typedef struct hylo_nre hylo_nre;

/**
 * Neural likelihood estimation for a prior (copied): a conditional flow q(x | θ) trained by
 * maximum likelihood; the posterior is q(x | θ) p(θ) up to a constant. Options: those of
 * hylo_npe_create; sbi's default estimator for NLE is maf, as here. "unbounded_theta" bool (false)
 * conditions the flow on θ mapped to the prior's unbounded coordinates (sbibm's automatic transforms
 * for NLE); every appended θ must then lie inside the prior's support (HYLO_E_STATE at training
 * otherwise). Since 0.1.
 */
hylo_status hylo_nle_create(const hylo_prior *prior, const hylo_options *opts, hylo_nle **out);
/** Releases an NLE object; NULL is allowed. Since 0.1. */
void hylo_nle_free(hylo_nle *nle);
/** As hylo_npe_append_simulations. Since 0.1. */
hylo_status hylo_nle_append_simulations(hylo_nle *nle, const double *theta, const double *x, size_t n,
                                        size_t dim_x, size_t *n_excluded);
/** As hylo_npe_append_npy. Since 0.1. */
hylo_status hylo_nle_append_npy(hylo_nle *nle, const char *theta_path, const char *x_path, size_t *n_excluded);
/** As hylo_npe_train (same options and defaults, without "num_atoms" and calibration). Since 0.1. */
hylo_status hylo_nle_train(hylo_nle *nle, const hylo_options *opts, hylo_progress_fn progress, void *user_data);
/** As hylo_npe_training_result. Since 0.1. */
hylo_status hylo_nle_training_result(const hylo_nle *nle, int64_t *epochs, double *best_loss,
                                     const char **stop_reason);
/** The posterior of a trained NLE (an independent copy; HYLO_E_STATE if untrained). Since 0.1. */
hylo_status hylo_nle_build_posterior(const hylo_nle *nle, hylo_posterior **out);

/**
 * Neural ratio estimation for a prior (copied): a classifier of (θ, x) pairs whose logit estimates
 * log p(x | θ) / p(x); the posterior is its exponential times the prior, up to a constant.
 * Contrastive θ come from the other simulations of each training batch, as in sbi.
 *
 * Options (default, sbi's): "loss" string (nre_b):
 *   nre_a — binary cross-entropy against one shuffled θ (Hermans et al. 2020);
 *   nre_b — softmax over "num_atoms" int ≥ 2 (10) candidate θ (Durkan et al. 2020; the logit is
 *           the log-ratio up to a function of x);
 *   nre_c — (K+1)-way classification, K = "num_classes" int ≥ 1 (5), "gamma" double > 0 (1)
 *           (Miller et al. 2022);
 *   bnre  — nre_a plus "regularization_strength" double ≥ 0 (100) times the squared balance
 *           violation (Delaunoy et al. 2022): more conservative posteriors.
 * "classifier" string resnet | mlp (resnet); "hidden_features" int (50); "num_blocks" int (2,
 * residual blocks of resnet); "seed" int (0); "unbounded_theta" bool (false), as for hylo_nle_create:
 * the classifier sees θ in the prior's unbounded coordinates. Since 0.1.
 */
hylo_status hylo_nre_create(const hylo_prior *prior, const hylo_options *opts, hylo_nre **out);
/** Releases an NRE object; NULL is allowed. Since 0.1. */
void hylo_nre_free(hylo_nre *nre);
/** As hylo_npe_append_simulations. Since 0.1. */
hylo_status hylo_nre_append_simulations(hylo_nre *nre, const double *theta, const double *x, size_t n,
                                        size_t dim_x, size_t *n_excluded);
/** As hylo_npe_append_npy. Since 0.1. */
hylo_status hylo_nre_append_npy(hylo_nre *nre, const char *theta_path, const char *x_path, size_t *n_excluded);
/** As hylo_npe_train (same options and defaults, without "num_atoms"); the batch size must exceed
 *  the contrastive draws per simulation (HYLO_E_STATE). Since 0.1. */
hylo_status hylo_nre_train(hylo_nre *nre, const hylo_options *opts, hylo_progress_fn progress, void *user_data);
/** As hylo_npe_training_result. Since 0.1. */
hylo_status hylo_nre_training_result(const hylo_nre *nre, int64_t *epochs, double *best_loss,
                                     const char **stop_reason);
/** The posterior of a trained NRE (an independent copy; HYLO_E_STATE if untrained). Since 0.1. */
hylo_status hylo_nre_build_posterior(const hylo_nre *nre, hylo_posterior **out);

/* ---------------------------------------------------------------------------------------------
 * Truncated marginal neural ratio estimation (TMNRE, as swyft)
 * ------------------------------------------------------------------------------------------- */

typedef struct hylo_tmnre hylo_tmnre;

/**
 * TMNRE (Miller et al. 2021): one ratio classifier per parameter, plus one per pair listed in
 * `pairs` (n_pairs pairs of 0-based parameter indices, pairs[2k], pairs[2k+1]; may be NULL when
 * n_pairs is 0), trained jointly on shared simulations. Marginal k is parameter k for k < dim_theta,
 * then the pairs in order. Rounds focus on one observation: append simulations, train, truncate
 * (the prior is cut to a box), draw the next round's parameters from the truncated prior, repeat;
 * then draw weighted marginal posterior samples. Options: those of hylo_nre_create, with "loss"
 * "nre_a" by default (swyft's binary classifier). Since 0.1.
 */
hylo_status hylo_tmnre_create(const hylo_prior *prior, const size_t *pairs, size_t n_pairs, const hylo_options *opts,
                              hylo_tmnre **out);
/** Frees a TMNRE; NULL is a no-op. Since 0.1. */
void hylo_tmnre_free(hylo_tmnre *tmnre);
/** As hylo_npe_append_simulations (theta from the prior or the current truncated prior). Since 0.1. */
hylo_status hylo_tmnre_append_simulations(hylo_tmnre *tmnre, const double *theta, const double *x, size_t n,
                                          size_t dim_x, size_t *n_excluded);
/** Trains every marginal's classifier on the simulations inside the current box; options as
 *  hylo_npe_train without "num_atoms" and calibration. Since 0.1. */
hylo_status hylo_tmnre_train(hylo_tmnre *tmnre, const hylo_options *opts, hylo_progress_fn progress, void *user_data);
/**
 * Shrinks the box for observation x_o: for each parameter, to the range of "num_samples" (10^5)
 * truncated-prior draws whose 1-D marginal ratio is at least "threshold" (1e-6) times the largest.
 * Writes the new box to low_out and high_out (dim_theta values each; either may be NULL; -inf/inf
 * where unbounded). Options also "seed". HYLO_E_STATE if untrained. Since 0.1.
 */
hylo_status hylo_tmnre_truncate(hylo_tmnre *tmnre, const double *x_o, size_t dim_x, const hylo_options *opts,
                                double *low_out, double *high_out);
/** n prior draws inside the box (n × dim_theta) — the next round's parameters; HYLO_E_BUDGET with
 *  *n_out (may be NULL) draws if the box holds too little prior mass. Since 0.1. */
hylo_status hylo_tmnre_sample_truncated_prior(const hylo_tmnre *tmnre, size_t n, uint64_t seed, double *out, size_t *n_out);
/** n samples of marginal `marginal`'s parameters (theta_out: n × 1 or n × 2) at x_o: truncated-prior
 *  draws with normalized weights in weights_out (∝ the estimated ratio); with weights_out NULL, the
 *  draws are resampled by weight into unweighted samples. Since 0.1. */
hylo_status hylo_tmnre_marginal_samples(const hylo_tmnre *tmnre, const double *x_o, size_t dim_x, size_t marginal, size_t n,
                                        uint64_t seed, double *theta_out, double *weights_out);
/** Marginal k: its size (1 or 2) and parameter indices (indices holds 2 values), and the number of
 *  marginals; any output may be NULL. Since 0.1. */
hylo_status hylo_tmnre_marginal(const hylo_tmnre *tmnre, size_t k, size_t *size, size_t *indices, size_t *n_marginals);
/** Saves the prior, marginals, box and classifiers (kind "tmnre"; not the simulations). Since 0.1. */
hylo_status hylo_tmnre_save(const hylo_tmnre *tmnre, const char *path);
/** Loads a saved TMNRE; it truncates and samples bit-identically. Since 0.1. */
hylo_status hylo_tmnre_load(const char *path, hylo_tmnre **out);

/* ---------------------------------------------------------------------------------------------
 * Flow-matching posterior estimation (FMPE)
 * ------------------------------------------------------------------------------------------- */

typedef struct hylo_fmpe hylo_fmpe;

/**
 * FMPE (Dax et al. 2023; sbi's FMPE): a residual network v(theta_t, t, x) trained by conditional
 * flow matching on the optimal-transport path from N(0, I) to the (z-scored) posterior; its
 * posterior is a direct one, sampled by integrating d theta / dt = v from t = 0 to 1 with
 * "num_steps" classical Runge–Kutta steps, its density evaluated through the exact divergence
 * of v along the same steps. Options (default, sbi's where it has one): "hidden_features" (64),
 * "num_blocks" (5) residual blocks, "num_frequencies" (3): t enters as t, sin(2^k pi t),
 * cos(2^k pi t); "num_steps" (50); "sigma_min" (1e-4), the path's width at each theta; "seed" (0).
 * Since 0.1.
 */
hylo_status hylo_fmpe_create(const hylo_prior *prior, const hylo_options *opts, hylo_fmpe **out);
/** Frees an FMPE; NULL is a no-op. Since 0.1. */
void hylo_fmpe_free(hylo_fmpe *fmpe);
/** As hylo_npe_append_simulations. Since 0.1. */
hylo_status hylo_fmpe_append_simulations(hylo_fmpe *fmpe, const double *theta, const double *x, size_t n,
                                         size_t dim_x, size_t *n_excluded);
/** As hylo_npe_append_npy. Since 0.1. */
hylo_status hylo_fmpe_append_npy(hylo_fmpe *fmpe, const char *theta_path, const char *x_path, size_t *n_excluded);
/** As hylo_npe_train (same options and defaults, without "num_atoms" and calibration). The flow-matching loss is
 *  noisy (random times and noise per batch): a larger "stop_after_epochs" often helps. Since 0.1. */
hylo_status hylo_fmpe_train(hylo_fmpe *fmpe, const hylo_options *opts, hylo_progress_fn progress, void *user_data);
/** As hylo_npe_training_result. Since 0.1. */
hylo_status hylo_fmpe_training_result(const hylo_fmpe *fmpe, int64_t *epochs, double *best_loss,
                                      const char **stop_reason);
/** The posterior of a trained FMPE (an independent copy; HYLO_E_STATE if untrained). Since 0.1. */
hylo_status hylo_fmpe_build_posterior(const hylo_fmpe *fmpe, hylo_posterior **out);

/* ---------------------------------------------------------------------------------------------
 * Approximate Bayesian computation: rejection ABC and SMC-ABC on a simulator
 * ------------------------------------------------------------------------------------------- */

/** The accepted parameters of an ABC run, with their weights, distances and tolerances. */
typedef struct hylo_abc_result hylo_abc_result;

/**
 * Rejection ABC (sbi's MCABC): draws "num_simulations" parameters from the prior, simulates them
 * and keeps those whose output lies closest to the observation x_o (dim_x values). Give the
 * simulator as exactly one of `simulator` (one simulation per call, as hylo_simulate) and
 * `batch_simulator` (blocks of rows, as hylo_simulate_batched); both receive `user_data`.
 *
 * Options: "num_simulations" (required) and exactly one of "eps" (keep distance <= eps),
 * "quantile" (keep the closest fraction of the valid simulations) and "num_top_samples" (keep
 * the closest k). Options shared with hylo_abc_smc:
 *   "distance"  "l2" (default), "l1" or "mse" between summary statistics;
 *   "scale"     "none" (default) or "mad": each statistic divided by its median absolute
 *               deviation over the simulations, so statistics on different scales count alike;
 *   "sass"      1: semi-automatic summaries (Fearnhead & Prangle 2012), the statistics being
 *               E[theta | x] from a linear regression of theta on x, x^2 … x^"sass_expansion_degree"
 *               (1) fitted to the first "sass_fraction" (0.25) of the simulations, which are then
 *               not candidates;
 *   "lra"       1: linear regression adjustment of the accepted parameters (Beaumont et al. 2002);
 *   "seed" (0), "num_workers" (1), "batch_size" (1000: simulations per step, progress is reported
 *   between steps), "max_seconds" (0: no limit).
 * Failed simulations (callback > 0, NaN or Inf) are counted and never accepted; a callback < 0
 * aborts with HYLO_E_CALLBACK. The progress callback gets stage "abc" and done/total simulations.
 * When it asks to stop, or "max_seconds" pass, ABC stops simulating and still returns HYLO_OK with
 * a result built from the simulations made so far; hylo_abc_result_info's status says so
 * ("cancelled", "time_budget"; otherwise "complete"). Free the result with hylo_abc_result_free.
 * Since 0.1.
 */
hylo_status hylo_abc_rejection(const hylo_prior *prior, hylo_simulator_fn simulator, hylo_batch_simulator_fn batch_simulator,
                               void *user_data, const double *x_o, size_t dim_x, const hylo_options *opts,
                               hylo_progress_fn progress, void *progress_data, hylo_abc_result **out);

/**
 * SMC-ABC, the population Monte Carlo sampler of Beaumont et al. (2009) (sbi's SMCABC, variant
 * C): population 0 is the "num_particles" closest of "num_initial_pop" (5 x num_particles) prior
 * simulations; each next population draws particles from the previous one by weight, perturbs
 * them with a kernel whose covariance is "kernel_variance_scale" (2) x the weighted population
 * covariance ("kernel" "gaussian" or "uniform", a box with the same variances), keeps those whose
 * simulation lies within the next tolerance, and weighs them by prior / mixture of kernels. The
 * tolerance decays as eps * "epsilon_decay" (0.5), or with "distance_based_decay" 1 as that
 * quantile of the population's distances. The run ends when "num_simulations" (required; the
 * whole budget, population 0 included) are used, or a population reaches "target_epsilon"
 * (status "tolerance_reached"). "ess_min" (0: never) resamples a population whose effective
 * sample size falls below that fraction; "use_last_pop_samples" (1) completes a population cut
 * short by the budget from the previous one. The options of hylo_abc_rejection's second list apply
 * (with "sass", the summaries are fitted to population 0). Since 0.1.
 */
hylo_status hylo_abc_smc(const hylo_prior *prior, hylo_simulator_fn simulator, hylo_batch_simulator_fn batch_simulator,
                         void *user_data, const double *x_o, size_t dim_x, const hylo_options *opts,
                         hylo_progress_fn progress, void *progress_data, hylo_abc_result **out);

/** Frees a result; NULL is a no-op. Since 0.1. */
void hylo_abc_result_free(hylo_abc_result *result);

/** The size and outcome of a run; any output may be NULL. epsilon: the largest accepted distance
 *  (or the eps asked for) of rejection ABC, the last population's tolerance of SMC-ABC. status: a
 *  library-owned string, "complete", "tolerance_reached", "time_budget" or "cancelled". Since 0.1. */
hylo_status hylo_abc_result_info(const hylo_abc_result *result, size_t *n_samples, size_t *dim_theta, double *epsilon,
                                 size_t *num_simulations, size_t *num_invalid, size_t *num_populations, const char **status);

/** Copies the samples (n_samples x dim_theta, regression-adjusted when asked), their normalized
 *  weights (uniform for rejection ABC) and their distances into arrays of `capacity` rows; NULL
 *  outputs are skipped (at least one must be given). Since 0.1. */
hylo_status hylo_abc_result_samples(const hylo_abc_result *result, double *theta_out, double *weights_out,
                                    double *distances_out, size_t capacity);

/** The tolerance of each population (one value for rejection ABC) into out[capacity]. Since 0.1. */
hylo_status hylo_abc_result_epsilons(const hylo_abc_result *result, double *out, size_t capacity);

/** n samples (n x dim_theta) drawn with replacement by weight. HYLO_E_STATE if the run accepted
 *  nothing. Since 0.1. */
hylo_status hylo_abc_result_resample(const hylo_abc_result *result, size_t n, uint64_t seed, double *out);

/* ---------------------------------------------------------------------------------------------
 * ODE solvers with gradients, for a right-hand side written in C, Fortran or Python
 * ------------------------------------------------------------------------------------------- */

/**
 * The right-hand side ydot = f(t, y; p) of a system of n states and num_params parameters (y and
 * ydot have n entries, p has num_params). Return 0 on success; > 0 if y is a state the model cannot
 * evaluate (the solver retries a smaller step); < 0 to abort the solve, which then returns
 * HYLO_E_CALLBACK with this code in the message. Called on the calling thread, except by
 * hylo_ode_solve_batch with "num_workers" > 1, where it must be reentrant.
 */
typedef int32_t (*hylo_ode_rhs_fn)(double t, const double *y, const double *p, double *ydot, void *user_data);
/** ∂f/∂y at (t, y), into jac (n × n, row-major: jac[i·n + j] = ∂f_i/∂y_j). Same return codes. */
typedef int32_t (*hylo_ode_jacobian_fn)(double t, const double *y, const double *p, double *jac, void *user_data);
/** A Jacobian–vector product out = (∂f/∂y) v (v and out: n). Same return codes. */
typedef int32_t (*hylo_ode_jvp_fn)(double t, const double *y, const double *p, const double *v, double *out,
                                   void *user_data);
/** A vector–Jacobian product: out = vᵀ ∂f/∂y (n entries) for the state, or out = vᵀ ∂f/∂p
 *  (num_params entries) for the parameters; v has n entries. Same return codes. */
typedef int32_t (*hylo_ode_vjp_fn)(double t, const double *y, const double *p, const double *v, double *out,
                                   void *user_data);

/** An ODE system defined by callbacks: f and, optionally, its derivatives. */
typedef struct hylo_ode hylo_ode;

/**
 * A system of n ≥ 1 states and num_params ≥ 0 parameters with right-hand side f; user_data is
 * passed to f and to every derivative callback. Derivatives not supplied are computed from those
 * that are, or by central finite differences of f (see hylo_ode_derivative_sources). Since 0.1.
 */
hylo_status hylo_ode_create(size_t n, size_t num_params, hylo_ode_rhs_fn f, void *user_data, hylo_ode **out);
/** Frees the system (NULL is ignored). Since 0.1. */
void hylo_ode_free(hylo_ode *ode);

/** Supplies ∂f/∂y (NULL removes it): used by the stiff methods' Newton iterations, and for
 *  vᵀ∂f/∂y and (∂f/∂y)v when those callbacks are absent. Since 0.1. */
hylo_status hylo_ode_set_jacobian(hylo_ode *ode, hylo_ode_jacobian_fn jacobian);
/** Supplies (∂f/∂y)v (NULL removes it), used by forward sensitivities. Since 0.1. */
hylo_status hylo_ode_set_jvp(hylo_ode *ode, hylo_ode_jvp_fn jvp);
/** Supplies vᵀ∂f/∂y and vᵀ∂f/∂p (either may be NULL), used by the adjoints. Since 0.1. */
hylo_status hylo_ode_set_vjp(hylo_ode *ode, hylo_ode_vjp_fn vjp_y, hylo_ode_vjp_fn vjp_p);

#define HYLO_DERIVATIVE_CALLBACK 0     /* the user's callback */
#define HYLO_DERIVATIVE_DERIVED 1      /* exact, from another callback (e.g. vᵀ∂f/∂y from the Jacobian) */
#define HYLO_DERIVATIVE_FINITE_DIFF 2  /* central finite differences of f: about 10 digits */

/** Where each derivative comes from, as HYLO_DERIVATIVE_* codes, in the order: ∂f/∂y, (∂f/∂y)v,
 *  vᵀ∂f/∂y, vᵀ∂f/∂p, (∂f/∂p)q. `n` must be at least 5. Since 0.1. */
hylo_status hylo_ode_derivative_sources(const hylo_ode *ode, int32_t *out, size_t n);

/**
 * Solves y' = f(t, y; p), y(t0) = y0 (n), and writes y at the num_times output times into
 * states_out (num_times × n, row-major). The times are monotone and on one side of t0 (backwards
 * in time is allowed); outputs equal to t0 get y0.
 *
 * Options (default): "method" string (tsit5): euler, midpoint, rk4 (fixed step only), bs3, dopri5,
 * tsit5, vern8 (explicit, adaptive), kvaerno5 (ESDIRK, stiff), rodas4 (Rosenbrock, stiff);
 * "rtol" (1e-6), "atol" (1e-9); "fixed_step" (none: adaptive); "initial_step" (automatic);
 * "min_step" (0); "max_step" (∞); "max_steps" int (100000); "max_newton_iterations" int (8);
 * "stop_at_output_times" int 0/1 (1: steps land on the outputs; 0: outputs are interpolated by
 * cubic Hermite dense output, third-order accurate).
 *
 * HYLO_E_CALLBACK if a callback aborted; HYLO_E_NUMERICAL if the step size underflowed (with the
 * time and advice), the solution became non-finite or max_steps was reached. The statistics of the
 * solve are kept on the handle (hylo_ode_statistics). Since 0.1.
 */
hylo_status hylo_ode_solve(hylo_ode *ode, const hylo_options *opts, double t0, const double *y0, const double *p,
                           const double *times, size_t num_times, double *states_out);

/**
 * Solves `batch` initial-value problems with their own step-size control: y0 is batch × n; p is
 * num_params values shared by all (p_rows = 1) or batch × num_params (p_rows = batch). states_out
 * is batch × num_times × n. Options as hylo_ode_solve, plus "num_workers" int (1): with more than one,
 * the callbacks run concurrently on library threads and must be reentrant. The first failing
 * trajectory is named in the message. Since 0.1.
 */
hylo_status hylo_ode_solve_batch(hylo_ode *ode, const hylo_options *opts, double t0, const double *y0, size_t batch,
                                 const double *p, size_t p_rows, const double *times, size_t num_times,
                                 double *states_out);

/**
 * Forward sensitivities: also writes sens_out (num_times × n × num_params; sens_out[(k·n + i)·num_params + j]
 * = ∂y_i(times[k])/∂p_j), integrated with the state under the same error control. Options as
 * hylo_ode_solve; the method must be explicit or kvaerno5. Since 0.1.
 */
hylo_status hylo_ode_sensitivities(hylo_ode *ode, const hylo_options *opts, double t0, const double *y0,
                                   const double *p, const double *times, size_t num_times, double *states_out,
                                   double *sens_out);

/**
 * A loss on the solution at the output times (states: num_times × n): writes the loss to *loss
 * and ∂loss/∂states into cotangents (num_times × n). Return 0; any other value aborts the call
 * with HYLO_E_CALLBACK.
 */
typedef int32_t (*hylo_ode_loss_fn)(const double *times, const double *states, size_t num_times, size_t n,
                                    double *loss, double *cotangents, void *user_data);

/**
 * The gradient of loss(y(times)) with respect to y0 (grad_y0: n) and p (grad_p: num_params); any
 * output may be NULL; states_out (num_times × n) receives the solution. Options as hylo_ode_solve
 * (steps always land on the output times) plus "gradient" string: "discrete_adjoint" (default;
 * backpropagation through the steps of an explicit or kvaerno5 solve: the exact gradient of the
 * computed solution), "continuous_adjoint" (backward adjoint ODE with the forward solution
 * interpolated between its steps and the parameter gradient as a quadrature; any method) or
 * "forward" (forward sensitivities; for few parameters). Since 0.1.
 */
hylo_status hylo_ode_gradient(hylo_ode *ode, const hylo_options *opts, double t0, const double *y0, const double *p,
                              const double *times, size_t num_times, hylo_ode_loss_fn loss, void *loss_data,
                              double *loss_out, double *states_out, double *grad_y0, double *grad_p);

/**
 * The cost of the last solve on this handle, as int64 counters in the order: accepted steps,
 * rejected steps, f evaluations, Jacobian evaluations, LU factorizations, Newton iterations, Newton
 * failures, illegal states reported by f; `n` must be at least 8. Since 0.1.
 */
hylo_status hylo_ode_statistics(const hylo_ode *ode, int64_t *out, size_t n);

/* ---------------------------------------------------------------------------------------------
 * Hybrid models: the user's physics plus a neural network, trained through the solver
 * ------------------------------------------------------------------------------------------- */

/** A hylo_ode's physics with a dense network coupled to it (by default y' = f_physics(t, y; p) + g(y; φ)). */
typedef struct hylo_hybrid hylo_hybrid;

/**
 * A hybrid model around `physics` (borrowed: it must outlive the model; NULL for a pure neural
 * ODE or Hamiltonian network of n states, else n must equal its dimension). Its parameter vector
 * is [p (num_params of the physics), φ (the network's weights)]; p starts at 0 — set it with
 * hylo_hybrid_set_parameters. The option "coupling" says how the network enters, with
 * f = f_physics(t, y; p):
 *   "additive" (default): y'_i = f_i + g_k(y) for the state components i listed in
 *     output_components (num_outputs entries, the k-th output to the k-th; NULL: all n);
 *   "physics_output": y'_i = f_i + g_k(y, f) — the network sees the state and the physics' output
 *     (2n inputs) and corrects the latter; output_components as above;
 *   "parameters": y' = f_physics(t, y; q) with q_j = p_j + h_k(y) for the physical parameters j
 *     listed in output_components (NULL: all) — the network predicts state-dependent parameters
 *     around their baseline p_j;
 *   "hamiltonian": y' = f + J ∇H(y) on the state (q, p) (positions first, n even), J = [[0, I],
 *     [−I, 0]], with H a network of one output — a Hamiltonian neural network (without physics,
 *     a pure one), whose flow conserves H; output_components must be NULL.
 * Whatever the coupling, the network term g is what the model adds to the physics at the same p
 * (y' − f); the regularizers of hylo_hybrid_train act on it.
 *
 * Options (default): "coupling" string (additive), "hidden_features" int (32), "hidden_layers"
 * int (2), "activation" string (tanh: tanh, relu, gelu, silu, elu, sigmoid, softplus, gaussian =
 * exp(−x²) as in the UDE paper; Hamiltonian networks need a twice-differentiable one), "seed" int
 * (0) for the initial weights, "output_scale" double (0.1), the scale of the last layer at
 * initialization. Since 0.1.
 */
hylo_status hylo_hybrid_create(hylo_ode *physics, size_t n, const size_t *output_components, size_t num_outputs,
                               const hylo_options *opts, hylo_hybrid **out);
/** Frees the model (NULL is ignored). Since 0.1. */
void hylo_hybrid_free(hylo_hybrid *model);

/** The sizes of the parameter vector: the physics' part and the total. Since 0.1. */
hylo_status hylo_hybrid_num_parameters(const hylo_hybrid *model, size_t *num_physics, size_t *num_total);
/** Copies the parameter vector [p, φ] out (capacity ≥ total) or in (n = total). Since 0.1. */
hylo_status hylo_hybrid_get_parameters(const hylo_hybrid *model, double *out, size_t capacity);
hylo_status hylo_hybrid_set_parameters(hylo_hybrid *model, const double *parameters, size_t n);

/**
 * Fits the model to `num_trajectories` trajectories observed at the same num_times times after
 * t0: y0 is num_trajectories × n, observations num_trajectories × num_times × n, mask (same shape,
 * may be NULL) is nonzero where a value was observed (masked values may be NaN). Adam, then
 * L-BFGS, on the mean squared error of the observed values, with gradients through the solver.
 *
 * Options (default): the solver options of hylo_ode_solve (method tsit5, rtol 1e-6, atol 1e-8),
 * "gradient" (discrete_adjoint), "adam_iterations" int (300), "learning_rate" (0.01),
 * "lbfgs_iterations" int (100), "train_physics" int 0/1 (1: estimate p jointly), "train_network"
 * int 0/1 (1; 0: fit the physics alone, the network keeping its weights), "weight_decay" (0: L2
 * on φ), "network_penalty" (0: + w·mean‖g‖² along the trajectories), "aphynity" int 0/1
 * (0; 1: minimize mean‖g‖² subject to fitting the data, by the method of multipliers, with
 * "aphynity_initial_multiplier" (1), "aphynity_step" (1), "aphynity_update_every" int (10)),
 * "orthogonality_penalty" (0: + w·mean⟨f_physics, g⟩², physics and network should not overlap),
 * "physics_fit_weight" (0: + w·MSE of the physics integrated alone, which should fit too),
 * "shooting_segments" int (1; k > 1: multiple shooting — each trajectory is cut into k segments
 * of consecutive times, each integrated from its own free initial state, fitted jointly with the
 * parameters, with "continuity_weight" (100) · mean squared defect at the joins added to the loss).
 * The progress callback gets stage "adam" or "lbfgs"; cancelling keeps the parameters reached.
 * Since 0.1.
 */
hylo_status hylo_hybrid_train(hylo_hybrid *model, const hylo_options *opts, double t0, const double *y0,
                              size_t num_trajectories, const double *times, size_t num_times,
                              const double *observations, const int32_t *mask, hylo_progress_fn progress,
                              void *progress_data);
/**
 * Equation discovery from a trained model (additive coupling), as in the universal-differential-
 * equation paper: sparse regression (STLSQ) of the network term along the model's trajectories
 * from the given initial states proposes term sets over a sweep of thresholds; each is refitted to
 * the observations (the physics plus the active terms integrated through the solver, coefficients
 * by L-BFGS), and the one with the smallest information criterion wins. The data arguments are
 * those of hylo_hybrid_train. coefficients receives n × num_terms values (capacity ≥ that; the
 * terms are those of hylo_sindy_terms with the same options), zero for inactive terms;
 * physics_out (num_params of the physics, may be NULL) the physical parameters, refitted with
 * "refit_physics". The model is left unchanged.
 *
 * Options (default): the library options of hylo_sindy ("degree" int (2), "trigonometric" int 0/1
 * (0)), "criterion" string (bic; or aic), "thresholds" int (24) log-spaced from 10⁻³ to 1 times the
 * largest least-squares coefficient, "samples_per_trajectory" int (200), "refit_iterations" int
 * (300), "refit_physics" int 0/1 (0), and the solver options of hylo_ode_solve. Since 0.1.
 */
hylo_status hylo_hybrid_discover(hylo_hybrid *model, const hylo_options *opts, double t0, const double *y0,
                                 size_t num_trajectories, const double *times, size_t num_times,
                                 const double *observations, const int32_t *mask, double *coefficients,
                                 size_t capacity, double *physics_out);
/** The last training's mean squared error of the observed values and mean ‖g‖² along the fitted
 *  trajectories (of the model integrated in one piece, also after multiple shooting), and
 *  APHYNITY's multiplier (any may be NULL). HYLO_E_STATE before training. Since 0.1. */
hylo_status hylo_hybrid_training_result(const hylo_hybrid *model, double *data_loss, double *network_norm,
                                        double *multiplier);

/** Integrates the model from y0 (n) and writes the states at the times (num_times × n), with the
 *  options of hylo_ode_solve. Since 0.1. */
hylo_status hylo_hybrid_solve(hylo_hybrid *model, const hylo_options *opts, double t0, const double *y0,
                              const double *times, size_t num_times, double *states_out);
/** The model's right-hand side at (t, y): ydot (n), for the user's own code; network_out (n, may
 *  be NULL) receives the network term alone, ydot − f_physics(t, y; p). Since 0.1. */
hylo_status hylo_hybrid_rhs(hylo_hybrid *model, double t, const double *y, double *ydot, double *network_out);

/** Saves the network's architecture, the coupling and the parameters [p, φ]. Since 0.1. */
hylo_status hylo_hybrid_save(const hylo_hybrid *model, const char *path);
/** Loads a saved model around `physics`, which must have the sizes it was saved with (NULL if it
 *  was saved without). HYLO_E_FILE_FORMAT names the mismatch. Since 0.1. */
hylo_status hylo_hybrid_load(const char *path, hylo_ode *physics, hylo_hybrid **out);

/**
 * Equation discovery by sequentially thresholded least squares (SINDy): fits each column of
 * targets (n × outputs) as a sparse combination of the monomials of samples (n × dim) up to
 * `degree` (including 1), zeroing coefficients below `threshold` and refitting. coefficients
 * receives outputs × num_terms values (capacity ≥ that; see hylo_sparse_regression_terms);
 * *num_terms (may be NULL) the number of terms. Since 0.1.
 */
hylo_status hylo_sparse_regression(const double *samples, const double *targets, size_t n, size_t dim,
                                   size_t outputs, size_t degree, double threshold, double *coefficients,
                                   size_t capacity, size_t *num_terms);
/** The number of monomials in `dim` variables up to `degree`, and the name of term `index` (as
 *  x0*x1^2; "1" for the constant) into name (capacity bytes, NUL-terminated; may be NULL). Since 0.1. */
hylo_status hylo_sparse_regression_terms(size_t dim, size_t degree, size_t index, size_t *num_terms, char *name,
                                         size_t capacity);
/**
 * hylo_sparse_regression with a library and fit chosen by options (NULL: defaults): "degree" int
 * (2) monomials up to that degree, "trigonometric" int 0/1 (0; 1: then sin(xi) and cos(xi) of
 * each variable, e.g. for a pendulum's sin θ), "threshold" (0.1), "ridge" (1e-10, relative to the
 * largest diagonal entry of the normal equations), "max_iterations" int (20) of thresholding and
 * refitting. Since 0.1.
 */
hylo_status hylo_sindy(const double *samples, const double *targets, size_t n, size_t dim, size_t outputs,
                       const hylo_options *opts, double *coefficients, size_t capacity, size_t *num_terms);
/** The number of terms of hylo_sindy's library for these options and the name of term `index`
 *  (as x0*x1^2, sin(x0); "1" for the constant) into name (may be NULL). Since 0.1. */
hylo_status hylo_sindy_terms(size_t dim, const hylo_options *opts, size_t index, size_t *num_terms, char *name,
                             size_t capacity);

/* ---------------------------------------------------------------------------------------------
 * Solver in the loop: a learned correction of the user's own time stepper
 * ------------------------------------------------------------------------------------------- */

/**
 * The user's time stepper: u_next = S(t, dt, u) for a state of n values (a coarse or cheap scheme
 * whose error a network learns to correct). Return 0 on success; any other value aborts the call,
 * which returns HYLO_E_CALLBACK with this code in the message. Called on the calling thread.
 */
typedef int32_t (*hylo_step_fn)(double t, double dt, const double *u, double *u_next, void *user_data);
/** The stepper's vector–Jacobian product u_bar = vᵀ ∂S/∂u (v and u_bar: n). Same return codes. */
typedef int32_t (*hylo_step_vjp_fn)(double t, double dt, const double *u, const double *v, double *u_bar,
                                    void *user_data);

/**
 * Solver in the loop (Um et al. 2020): the stepper followed by a dense network of its output,
 * ũ_{k+1} = w + C(w; φ) with w = S(t_k, dt, ũ_k), trained through unrolled steps so that the
 * correction keeps the states it produces itself on the reference.
 */
typedef struct hylo_corrector hylo_corrector;

/**
 * A corrector around `step` and, optionally, its VJP (NULL: central differences, 2n steps per VJP);
 * user_data is passed to both. Options (default): "hidden_features" int (64), "hidden_layers" int
 * (2), "activation" string (tanh; as hylo_hybrid_create), "seed" int (0), "output_scale" double
 * (0.01), the scale of the last layer at initialization, so that training starts near the
 * stepper alone. Since 0.1.
 */
hylo_status hylo_corrector_create(size_t n, hylo_step_fn step, hylo_step_vjp_fn vjp, void *user_data,
                                  const hylo_options *opts, hylo_corrector **out);
/** Frees the corrector (NULL is ignored). Since 0.1. */
void hylo_corrector_free(hylo_corrector *model);
/** The number of network weights φ. Since 0.1. */
hylo_status hylo_corrector_num_parameters(const hylo_corrector *model, size_t *count);
/** Copies the weights out (capacity ≥ count) or in (n = count). Since 0.1. */
hylo_status hylo_corrector_get_parameters(const hylo_corrector *model, double *out, size_t capacity);
hylo_status hylo_corrector_set_parameters(hylo_corrector *model, const double *weights, size_t n);

/**
 * Trains the correction on num_trajectories reference trajectories of num_steps + 1 states each,
 * dt apart from t0 (states: num_trajectories × (num_steps + 1) × n, e.g. a fine simulation
 * sampled at the coarse step): Adam on mini-batches of windows of "unroll" consecutive steps, each
 * started from a reference state and rolled out by the corrected stepper, minimizing the mean
 * squared difference from the reference, with gradients through every step (the stepper's VJP
 * included). Options (default): "unroll" int (4; 1 never shows the network its own outputs),
 * "iterations" int (2000), "batch_size" int (16), "learning_rate" (0.001) with cosine decay to
 * "final_learning_rate_factor" (0.1) times it, "weight_decay" (0), "seed" int (0) for the window
 * order. The progress callback gets stage "train"; cancelling keeps the weights reached. Since 0.1.
 */
hylo_status hylo_corrector_train(hylo_corrector *model, const hylo_options *opts, double t0, double dt,
                                 const double *states, size_t num_trajectories, size_t num_steps,
                                 hylo_progress_fn progress, void *progress_data);
/** The last training's unrolled loss over every window, and that of the stepper alone (either may
 *  be NULL). HYLO_E_STATE before training. Since 0.1. */
hylo_status hylo_corrector_training_result(const hylo_corrector *model, double *loss, double *uncorrected_loss);
/** The states after each of num_steps steps from u0 at t0 (states_out: num_steps × n), corrected
 *  (corrected ≠ 0) or by the stepper alone. A non-finite state is HYLO_E_NUMERICAL. Since 0.1. */
hylo_status hylo_corrector_rollout(hylo_corrector *model, double t0, double dt, const double *u0, size_t num_steps,
                                   int32_t corrected, double *states_out);
/** Saves the network's architecture and weights. Since 0.1. */
hylo_status hylo_corrector_save(const hylo_corrector *model, const char *path);
/** Loads a saved correction around a stepper of the same n (callbacks as hylo_corrector_create).
 *  Since 0.1. */
hylo_status hylo_corrector_load(const char *path, size_t n, hylo_step_fn step, hylo_step_vjp_fn vjp, void *user_data,
                                hylo_corrector **out);

/* ---------------------------------------------------------------------------------------------
 * Diagnostics: is the posterior to be trusted?
 * ------------------------------------------------------------------------------------------- */

/**
 * Classifier two-sample test exactly as sbibm computes it: z-scoring by the reference x
 * (nx × dim), labels 0 for x and 1 for y (ny × dim), an MLP classifier (ReLU, two hidden layers of
 * 10·dim units, Adam 1e-3, L2 1e-4, batches of 200, stop after 10 epochs without a training-loss
 * improvement of 1e-4), 5 shuffled folds; *out is the mean held-out accuracy (0.5: the samples
 * are indistinguishable, 1: fully separable). Since 0.1.
 */
hylo_status hylo_c2st(const double *x, size_t nx, const double *y, size_t ny, size_t dim, uint64_t seed,
                      double *out);

/**
 * Simulation-based calibration on n test pairs (theta: n × dim_theta from the prior, x: n × dim_x
 * simulated from them): ranks (n × dim_theta) receives, as doubles, the rank of each θ_i among
 * `num_samples` posterior draws at x_i, and ks_pvalues (dim_theta, may be NULL) the p-value of a
 * Kolmogorov–Smirnov test of rank/num_samples against U(0, 1) per dimension. Since 0.1.
 */
hylo_status hylo_posterior_sbc(const hylo_posterior *posterior, const double *theta, const double *x, size_t n,
                               size_t dim_x, size_t num_samples, uint64_t seed, double *ranks,
                               double *ks_pvalues);

/**
 * Expected coverage of highest-posterior-density regions on n test pairs, at n_levels credibility
 * levels in [0, 1]: coverage[k] is the fraction of θ_i inside the levels[k] HPD region of the
 * posterior at x_i (estimated from num_samples draws). Calibrated: coverage = level; above is
 * conservative, below overconfident. Since 0.1.
 */
hylo_status hylo_posterior_expected_coverage(const hylo_posterior *posterior, const double *theta, const double *x,
                                             size_t n, size_t dim_x, size_t num_samples, const double *levels,
                                             size_t n_levels, uint64_t seed, double *coverage);

/**
 * TARP (Lemos et al. 2023) on n test pairs with reference points drawn from the prior: ecp[k] is
 * the expected coverage probability at levels[k]; *atc (may be NULL) the signed area between the
 * curve and the diagonal (> 0 conservative, < 0 overconfident); *ks_pvalue (may be NULL) a
 * Kolmogorov–Smirnov p-value of uniformity. Since 0.1.
 */
hylo_status hylo_posterior_tarp(const hylo_posterior *posterior, const double *theta, const double *x, size_t n,
                                size_t dim_x, size_t num_samples, const double *levels, size_t n_levels,
                                uint64_t seed, double *ecp, double *atc, double *ks_pvalue);

/**
 * Model misspecification check (Schmitt et al. 2023; sbi's calc_misspecification_mmd): are the m
 * observations x_o (m × dim_x) unlike the n simulations x (n × dim_x, e.g. the training set)?
 * The statistic is the squared maximum mean discrepancy (Gaussian kernel, median-heuristic
 * bandwidth) between x_o and "num_reference" (1000) of the simulations; its null distribution
 * comes from "num_permutations" (1000) draws of m other simulations. *p_value is the fraction of
 * null draws at least as discrepant: small (say < 0.05) means x_o lies outside what the simulator
 * produces, and posteriors at x_o should not be trusted. x is compared z-scored, or — when
 * `posterior` (an NPE posterior; may be NULL) is given — in its flow's embedding of x. *mmd may be
 * NULL. Options also: "seed" (0). Needs n >= 2 m + 2. Since 0.1.
 */
hylo_status hylo_misspecification_mmd(const double *x_o, size_t m, const double *x, size_t n, size_t dim_x,
                                      const hylo_posterior *posterior, const hylo_options *opts, double *p_value,
                                      double *mmd);

/* ---------------------------------------------------------------------------------------------
 * Physics-informed neural networks (PINNs)
 *
 * A hylo_pde describes a problem by expressions: residuals over the fields, their derivatives
 * and the coordinates, e.g. "u_t + u*u_x - nu*u_xx". Names: coordinates are single letters other
 * than n; a derivative is the field name, '_' and one or two coordinate letters (u_x, u_xx, u_xt;
 * up to second order); u_n is the outward normal derivative (boundary conditions only); pi;
 * named constants and unknown coefficients. Operators + - * / ^ (also **), functions sin cos tan
 * exp log sqrt tanh sinh cosh abs sigmoid softplus silu gelu; at most 256 operations deep, with
 * brackets, calls and signs nested at most 64 levels. Every call that adds an expression
 * checks it at once; a syntax error's message points at the offending character. Declare
 * constants and coefficients before the expressions that use them.
 *
 * A hylo_pinn is a network for the fields of a problem (a copy of it), trained on points drawn
 * from the domain with value, first and second input derivatives by Taylor mode (forward jets).
 * ------------------------------------------------------------------------------------------- */

typedef struct hylo_pde hylo_pde;
typedef struct hylo_pinn hylo_pinn;

/**
 * A problem over the box lower[k] ≤ coordinate k ≤ upper[k] (num_coordinates entries each).
 * coordinates and fields are comma-separated names ("x,t" and "u" or "u,v"); time names the time
 * coordinate or is NULL (then the spatial boundary excludes its faces, and "t=t0" is where
 * initial conditions live). Since 0.1.
 */
hylo_status hylo_pde_create(const char *coordinates, const char *fields, const double *lower, const double *upper,
                            size_t num_coordinates, const char *time, hylo_pde **out);
/** Frees the problem (NULL is ignored). Since 0.1. */
void hylo_pde_free(hylo_pde *pde);
/** Makes coordinates x and y (names) fill the disk of centre (cx, cy) and radius r instead of their
 *  box; its boundary is the region "boundary". Since 0.1. */
hylo_status hylo_pde_set_disk(hylo_pde *pde, const char *x, const char *y, double cx, double cy, double radius);
/** A named constant usable in every expression. Since 0.1. */
hylo_status hylo_pde_set_constant(hylo_pde *pde, const char *name, double value);
/** An unknown coefficient (inverse problems), estimated with the network from `initial`. Since 0.1. */
hylo_status hylo_pde_add_coefficient(hylo_pde *pde, const char *name, double initial);
/** A residual that must vanish in the interior. Since 0.1. */
hylo_status hylo_pde_add_equation(hylo_pde *pde, const char *residual);
/**
 * A residual that must vanish on a region, weighted by weight (≥ 0) in the loss. region is
 * "boundary" (the spatial boundary at all times), "interior", or "<coordinate>=<value>", a face
 * where the coordinate is at one of its bounds (the value may be an expression of numbers, pi and
 * constants: "x=-1", "t=0"). Dirichlet: "u - g"; Neumann: "u_n - g"; Robin: "a*u + b*u_n - g";
 * initial: region "t=0". Since 0.1.
 */
hylo_status hylo_pde_add_condition(hylo_pde *pde, const char *region, const char *residual, double weight);
/** Periodicity in a coordinate: hard = 1 builds it into the network (exact, by a periodic input
 *  embedding); hard = 0 matches values and first derivatives across the faces in the loss. Since 0.1. */
hylo_status hylo_pde_set_periodic(hylo_pde *pde, const char *coordinate, int32_t hard);
/** A hard constraint: field = expression of the coordinates, constants and N (the network's raw
 *  output for that field), e.g. "-sin(pi*x) + t*(1 - x^2)*N" satisfies u(0,x) = -sin(pi x) and
 *  u(t,±1) = 0 exactly. Since 0.1. */
hylo_status hylo_pde_set_output_transform(hylo_pde *pde, const char *field, const char *expression);
/** Observations of a field: points is n × num_coordinates, values n; weighted in the loss. Since 0.1. */
hylo_status hylo_pde_add_observations(hylo_pde *pde, const char *field, const double *points, const double *values,
                                      size_t n, double weight);

/**
 * A PINN for a copy of `pde`. Options (default): "hidden_layers" int (4), "hidden_features" int
 * (50), "activation" (tanh: tanh, sin, sigmoid, softplus, silu, gelu), "architecture" (mlp,
 * modified_mlp), "fourier_features" int (0: none; else that many random Fourier features of
 * scale "fourier_scale" (1)), "weight_factorization" int 0/1 (0; random weight factorization with
 * "rwf_mean" (1) and "rwf_std" (0.1)), "seed" int (0). Since 0.1.
 */
hylo_status hylo_pinn_create(const hylo_pde *pde, const hylo_options *opts, hylo_pinn **out);
/** Frees the PINN (NULL is ignored). Since 0.1. */
void hylo_pinn_free(hylo_pinn *pinn);

/**
 * Trains the network and the unknown coefficients: Adam, then L-BFGS on the final points.
 * Options (default): "adam_iterations" int (5000), "learning_rate" (1e-3), "learning_rate_decay"
 * (0.9 per "decay_steps" int (2000), continuously), "lbfgs_iterations" int (0), "lbfgs_history" int (50),
 * "collocation_points" int (10000), "boundary_points" int (1000, per condition), "sampling"
 * (sobol: sobol, lhs, uniform), "loss_weighting" (fixed: fixed, grad_norm — weights balanced by
 * gradient norms every "weight_update_every" int (1000) iterations), "causal_chunks" int (0: off;
 * causal weighting over that many time slabs with tolerance "causal_tolerance" (1)),
 * "refinement" (none: none, resample, rar_d, rar_g — every "refine_every" int (1000) iterations:
 * fresh points; RAR-D with "rar_k" (1) and "rar_c" (1); RAR-G adding "rar_count" int (100) points),
 * "seed" int (0). The progress callback gets stage "adam" or "lbfgs"; hylo_pinn_loss_terms may be
 * called from it. Cancelling keeps the parameters reached and returns HYLO_E_CANCELLED; a loss
 * that becomes NaN returns HYLO_E_NUMERICAL. Since 0.1.
 */
hylo_status hylo_pinn_train(hylo_pinn *pinn, const hylo_options *opts, hylo_progress_fn progress, void *progress_data);

/** The number of coordinates, fields and unknown coefficients (any may be NULL). Since 0.1. */
hylo_status hylo_pinn_sizes(const hylo_pinn *pinn, size_t *num_coordinates, size_t *num_fields,
                            size_t *num_coefficients);
/** The number of loss terms (equations, conditions, soft periodicity, observations). Since 0.1. */
hylo_status hylo_pinn_num_loss_terms(const hylo_pinn *pinn, size_t *out);
/** The name of loss term `index` ("equation 0", "condition 1 (t=0)" …) as a NUL-terminated string
 *  in buffer (capacity bytes). Since 0.1. */
hylo_status hylo_pinn_loss_term_name(const hylo_pinn *pinn, size_t index, char *buffer, size_t capacity);
/** The latest unweighted value of every loss term (capacity ≥ their number); NaN before training. Since 0.1. */
hylo_status hylo_pinn_loss_terms(const hylo_pinn *pinn, double *out, size_t capacity);
/** The last training's weighted loss, L-BFGS iterations and stop reason (gradient_tolerance,
 *  function_tolerance, max_iterations, line_search_failed, cancelled; "none" if L-BFGS did not
 *  run) into reason (capacity bytes); any may be NULL. HYLO_E_STATE before training. Since 0.1. */
hylo_status hylo_pinn_training_result(const hylo_pinn *pinn, double *loss, int64_t *lbfgs_iterations, char *reason,
                                      size_t capacity);
/** The fields at n points (n × num_coordinates): out is n × num_fields. Since 0.1. */
hylo_status hylo_pinn_evaluate(const hylo_pinn *pinn, const double *points, size_t n, double *out);
/** The current unknown coefficients, in declaration order (capacity ≥ their number). Since 0.1. */
hylo_status hylo_pinn_coefficients(const hylo_pinn *pinn, double *out, size_t capacity);
/** Saves the network, coefficients and problem (not its observations). Since 0.1. */
hylo_status hylo_pinn_save(const hylo_pinn *pinn, const char *path);
/** Loads a PINN saved by hylo_pinn_save; it evaluates bit-identically. Since 0.1. */
hylo_status hylo_pinn_load(const char *path, hylo_pinn **out);

/* -------------------------------------------------------------------------------------------
 * Neural operators
 *
 * Networks that map whole functions to functions. A hylo_fno (Fourier neural operator) maps fields
 * on a periodic 1-D or 2-D grid to fields on the same grid; its weights act on Fourier modes, so a
 * trained FNO evaluates at any resolution that resolves them. A hylo_deeponet maps a function seen
 * at fixed sensors to its image at any point. Fields are row-major (C order): sample, channel,
 * then the grid axes x (then y), y fastest. A Fortran array a(ny, nx, channels, n) has this layout.
 * ------------------------------------------------------------------------------------------- */

typedef struct hylo_fno hylo_fno;
typedef struct hylo_deeponet hylo_deeponet;

/**
 * An untrained FNO. Options (default): "dimensions" int (1: 1 or 2), "modes" int (16, kept per
 * axis), "width" int (64), "layers" int (4, Fourier layers), "in_channels" int (1),
 * "out_channels" int (1), "lifting_channels" int (0: one linear lifting map; else a hidden layer
 * of that width), "projection_channels" int (128), "activation" (gelu: gelu, relu, tanh, silu,
 * elu, sigmoid, softplus, gaussian, identity), "padding" int (0: zero cells appended to each axis
 * inside the Fourier layers, for non-periodic data), "append_grid" int 0/1 (1: grid coordinates as extra
 * input channels), "normalize" int 0/1 (1: standardize each input and output channel with
 * statistics of the training data), "seed" int (0). Since 0.1.
 */
hylo_status hylo_fno_create(const hylo_options *opts, hylo_fno **out);
/** Frees the FNO (NULL is ignored). Since 0.1. */
void hylo_fno_free(hylo_fno *fno);
/** The number of grid axes and of input and output channels (any may be NULL). Since 0.1. */
hylo_status hylo_fno_sizes(const hylo_fno *fno, size_t *dimensions, size_t *in_channels, size_t *out_channels);
/**
 * Trains on n pairs on an nx (1-D; ny must be 1) or nx × ny grid: inputs is
 * n × in_channels × nx × ny, outputs n × out_channels × nx × ny. Options (default): "epochs" int
 * (500), "batch_size" int (20), "learning_rate" (1e-3), "weight_decay" (1e-4, L2), "step_every"
 * int (100) and "step_gamma" (0.5: the rate is multiplied by it every step_every epochs), "loss"
 * (relative_l2: relative_l2, mse), "seed" int (0). The progress callback gets stage "epoch" after
 * every epoch with the mean training loss; cancelling keeps the weights reached and returns
 * HYLO_E_CANCELLED. Training again starts from the current weights. Since 0.1.
 */
hylo_status hylo_fno_train(hylo_fno *fno, const double *inputs, const double *outputs, size_t n, size_t nx, size_t ny,
                           const hylo_options *opts, hylo_progress_fn progress, void *progress_data);
/** The output fields for n input fields on an nx × ny grid of any resolution resolving the modes
 *  (ny = 1 in 1-D): out is n × out_channels × nx × ny. HYLO_E_STATE before training. Since 0.1. */
hylo_status hylo_fno_predict(const hylo_fno *fno, const double *inputs, size_t n, size_t nx, size_t ny, double *out);
/** Saves the architecture, weights and normalizers. Since 0.1. */
hylo_status hylo_fno_save(const hylo_fno *fno, const char *path);
/** Loads an FNO saved by hylo_fno_save; it predicts bit-identically. Since 0.1. */
hylo_status hylo_fno_load(const char *path, hylo_fno **out);

/**
 * An untrained DeepONet: branch net sensors → hidden… → latent, trunk net coordinates → hidden…
 * → latent, G(u)(y) = Σ_k branch_k(u) trunk_k(y) + b. Options (default): "sensors" int (100),
 * "coordinates" int (1), "hidden_layers" int (1), "hidden_features" int (40), "latent" int (40),
 * "activation" (relu), "seed" int (0). Weights are Glorot-normal. Since 0.1.
 */
hylo_status hylo_deeponet_create(const hylo_options *opts, hylo_deeponet **out);
/** Frees the DeepONet (NULL is ignored). Since 0.1. */
void hylo_deeponet_free(hylo_deeponet *net);
/** The number of sensors and coordinates (either may be NULL). Since 0.1. */
hylo_status hylo_deeponet_sizes(const hylo_deeponet *net, size_t *sensors, size_t *coordinates);
/**
 * Trains on n functions all observed at the same num_points points (Cartesian product): u is
 * n × sensors, y num_points × coordinates, s n × num_points (s[i][j] = G(u_i)(y_j)); batches are
 * sets of functions. Options as hylo_fno_train, with defaults "epochs" 10000, "batch_size" n (full
 * batch), "weight_decay" 0, "step_gamma" 1 (constant rate), "loss" mse. Since 0.1.
 */
hylo_status hylo_deeponet_train(hylo_deeponet *net, const double *u, size_t n, const double *y, size_t num_points,
                                const double *s, const hylo_options *opts, hylo_progress_fn progress, void *progress_data);
/** As hylo_deeponet_train for n triplets (u_i, y_i, s_i), each function at its own point: u is
 *  n × sensors, y n × coordinates, s n; batches are sets of triplets. Since 0.1. */
hylo_status hylo_deeponet_train_pointwise(hylo_deeponet *net, const double *u, const double *y, const double *s, size_t n,
                                          const hylo_options *opts, hylo_progress_fn progress, void *progress_data);
/** G(u_i)(y_j) for n functions at num_points points: out is n × num_points. Since 0.1. */
hylo_status hylo_deeponet_predict(const hylo_deeponet *net, const double *u, size_t n, const double *y, size_t num_points,
                                  double *out);
/** G(u_i)(y_i) for n aligned pairs: out is n. Since 0.1. */
hylo_status hylo_deeponet_predict_pointwise(const hylo_deeponet *net, const double *u, const double *y, size_t n, double *out);
/** Saves the architecture and weights. Since 0.1. */
hylo_status hylo_deeponet_save(const hylo_deeponet *net, const char *path);
/** Loads a DeepONet saved by hylo_deeponet_save; it predicts bit-identically. Since 0.1. */
hylo_status hylo_deeponet_load(const char *path, hylo_deeponet **out);

/* Data sets of the neural-operator benchmarks, generated in-process. Sample i depends only on
 * (seed, i), whatever the number of threads. */

/**
 * n Gaussian random fields on the periodic unit interval (ny = 1) or square, out n × nx × ny:
 * u = Σ_k c_k (ξ_k cos 2πk·x + η_k sin 2πk·x), c_k = √2 σ (|2πk|² + τ²)^(−γ/2), over the
 * frequencies the grid resolves. Since 0.1.
 */
hylo_status hylo_data_gaussian_field(double sigma, double tau, double gamma, size_t n, size_t nx, size_t ny,
                                     int64_t seed, double *out);
/**
 * n pairs (u(0), u(T)) of viscous Burgers u_t + u u_x = ν u_xx on the periodic unit interval at
 * `resolution` points (a divisor of "solver_points"), initial states Gaussian fields, each
 * n × resolution. Options (default): "viscosity" (0.1), "final_time" (1), "sigma" (25), "tau" (5),
 * "gamma" (2), "solver_points" int (8192, Fourier ETDRK4), "step" (1e-3). The progress callback
 * gets stage "burgers" and may cancel. Since 0.1.
 */
hylo_status hylo_data_burgers(size_t n, size_t resolution, int64_t seed, const hylo_options *opts,
                              hylo_progress_fn progress, void *progress_data, double *initial, double *final_state);
/**
 * n pairs (a, u) of Darcy flow −∇·(a∇u) = 1 on the unit square with u = 0 on the boundary, on a
 * resolution × resolution grid (x_i = i/(resolution−1)), each n × resolution × resolution: a is 12
 * where a Gaussian field N(0, (−Δ + τ²)^(−α)) with zero Neumann conditions is ≥ 0, else 3. Options
 * (default): "tau" (3), "alpha" (2), "refinement" int (2: solved by finite differences on a grid
 * that many times finer, then subsampled; that grid has at most 513 points per side). Progress
 * stage "darcy". Since 0.1.
 */
hylo_status hylo_data_darcy(size_t n, size_t resolution, int64_t seed, const hylo_options *opts,
                            hylo_progress_fn progress, void *progress_data, double *coefficient, double *solution);
/**
 * The antiderivative operator s(x) = ∫₀ˣ u: n functions from a Gaussian process with kernel
 * exp(−|x−y|²/(2ℓ²)), u n × sensors at equispaced sensors on [0, 1]. With num_points > 0
 * (Cartesian data) y holds num_points equispaced points and s is n × num_points; with
 * num_points = 0 (pointwise data) y and s hold one random point per function (n each). Options
 * (default): "sensors" int (100), "length_scale" (0.2). Since 0.1.
 */
hylo_status hylo_data_antiderivative(size_t n, size_t num_points, int64_t seed, const hylo_options *opts,
                                     double *u, double *y, double *s);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HYLO_H */
