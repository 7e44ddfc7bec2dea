/* handoff.c - part 2: two-process hand-off latency. */
#include "bench.h"

/* ------------------------------------------------------------------------ */
/* 2. two-process hand-off                                                   */
/* ------------------------------------------------------------------------ */

const char *const h_names[H_N] = {
    "floor remove (flock wait + protocol)",
    "ours remove, timeout",
    "ours remove, forever",
    "floor keep (plain blocking flock)",
    "  context: keep + protocol (A3-A4) floor",
    "ours keep, timeout",
    "ours keep, forever"};
static const char *const h_files[H_N] = {"h-floor-rm",         "h-ours-rm-fin",   "h-ours-rm-inf",
                                         "h-floor-keep",       "h-floor-keep-pr", "h-ours-keep-fin",
                                         "h-ours-keep-inf"};

typedef struct {
    _Atomic int64_t t_release;
    _Atomic int barrier;
    _Atomic int failed;
    /* followed by: _Atomic int ready[total], got[total]; double lat[H_N][per_variant] */
} h_shm;

typedef struct {
    h_shm *s;
    _Atomic int *ready, *got;
    double *lat;  /* [H_N][per_variant] */
    size_t per_variant;
    int me;
    int barrier_gen;
} h_ctx;

static void spin_until(h_ctx *h, _Atomic int *flag)
{
    int64_t start = 0;
    for (unsigned i = 0; !atomic_load_explicit(flag, memory_order_acquire); ++i) {
        if (atomic_load(&h->s->failed)) _exit(3);
        sched_yield();
        if ((i & 1023) == 1023) {
            int64_t t = now_ns();
            if (!start)
                start = t;
            else if (t - start > (int64_t)60 * 1000000000) {
                atomic_store(&h->s->failed, 1);
                fprintf(stderr, "lock_bench: hand-off stalled (peer gone?)\n");
                _exit(3);
            }
        }
    }
}

static void barrier(h_ctx *h)
{
    h->barrier_gen += 2;
    atomic_fetch_add(&h->s->barrier, 1);
    int64_t start = now_ns();
    while (atomic_load(&h->s->barrier) < h->barrier_gen) {
        if (atomic_load(&h->s->failed)) _exit(3);
        sched_yield();
        if (now_ns() - start > (int64_t)60 * 1000000000) {
            atomic_store(&h->s->failed, 1);
            fprintf(stderr, "lock_bench: hand-off barrier stalled\n");
            _exit(3);
        }
    }
}

static void h_fail(h_ctx *h, const char *what, int rc)
{
    atomic_store(&h->s->failed, 1);
    fprintf(stderr, "lock_bench: process %d: %s: %s (%s)\n", h->me, what, fl_strerror(rc),
            fl_last_error_message());
    _exit(3);
}

typedef struct {
    fl_lock *ours[H_N];
    floor_lock floor[H_N];
} h_locks;

int h_is_floor(int v)
{
    return v == H_FLOOR_RM || v == H_FLOOR_KEEP || v == H_FLOOR_KEEP_PROTO;
}
static int h_removes(int v) { return v <= H_OURS_RM_INF; }
static int64_t h_timeout(const settings *st, int v)
{
    return (v == H_OURS_RM_FIN || v == H_OURS_KEEP_FIN) ? st->finite_timeout_ms : FL_WAIT_FOREVER;
}

/* The keep-mode floor holds one descriptor open for the whole run and only
 * flocks/unlocks it, as a plain flock user would. */
static void h_take(h_ctx *h, h_locks *L, const settings *st, int v, int block, int *retired)
{
    if (v == H_FLOOR_KEEP) {
        if (flock(L->floor[v].fd, block ? LOCK_EX : LOCK_EX | LOCK_NB) != 0)
            h_fail(h, "plain flock", FL_EBUSY);
    } else if (v == H_FLOOR_RM || v == H_FLOOR_KEEP_PROTO) {
        if (floor_acquire(&L->floor[v], block, retired) != 0) h_fail(h, "floor acquire", FL_EBUSY);
    } else {
        int rc = fl_acquire(L->ours[v], block ? h_timeout(st, v) : 0);
        if (rc != FL_OK) h_fail(h, "fl_acquire", rc);
    }
}

static void h_give(h_locks *L, int v)
{
    if (v == H_FLOOR_KEEP)
        flock(L->floor[v].fd, LOCK_UN);
    else if (v == H_FLOOR_RM || v == H_FLOOR_KEEP_PROTO)
        floor_release(&L->floor[v], v == H_FLOOR_RM);
    else
        fl_release(L->ours[v]);
}

/* Both processes run this with the same schedule.  Per (round, variant):
 * process 0 takes the lock; then hand-off j has releaser j%2 and the other
 * process as waiter; with an even count process 0 holds at the end and lets go. */
