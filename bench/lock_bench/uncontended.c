/* uncontended.c - part 1: the uncontended acquire+release cycle. */
#include "bench.h"

/* ------------------------------------------------------------------------ */
/* 1. uncontended cycle                                                      */
/* ------------------------------------------------------------------------ */


typedef struct {
    fl_lock *ours[2];     /* remove, keep */
    floor_lock floor[2];  /* remove, keep */
} u_ctx;

static void u_cycles(u_ctx *c, int variant, long n)
{
    switch (variant) {
    case U_OURS_RM:
    case U_OURS_KEEP: {
        fl_lock *l = c->ours[variant == U_OURS_KEEP];
        for (long i = 0; i < n; ++i) {
            int rc = fl_acquire(l, 0);
            if (rc != FL_OK) check_fl(rc, "fl_acquire (uncontended)");
            fl_release(l);
        }
        break;
    }
    default: {
        int keep = variant == U_FLOOR_KEEP;
        floor_lock *l = &c->floor[keep];
        for (long i = 0; i < n; ++i) {
            if (floor_acquire(l, 0, NULL) != 0) die("floor lock unexpectedly busy");
            floor_release(l, !keep);
        }
        break;
    }
    }
}


void run_uncontended(const settings *st, const char *rec, size_t rec_len,
                            fl_lock *ours_rm, fl_lock *ours_keep, u_result *out)
{
    u_ctx c;
    c.ours[0] = ours_rm;
    c.ours[1] = ours_keep;
    char *fp_rm = join(st->dir, "u-floor-rm.lock");
    char *fp_keep = join(st->dir, "u-floor-keep.lock");
    c.floor[0] = floor_init(fp_rm, rec, rec_len, 1);
    c.floor[1] = floor_init(fp_keep, rec, rec_len, 0);

    /* warm up every variant, then size a batch to about batch_ms */
    long n[U_N];
    for (int v = 0; v < U_N; ++v) {
        u_cycles(&c, v, 50);
        int64_t t0 = now_ns();
        u_cycles(&c, v, 200);
        double per = (double)(now_ns() - t0) / 200;
        n[v] = (long)((double)st->batch_ms * 1e6 / (per > 1 ? per : 1));
        if (n[v] < 20) n[v] = 20;
    }
    /* same cycle count for ours and its floor: the smaller of the two */
    long nrm = n[U_OURS_RM] < n[U_FLOOR_RM] ? n[U_OURS_RM] : n[U_FLOOR_RM];
    long nkp = n[U_OURS_KEEP] < n[U_FLOOR_KEEP] ? n[U_OURS_KEEP] : n[U_FLOOR_KEEP];
    n[U_OURS_RM] = n[U_FLOOR_RM] = nrm;
    n[U_OURS_KEEP] = n[U_FLOOR_KEEP] = nkp;

    double *per_round[U_N];
    for (int v = 0; v < U_N; ++v) per_round[v] = calloc((size_t)st->rounds, sizeof(double));
    for (int r = 0; r < st->rounds; ++r) {
        for (int k = 0; k < U_N; ++k) {
            int v = (r + k) % U_N;  /* rotate the order every round */
            int64_t t0 = now_ns();
            u_cycles(&c, v, n[v]);
            per_round[v][r] = (double)(now_ns() - t0) / (double)n[v];
        }
    }
    for (int v = 0; v < U_N; ++v) {
        out->med_ns[v] = median_of(per_round[v], (size_t)st->rounds);
        free(per_round[v]);
    }
    out->ratio_rm = out->med_ns[U_OURS_RM] / out->med_ns[U_FLOOR_RM];
    out->ratio_keep = out->med_ns[U_OURS_KEEP] / out->med_ns[U_FLOOR_KEEP];
    out->record_len = rec_len;
    printf("uncontended: %d rounds, %ld (remove) / %ld (keep) cycles per batch, record %zu bytes\n",
           st->rounds, nrm, nkp, rec_len);
    unlink(fp_rm);
    unlink(fp_keep);
    free(fp_rm);
    free(fp_keep);
}
