/* args.c - the command line and the machine description printed first. */
#include "bench.h"

/* ------------------------------------------------------------------------ */
/* settings                                                                  */
/* ------------------------------------------------------------------------ */


void usage(FILE *f)
{
    fprintf(f,
            "usage: lock_bench [options] [DIR]\n"
            "  DIR                  directory for the lock files (default: a fresh\n"
            "                       directory under /tmp, removed afterwards)\n"
            "  --rounds N           uncontended rounds (default 15)\n"
            "  --batch-ms N         duration of one uncontended batch (default 60)\n"
            "  --handoff-rounds N   hand-off rounds per variant (default 8, plus 1 warm-up)\n"
            "  --handoffs N         hand-offs per variant per round (default 50)\n"
            "  --hold-us MIN:MAX    holder's random hold before releasing (default 200:4000)\n"
            "  --timeout-ms N       finite timeout of the inotify waiter (default 10000)\n"
            "  --peers PATH         also run PATH (peers.py) and print its figures;\n"
            "                       default: $FILELOCK_BENCH_PEERS if set\n"
            "  --python PATH        interpreter for peers.py (default /usr/bin/python3)\n"
            "  --peers-n U:H        peers.py uncontended and hand-off counts (default 10000:40)\n"
            "  --quick              fewer rounds (a smoke run, figures are rougher)\n");
}

static int parse_int_arg(const char *s, const char *name, long lo, long hi)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || !end || *end || v < lo || v > hi) die("bad value for %s: %s", name, s);
    return (int)v;
}

static void parse_pair(const char *s, const char *name, int *a, int *b)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", s);
    char *colon = strchr(buf, ':');
    if (!colon) die("%s wants MIN:MAX, got %s", name, s);
    *colon = 0;
    *a = parse_int_arg(buf, name, 1, 100000000);
    *b = parse_int_arg(colon + 1, name, 1, 100000000);
}

void parse_args(int argc, char **argv, settings *st)
{
    st->dir = NULL;
    st->rounds = 15;
    st->batch_ms = 60;
    st->ho_rounds = 8;
    st->ho_per_round = 50;
    st->hold_min_us = 200;
    st->hold_max_us = 4000;
    st->finite_timeout_ms = 10000;
    st->peers = getenv("FILELOCK_BENCH_PEERS");
    if (st->peers && !*st->peers) st->peers = NULL;
    st->python = "/usr/bin/python3";
    st->peers_uncontended = 10000;
    st->peers_handoff = 40;
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED() do { if (!v) die("%s needs a value", a); ++i; } while (0)
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "--rounds")) {
            NEED(); st->rounds = parse_int_arg(v, a, 1, 1000);
        } else if (!strcmp(a, "--batch-ms")) {
            NEED(); st->batch_ms = parse_int_arg(v, a, 1, 10000);
        } else if (!strcmp(a, "--handoff-rounds")) {
            NEED(); st->ho_rounds = parse_int_arg(v, a, 1, 1000);
        } else if (!strcmp(a, "--handoffs")) {
            NEED(); st->ho_per_round = parse_int_arg(v, a, 2, 100000);
        } else if (!strcmp(a, "--hold-us")) {
            NEED(); parse_pair(v, a, &st->hold_min_us, &st->hold_max_us);
            if (st->hold_max_us < st->hold_min_us) die("--hold-us: MAX < MIN");
        } else if (!strcmp(a, "--timeout-ms")) {
            NEED(); st->finite_timeout_ms = parse_int_arg(v, a, 1, 86400000);
        } else if (!strcmp(a, "--peers")) {
            NEED(); st->peers = v;
        } else if (!strcmp(a, "--python")) {
            NEED(); st->python = v;
        } else if (!strcmp(a, "--peers-n")) {
            NEED(); parse_pair(v, a, &st->peers_uncontended, &st->peers_handoff);
        } else if (!strcmp(a, "--quick")) {
            st->rounds = 5;
            st->batch_ms = 30;
            st->ho_rounds = 3;
            st->ho_per_round = 30;
            st->peers_uncontended = 3000;
            st->peers_handoff = 30;
        } else if (a[0] == '-') {
            usage(stderr);
            die("unknown option %s", a);
        } else if (!st->dir) {
            st->dir = a;
        } else {
            die("more than one directory given");
        }
#undef NEED
    }
    if (st->ho_per_round % 2) ++st->ho_per_round;  /* each round ends with process 0 holding */
}


/* ------------------------------------------------------------------------ */
/* machine description                                                       */
/* ------------------------------------------------------------------------ */

static const char *fs_name(unsigned long t)
{
    switch (t) {
    case 0xEF53UL: return "ext2/3/4";
    case 0x01021994UL: return "tmpfs";
    case 0x58465342UL: return "xfs";
    case 0x9123683EUL: return "btrfs";
    case 0x794C7630UL: return "overlayfs";
    case 0x6969UL: return "nfs";
    case 0x2FC12FC1UL: return "zfs";
    case 0xF2F52010UL: return "f2fs";
    case 0x65735546UL: return "fuse";
    default: return "other";
    }
}

/* Mount entry (type and options) whose mount point is the longest prefix of dir. */
static void mount_of(const char *dir, char *type, size_t tn, char *opts, size_t on)
{
    snprintf(type, tn, "?");
    snprintf(opts, on, "?");
    char real[PATH_MAX];
    if (!realpath(dir, real)) return;
    FILE *f = fopen("/proc/self/mounts", "r");
    if (!f) return;
    char line[4096];
    size_t best = 0;
    while (fgets(line, sizeof line, f)) {
        char dev[1024], mnt[1024], ty[128], op[2048];
        if (sscanf(line, "%1023s %1023s %127s %2047s", dev, mnt, ty, op) != 4) continue;
        size_t ml = strlen(mnt);
        int prefix = strncmp(real, mnt, ml) == 0 &&
                     (ml == 1 || real[ml] == '/' || real[ml] == 0);
        if (prefix && ml >= best) {
            best = ml;
            snprintf(type, tn, "%s", ty);
            snprintf(opts, on, "%s", op);
        }
    }
    fclose(f);
}

double loadavg1(void)
{
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &l) != 1) l = -1;
        fclose(f);
    }
    return l;
}

void print_machine(const settings *st)
{
    struct utsname u;
    uname(&u);
    char date[64];
    time_t t = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S %Z", localtime(&t));
    char load[128] = "?";
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fgets(load, sizeof load, f)) load[strcspn(load, "\n")] = 0;
        fclose(f);
    }
    struct statfs sf;
    unsigned long fst = statfs(st->dir, &sf) == 0 ? (unsigned long)sf.f_type : 0;
    char mtype[128], mopts[2048];
    mount_of(st->dir, mtype, sizeof mtype, mopts, sizeof mopts);
    printf("lock_bench  libfilelock %s  %s\n", fl_version_string(), date);
    printf("machine     %ld CPUs online, %s %s %s, loadavg %s\n", sysconf(_SC_NPROCESSORS_ONLN),
           u.sysname, u.release, u.machine, load);
    printf("directory   %s  (%s, mounted %s %s)\n", st->dir, fs_name(fst), mtype, mopts);
}