static void h_run(h_ctx *h, const settings *st, const char *rec, size_t rec_len)
{
    rng_state = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)getpid() << 17) ^ (uint64_t)now_ns();
    if (!rng_state) rng_state = 1;
    h_locks L;
    fl_options *keep_opts = NULL;
    check_fl(fl_options_new(&keep_opts), "fl_options_new");
    check_fl(fl_options_set_remove_on_release(keep_opts, 0), "fl_options_set_remove_on_release");
    for (int v = 0; v < H_N; ++v) {
        char *target = join(st->dir, h_files[v]);
        L.ours[v] = NULL;
        L.floor[v] = floor_init(NULL, rec, rec_len, v == H_FLOOR_RM);
        if (h_is_floor(v)) {
            size_t n = strlen(target) + 6;
            char *p = malloc(n);
            snprintf(p, n, "%s.lock", target);
            L.floor[v].path = p;
            if (v == H_FLOOR_KEEP) {
                L.floor[v].fd = open(p, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
                if (L.floor[v].fd < 0) die("open %s: %s", p, strerror(errno));
            }
        } else {
            check_fl(fl_lock_new(&L.ours[v], target, h_removes(v) ? NULL : keep_opts), "fl_lock_new");
        }
        free(target);
    }
    fl_options_free(keep_opts);

    const int K = st->ho_per_round;
    size_t g = 0;  /* global hand-off index: same in both processes */
    for (int r = 0; r <= st->ho_rounds; ++r) {  /* round 0 is a warm-up, not recorded */
        for (int k = 0; k < H_N; ++k) {
            int v = (r + k) % H_N;
            barrier(h);
            if (h->me == 0) h_take(h, &L, st, v, 0, NULL);
            barrier(h);
            for (int j = 0; j < K; ++j, ++g) {
                if (h->me == j % 2) {  /* holder: let the waiter block, then release */
                    spin_until(h, &h->ready[g]);
                    int64_t span = st->hold_max_us - st->hold_min_us + 1;
                    sleep_us(st->hold_min_us + (int64_t)(rng_next() % (uint64_t)span));
                    atomic_store_explicit(&h->s->t_release, now_ns(), memory_order_release);
                    h_give(&L, v);
                    spin_until(h, &h->got[g]);
                } else {  /* waiter */
                    int retired = -1;
                    atomic_store_explicit(&h->ready[g], 1, memory_order_release);
                    h_take(h, &L, st, v, 1, &retired);
                    int64_t t = now_ns();
                    int64_t t0 = atomic_load_explicit(&h->s->t_release, memory_order_acquire);
                    if (r > 0) h->lat[(size_t)v * h->per_variant + (size_t)(r - 1) * K + j] = (double)(t - t0) / 1000.0;
                    atomic_store_explicit(&h->got[g], 1, memory_order_release);
                    if (retired >= 0) close(retired);  /* freeing the removed file: after the stamp */
                }
            }
            if (h->me == 0) h_give(&L, v);
        }
    }
    barrier(h);
    for (int v = 0; v < H_N; ++v) {
        if (L.ours[v]) {
            if (h->me == 0 && !h_removes(v)) unlink(fl_lock_path(L.ours[v]));  /* kept file */
            fl_lock_free(L.ours[v]);
        }
        if (L.floor[v].fd >= 0) close(L.floor[v].fd);
        if (L.floor[v].path) {
            if (h->me == 0) unlink(L.floor[v].path);
            free((char *)L.floor[v].path);
        }
    }
}


void run_handoff(const settings *st, const char *rec, size_t rec_len, h_result *out)
{
    const size_t K = (size_t)st->ho_per_round;
    const size_t per_variant = (size_t)st->ho_rounds * K;
    const size_t total = (size_t)(st->ho_rounds + 1) * H_N * K;
    size_t bytes = sizeof(h_shm) + 2 * total * sizeof(_Atomic int) + 8 /* align */ +
                   (size_t)H_N * per_variant * sizeof(double);
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) die("mmap: %s", strerror(errno));
    h_ctx h;
    memset(&h, 0, sizeof h);
    h.s = mem;
    h.ready = (_Atomic int *)((char *)mem + sizeof(h_shm));
    h.got = h.ready + total;
    uintptr_t lat_at = (uintptr_t)(h.got + total);
    lat_at = (lat_at + 7) & ~(uintptr_t)7;
    h.lat = (double *)lat_at;
    h.per_variant = per_variant;
    g_peer_failed = &h.s->failed;

    fflush(stdout);
    pid_t c = fork();
    if (c < 0) die("fork: %s", strerror(errno));
    h.me = c == 0 ? 1 : 0;
    if (c == 0) {
        h_run(&h, st, rec, rec_len);
        _exit(0);
    }
    h_run(&h, st, rec, rec_len);
    int status = 0;
    waitpid(c, &status, 0);
    if (atomic_load(&h.s->failed) || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("hand-off measurement failed");

    double *tmp = malloc(per_variant * sizeof(double));
    for (int v = 0; v < H_N; ++v) {
        memcpy(tmp, h.lat + (size_t)v * per_variant, per_variant * sizeof(double));
        qsort(tmp, per_variant, sizeof(double), cmp_double);
        out->p50[v] = quantile(tmp, per_variant, 0.50);
        out->p99[v] = quantile(tmp, per_variant, 0.99);
        out->max[v] = tmp[per_variant - 1];
    }
    out->n = per_variant;
    free(tmp);
    g_peer_failed = NULL;
    munmap(mem, bytes);
    printf("hand-off:    %d rounds x %zu hand-offs per variant (+1 warm-up round), holder waits "
           "%d..%d us before releasing, timeout variant %lld ms\n",
           st->ho_rounds, K, st->hold_min_us, st->hold_max_us, (long long)st->finite_timeout_ms);
}
