/*
 * batch_bench - throughput of fl_batch_run on many small files with a
 * trivial callback, with locking on and off, at 1, 2 and 4 workers.  The
 * difference is what the per-file lock (create, flock, record write,
 * identity check, unlink) costs a batch.
 *
 * Usage: batch_bench [--files N] [--runs R] [DIR]
 *   N files (default 10000) are created in a fresh directory under DIR
 *   (default $TMPDIR or /tmp) and removed at the end.  Every (workers,
 *   locking) pair runs R times (default 5), interleaved round by round so
 *   that drift in the machine affects both modes alike; medians are printed.
 *
 * Figures:
 *   files/s        N / median wall time of one fl_batch_run.
 *   overhead/file  (t_on - t_off) / N: wall-clock cost of locking per file
 *                  at that worker count (what a user of the batch waits).
 *   x workers      (t_on - t_off) * workers / N: the same per worker thread,
 *                  roughly the locking work each file costs one thread.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "filelock.h"

enum { kMaxRuns = 51 };
static const size_t kWorkers[] = {1, 2, 4};
#define NWORKERS (sizeof kWorkers / sizeof kWorkers[0])

static int64_t now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int trivial_cb(const char *path, void *user_data)
{
    (void)path;
    (void)user_data;
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int64_t median(int64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_i64);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static fl_batch *make_batch(int locking, size_t workers)
{
    fl_config *cfg = NULL;
    fl_batch *b = NULL;
    if (fl_config_new(&cfg, FL_CONFIG_IGNORE_ENV) != FL_OK ||
        fl_config_set(cfg, "enabled", locking ? "true" : "false") != FL_OK ||
        fl_config_set(cfg, "cleanup_stale_locks", "false") != FL_OK ||
        fl_batch_new(&b, cfg) != FL_OK || fl_batch_set_workers(b, workers) != FL_OK) {
        fprintf(stderr, "batch_bench: setup failed: %s\n", fl_last_error_message());
        exit(1);
    }
    fl_config_free(cfg);
    return b;
}

/* One timed run; every file must come back done. */
static int64_t timed_run(fl_batch *b, const char *const *paths, size_t n)
{
    fl_batch_results *res = NULL;
    int64_t t0 = now_us();
    int rc = fl_batch_run(b, paths, n, trivial_cb, NULL, &res);
    int64_t t = now_us() - t0;
    if (rc != FL_OK || res->done != n) {
        fprintf(stderr, "batch_bench: run failed (rc %d, %zu of %zu done): %s\n", rc,
                res ? res->done : 0, n, res && res->count ? res->items[0]->message : "");
        exit(1);
    }
    fl_batch_results_free(res);
    return t;
}

static void usage(void)
{
    fputs("usage: batch_bench [--files N] [--runs R] [DIR]\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    size_t files = 10000;
    int runs = 5;
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--files") == 0 && i + 1 < argc) files = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) runs = atoi(argv[++i]);
        else if (argv[i][0] == '-') usage();
        else base = argv[i];
    }
    if (files == 0 || runs < 1 || runs > kMaxRuns) usage();

    char dir[4096];
    snprintf(dir, sizeof dir, "%s/batch_bench-XXXXXX", base);
    if (!mkdtemp(dir)) {
        fprintf(stderr, "batch_bench: mkdtemp %s: %s\n", dir, strerror(errno));
        return 1;
    }
    char **paths = calloc(files, sizeof *paths);
    if (!paths) return 1;
    for (size_t i = 0; i < files; i++) {
        if (asprintf(&paths[i], "%s/f%05zu.dat", dir, i) < 0) return 1;
        FILE *f = fopen(paths[i], "w");
        if (!f || fputs("x\n", f) < 0 || fclose(f) != 0) {
            fprintf(stderr, "batch_bench: cannot create %s\n", paths[i]);
            return 1;
        }
    }

    /* t[w][locking][run] */
    static int64_t t[NWORKERS][2][kMaxRuns];
    fl_batch *batches[NWORKERS][2];
    for (size_t w = 0; w < NWORKERS; w++)
        for (int on = 0; on < 2; on++) batches[w][on] = make_batch(on, kWorkers[w]);
    timed_run(batches[0][1], (const char *const *)paths, files); /* warm the caches */
    for (int r = 0; r < runs; r++)
        for (size_t w = 0; w < NWORKERS; w++)
            for (int on = 0; on < 2; on++)
                t[w][on][r] = timed_run(batches[w][on], (const char *const *)paths, files);

    printf("batch_bench: %zu files, trivial callback, median of %d runs, %ld CPUs, dir %s\n",
           files, runs, sysconf(_SC_NPROCESSORS_ONLN), base);
    printf("%-8s %14s %14s %16s %14s\n", "workers", "off files/s", "on files/s",
           "overhead/file", "x workers");
    for (size_t w = 0; w < NWORKERS; w++) {
        int64_t off = median(t[w][0], runs), on = median(t[w][1], runs);
        double per_file = (double)(on - off) / (double)files;
        printf("%-8zu %14.0f %14.0f %13.2f us %11.2f us\n", kWorkers[w],
               (double)files * 1e6 / (double)off, (double)files * 1e6 / (double)on, per_file,
               per_file * (double)kWorkers[w]);
    }
    printf("overhead/file = (t_on - t_off) / files (wall clock); x workers = that * workers\n");

    for (size_t w = 0; w < NWORKERS; w++)
        for (int on = 0; on < 2; on++) fl_batch_free(batches[w][on]);
    for (size_t i = 0; i < files; i++) {
        unlink(paths[i]);
        free(paths[i]);
    }
    free(paths);
    rmdir(dir);
    return 0;
}
