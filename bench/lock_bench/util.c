/* util.c - small helpers: clocks, failure, statistics, a PRNG, paths. */
#include "bench.h"

/* ------------------------------------------------------------------------ */
/* small helpers                                                             */
/* ------------------------------------------------------------------------ */

int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

_Atomic int *g_peer_failed;  /* hand-off: tells the other process to stop */

void die(const char *fmt, ...)
{
    if (g_peer_failed) atomic_store(g_peer_failed, 1);
    va_list ap;
    va_start(ap, fmt);
    fputs("lock_bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

void check_fl(int rc, const char *what)
{
    if (rc != FL_OK) die("%s: %s (%s)", what, fl_strerror(rc), fl_last_error_message());
}

int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* p-th quantile (0..1) of a sorted array, nearest rank. */
double quantile(const double *sorted, size_t n, double p)
{
    if (n == 0) return 0;
    size_t i = (size_t)(p * (double)n);
    if (i >= n) i = n - 1;
    return sorted[i];
}

double median_of(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    if (n == 0) return 0;
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

uint64_t rng_state;
uint64_t rng_next(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

void sleep_us(int64_t us)
{
    struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (!p) die("out of memory");
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}
