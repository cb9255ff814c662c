/*
 * coin_lazy: the functions of COIN-OR's C interfaces (Cbc_C_Interface.h,
 * Clp_C_Interface.h) that the sortition engine calls, defined here under their own
 * names and forwarded to COIN-OR's shared libraries, which are opened (dlopen) by the
 * first Cbc_newModel or Clp_newModel.
 *
 * Why: linked into urne, COIN-OR (C++, from its static archives since the shared ones
 * cost 12 ms at every start) still cost every command its C++ start-up: 200 static
 * constructors, the iostreams and locale of libstdc++, and 90 KiB of vtables that a
 * position-independent binary relocates, page by page, before main (about 45 page
 * faults, each 10 to 40 µs on the development VM: bench/RESULTS.md, issue 16,
 * "counting at the limit, last session"). Only `urne sortition` solves anything;
 * `urne count`, `urne --version` and the server paid for it. Now urne holds no C++ at
 * all, and a draw pays the loading once per process (~12 ms, against draws of 20 ms
 * to minutes: bench/RESULTS.md, "Sortition").
 *
 * How: the definitions have the headers' prototypes (the headers are included, so the
 * compiler checks each one as a call into COIN-OR was checked). The engine's files
 * call Clp_newModel and the rest unchanged; the linker resolves them here. A function
 * a new line of the engine calls and that is missing here fails the link: add it to
 * the list. The library opened is the one CMake found (URNE_COIN_SONAME, COIN-OR's CBC
 * solver library); Clp's functions are looked up through it (it depends on libClp).
 * Opened once (pthread_once, should two threads solve at once). Before it, the serial
 * OpenBLAS's LAPACK when CMake found it (URNE_COIN_LAPACK, see coin_load), so that
 * COIN-OR factorises with the library urne linked from the serial archive before.
 *
 * When COIN-OR cannot be loaded, Cbc_newModel and Clp_newModel return NULL, which the
 * engine already handles as a model it could not get: the draw stops with an error
 * (worded "out of memory") and writes nothing; the reason, naming the library, is
 * printed once on standard error just before. Cbc_deleteModel and Clp_deleteModel of
 * NULL do nothing. Every other function needs a model, which cannot exist then:
 * reaching one is a bug, and it aborts with a message.
 */
#include <coin/Cbc_C_Interface.h>
#include <coin/Clp_C_Interface.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

#ifndef URNE_COIN_SONAME
#define URNE_COIN_SONAME "libCbcSolver.so.3"
#endif

/* X(return type, name, (parameters), (arguments)): forwarded as they are. */
#define URNE_COIN_FORWARDED(X)                                                                                         \
    X(double *, Cbc_bestSolution, (Cbc_Model * model), (model))                                                        \
    X(double, Cbc_getBestPossibleObjValue, (Cbc_Model * model), (model))                                               \
    X(const double *, Cbc_getColSolution, (Cbc_Model * model), (model))                                                \
    X(double, Cbc_getObjValue, (Cbc_Model * model), (model))                                                           \
    X(int, Cbc_isNodeLimitReached, (Cbc_Model * model), (model))                                                       \
    X(int, Cbc_isProvenInfeasible, (Cbc_Model * model), (model))                                                       \
    X(int, Cbc_isProvenOptimal, (Cbc_Model * model), (model))                                                          \
    X(int, Cbc_numberSavedSolutions, (Cbc_Model * model), (model))                                                     \
    X(const double *, Cbc_savedSolution, (Cbc_Model * model, int whichSol), (model, whichSol))                         \
    X(int, Cbc_solve, (Cbc_Model * model), (model))                                                                    \
    X(const double *, Clp_getColSolution, (Clp_Simplex * model), (model))                                              \
    X(const double *, Clp_getRowLower, (Clp_Simplex * model), (model))                                                 \
    X(const double *, Clp_getRowPrice, (Clp_Simplex * model), (model))                                                 \
    X(int, Clp_initialSolve, (Clp_Simplex * model), (model))                                                           \
    X(int, Clp_isProvenOptimal, (Clp_Simplex * model), (model))                                                        \
    X(int, Clp_isProvenPrimalInfeasible, (Clp_Simplex * model), (model))                                               \
    X(double, Clp_objectiveValue, (Clp_Simplex * model), (model))                                                      \
    X(int, Clp_primal, (Clp_Simplex * model, int ifValuesPass), (model, ifValuesPass))

