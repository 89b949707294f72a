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
 *   "activation"      string tanh | relu | gelu | silu | elu | sigmoid | softplus (tanh)
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

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HYLO_H */
