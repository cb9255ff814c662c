/*
 * lapack_lazy: the two LAPACK routines COIN-OR calls (dgetrf_, dgetrs_: an LU
 * factorisation and its solve, in CoinDenseFactorization), defined here under their
 * own names and forwarded to OpenBLAS, which is opened (dlopen) by the first call.
 *
 * Why: the urne command links COIN-OR from its static archives (CMakeLists.txt: the
 * shared ones cost 12 ms at every start), and those two references pulled in the whole
 * static OpenBLAS: its constructor (CPU detection, environment, buffers) and its
 * per-CPU tables of function pointers (19 of 4.7 KiB, relocated at every start since
 * the binary is position-independent). That was about 75 page faults and 1.5 ms of
 * every command's start on the development VM (bench/RESULTS.md, issue 16, "OpenBLAS
 * opened when the solver needs it"), paid by `urne count`, `urne --version` and the
 * server alike, while only the sortition's solver ever factorises a dense matrix. Now
 * OpenBLAS is loaded by the first LU factorisation, in the commands that make one.
 *
 * How: the definitions have LAPACK's Fortran prototypes (every argument by address,
 * the character argument's hidden length last, as gfortran passes it and OpenBLAS
 * takes it). The library opened first is the shared twin of the static archive that
 * was linked before (URNE_LAPACK_LIBRARY: the same Debian package's OpenBLAS, serial,
 * so the same kernels and the same results); if that is missing, the system's LAPACK
 * (liblapack.so.3, whichever Debian's alternatives chose). Opened once (pthread_once:
 * the server may solve on several threads), both functions looked up then.
 *
 * When no LAPACK can be loaded there is no honest answer to give COIN-OR (a made-up
 * "singular" would change the draw silently): urne says which library is missing and
 * exits with status 70 (EX_SOFTWARE) before any result is written.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef URNE_LAPACK_LIBRARY
#define URNE_LAPACK_LIBRARY "libopenblas.so.0"
#endif
#define URNE_LAPACK_FALLBACK "liblapack.so.3"

/* The prototypes, also declared here so that -Wmissing-prototypes has them and a
 * caller in urne's own code would see them. */
void dgetrf_(const int *m, const int *n, double *a, const int *lda, int *ipiv, int *info);
void dgetrs_(const char *trans, const int *n, const int *nrhs, const double *a, const int *lda, const int *ipiv,
             double *b, const int *ldb, int *info, size_t trans_len);

static struct {
    void (*getrf)(const int *, const int *, double *, const int *, int *, int *);
    void (*getrs)(const char *, const int *, const int *, const double *, const int *, const int *, double *,
                  const int *, int *, size_t);
} lapack;

static pthread_once_t lapack_once = PTHREAD_ONCE_INIT;
static char lapack_why[768]; /* why no library was usable, when none was */

/* 1 when LIB opens and has both functions, which are then in `lapack`. */
static int lapack_try(const char *name) {
    void *lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        size_t used = 0;
        while (used < sizeof lapack_why && lapack_why[used] != '\0') used++;
        snprintf(lapack_why + used, sizeof lapack_why - used, "%s%s", used ? "; " : "", dlerror());
        return 0;
    }
    /* dlsym returns void *; POSIX guarantees it converts to a function pointer. */
    *(void **)&lapack.getrf = dlsym(lib, "dgetrf_");
    *(void **)&lapack.getrs = dlsym(lib, "dgetrs_");
    if (lapack.getrf != NULL && lapack.getrs != NULL) return 1;
    dlclose(lib);
    lapack.getrf = NULL;
    lapack.getrs = NULL;
    return 0;
}

static void lapack_load(void) {
    if (!lapack_try(URNE_LAPACK_LIBRARY)) lapack_try(URNE_LAPACK_FALLBACK);
}

/* LAPACK loaded once; without one, the message and exit (see the essay). */
static void lapack_must(const char *name) {
    pthread_once(&lapack_once, lapack_load);
    if (lapack.getrf != NULL) return;
    fprintf(stderr,
            "urne: the solver needs LAPACK (%s) and none could be loaded: %s (install Debian's "
            "libopenblas0-serial or liblapack3)\n",
            name, lapack_why[0] ? lapack_why : "no dgetrf_/dgetrs_ in " URNE_LAPACK_LIBRARY);
    exit(70);
}

void dgetrf_(const int *m, const int *n, double *a, const int *lda, int *ipiv, int *info) {
    lapack_must("dgetrf_");
    lapack.getrf(m, n, a, lda, ipiv, info);
}

void dgetrs_(const char *trans, const int *n, const int *nrhs, const double *a, const int *lda, const int *ipiv,
             double *b, const int *ldb, int *info, size_t trans_len) {
    lapack_must("dgetrs_");
    lapack.getrs(trans, n, nrhs, a, lda, ipiv, b, ldb, info, trans_len);
}