/* X(name, (parameters), (arguments)): the same, returning nothing. */
#define URNE_COIN_FORWARDED_VOID(X)                                                                                    \
    X(Cbc_loadProblem,                                                                                                 \
      (Cbc_Model * model, const int numcols, const int numrows, const CoinBigIndex *start, const int *index,           \
       const double *value, const double *collb, const double *colub, const double *obj, const double *rowlb,          \
       const double *rowub),                                                                                           \
      (model, numcols, numrows, start, index, value, collb, colub, obj, rowlb, rowub))                                 \
    X(Cbc_setAllowableFractionGap, (Cbc_Model * model, double gap), (model, gap))                                      \
    X(Cbc_setInteger, (Cbc_Model * model, int iColumn), (model, iColumn))                                              \
    X(Cbc_setLogLevel, (Cbc_Model * model, int logLevel), (model, logLevel))                                           \
    X(Cbc_setMIPStartI, (Cbc_Model * model, int count, const int colIdxs[], const double colValues[]),                 \
      (model, count, colIdxs, colValues))                                                                              \
    X(Cbc_setMaximumNodes, (Cbc_Model * model, int maxNodes), (model, maxNodes))                                       \
    X(Cbc_setObjSense, (Cbc_Model * model, double sense), (model, sense))                                              \
    X(Cbc_setParameter, (Cbc_Model * model, const char *name, const char *value), (model, name, value))                \
    X(Clp_addColumns,                                                                                                  \
      (Clp_Simplex * model, int number, const double *columnLower, const double *columnUpper, const double *objective, \
       const CoinBigIndex *columnStarts, const int *rows, const double *elements),                                     \
      (model, number, columnLower, columnUpper, objective, columnStarts, rows, elements))                              \
    X(Clp_chgObjCoefficients, (Clp_Simplex * model, const double *objIn), (model, objIn))                              \
    X(Clp_chgRowLower, (Clp_Simplex * model, const double *rowLower), (model, rowLower))                               \
    X(Clp_loadProblem,                                                                                                 \
      (Clp_Simplex * model, const int numcols, const int numrows, const CoinBigIndex *start, const int *index,         \
       const double *value, const double *collb, const double *colub, const double *obj, const double *rowlb,          \
       const double *rowub),                                                                                           \
      (model, numcols, numrows, start, index, value, collb, colub, obj, rowlb, rowub))                                 \
    X(Clp_modifyCoefficient, (Clp_Simplex * model, int row, int column, double newElement, bool keepZero),             \
      (model, row, column, newElement, keepZero))                                                                      \
    X(Clp_scaling, (Clp_Simplex * model, int mode), (model, mode))                                                     \
    X(Clp_setLogLevel, (Clp_Simplex * model, int value), (model, value))                                               \
    X(Clp_setObjSense, (Clp_Simplex * model, double objsen), (model, objsen))                                          \
    X(Clp_setPrimalTolerance, (Clp_Simplex * model, double value), (model, value))

/* Written out below: the entry points (NULL when COIN-OR is missing) and the
 * functions that accept NULL. */
#define URNE_COIN_WRITTEN(X)                                                                                           \
    X(Cbc_Model *, Cbc_newModel, (void), ())                                                                           \
    X(Clp_Simplex *, Clp_newModel, (void), ())                                                                         \
    X(void, Cbc_deleteModel, (Cbc_Model * model), (model))                                                             \
    X(void, Clp_deleteModel, (Clp_Simplex * model), (model))

static struct {
#define X(ret, name, params, args) ret(*name) params;
    URNE_COIN_FORWARDED(X)
    URNE_COIN_WRITTEN(X)
#undef X
#define X(name, params, args) void(*name) params;
    URNE_COIN_FORWARDED_VOID(X)
#undef X
} coin;

static pthread_once_t coin_once = PTHREAD_ONCE_INIT;
static int coin_loaded;    /* every function found */
static char coin_why[512]; /* why not, when not */

static void coin_load(void) {
#ifdef URNE_COIN_LAPACK
    /* The serial OpenBLAS first, when installed: libCoinUtils names "liblapack.so.3",
     * which the loader then finds already loaded under that soname, rather than
     * whichever LAPACK Debian's alternatives point to (the reference one is twice as
     * slow on the sortition's dense bases; a threaded OpenBLAS starts threads). What
     * urne linked from the serial archive before. Without it, the alternatives' LAPACK. */
    (void)dlopen(URNE_COIN_LAPACK, RTLD_NOW | RTLD_LOCAL);
#endif
    void *lib = dlopen(URNE_COIN_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        snprintf(coin_why, sizeof coin_why, _("cannot load %s (install Debian's coinor-libcbc3): %s"),
                 URNE_COIN_SONAME, dlerror());
        fprintf(stderr, _("urne: the solver is missing: %s\n"), coin_why);
        return;
    }
    /* dlsym returns void *; POSIX guarantees it converts to a function pointer.
     */
#define COIN_LOOK_UP(name)                                                                                             \
    *(void **)&coin.name = dlsym(lib, #name);                                                                          \
    if (coin.name == NULL) {                                                                                           \
        snprintf(coin_why, sizeof coin_why, _("%s has no %s: not the COIN-OR urne was built for"), URNE_COIN_SONAME,   \
                 #name);                                                                                               \
        fprintf(stderr, _("urne: the solver is missing: %s\n"), coin_why);                                             \
        dlclose(lib);                                                                                                  \
        return;                                                                                                        \
    }
#define X(ret, name, params, args) COIN_LOOK_UP(name)
    URNE_COIN_FORWARDED(X)
    URNE_COIN_WRITTEN(X)
#undef X
#define X(name, params, args) COIN_LOOK_UP(name)
    URNE_COIN_FORWARDED_VOID(X)
#undef X
    coin_loaded = 1;
}

/* COIN-OR loaded once; 1 when it is there. */
static int coin_ready(void) {
    pthread_once(&coin_once, coin_load);
    return coin_loaded;
}

/* For the functions that need a model: COIN-OR is there. */
static void coin_must(const char *name) {
    if (coin_ready()) return;
    fprintf(stderr, "urne: %s called without COIN-OR (%s)\n", name, coin_why);
    abort();
}

#define X(ret, name, params, args)                                                                                     \
    ret name params {                                                                                                  \
        coin_must(#name);                                                                                              \
        return coin.name args;                                                                                         \
    }
URNE_COIN_FORWARDED(X)
#undef X

#define X(name, params, args)                                                                                          \
    void name params {                                                                                                 \
        coin_must(#name);                                                                                              \
        coin.name args;                                                                                                \
    }
URNE_COIN_FORWARDED_VOID(X)
#undef X

Cbc_Model *Cbc_newModel(void) { return coin_ready() ? coin.Cbc_newModel() : NULL; }

Clp_Simplex *Clp_newModel(void) { return coin_ready() ? coin.Clp_newModel() : NULL; }

void Cbc_deleteModel(Cbc_Model *model) {
    if (model == NULL) return;
    coin_must("Cbc_deleteModel");
    coin.Cbc_deleteModel(model);
}

void Clp_deleteModel(Clp_Simplex *model) {
    if (model == NULL) return;
    coin_must("Clp_deleteModel");
    coin.Clp_deleteModel(model);
}
