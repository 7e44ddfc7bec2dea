/* etcd_tool.c - a client of the public API that the etcd tests run as real
 * processes.
 *
 *   etcd_tool loop URL NAME COUNT LOG [HOLD_US] [TTL_MS]
 *       COUNT times: acquire (no time limit), append "enter PID TOKEN" and
 *       "exit PID TOKEN" lines around a hold to LOG (O_APPEND), release.
 *   etcd_tool serve URL NAME [TTL_MS] [shared]
 *       one handle driven by commands on stdin, one answer line each:
 *       acquire [MS] | acquire-cancel MS (a thread fires the options'
 *       fl_cancel after MS) | release | check | token | held | fork (a
 *       child releases and frees its copy of the handle; value: its exit
 *       status) | quit.  Answers are "<command> <rc> <value> [message]";
 *       the lost callback prints "lost TOKEN".
 *   etcd_tool list URL [NAME]
 *       fl_scan on the backend: one line "held|waiting HOST TOKEN NAME" per key.
 *   etcd_tool fenced-write STORE TOKEN TEXT
 *       the protected resource: append TEXT to STORE unless TOKEN is below
 *       the highest token STORE has accepted (exit 3: refused).
 */
#include <fcntl.h>
#include <filelock.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *line)
{
    /* One write per line: the renewal thread may print too. */
    if (write(1, line, strlen(line)) < 0) exit(2);
}

static void on_lost(const char *path, int64_t token, void *data)
{
    char b[64];
    (void)path;
    (void)data;
    snprintf(b, sizeof b, "lost %" PRId64 "\n", token);
    say(b);
}

static fl_cancel *cancel;

static void *fire_later(void *ms)
{
    usleep((useconds_t)(*(long *)ms * 1000));
    fl_cancel_fire(cancel);
    return NULL;
}

static fl_lock *open_lock(const char *url, const char *name, int64_t ttl_ms, int shared)
{
    fl_options *o = NULL;
    fl_lock *l = NULL;
    if (fl_cancel_new(&cancel) != FL_OK) exit(2);
    if (fl_options_new(&o) != FL_OK || fl_options_set_backend(o, url) != FL_OK ||
        fl_options_set_cancel(o, cancel) != FL_OK ||
        (ttl_ms > 0 && fl_options_set_lease_ttl_ms(o, ttl_ms) != FL_OK) ||
        fl_options_set_shared(o, shared) != FL_OK ||
        fl_options_set_lost_callback(o, on_lost, NULL) != FL_OK) {
        fprintf(stderr, "options: %s\n", fl_last_error_message());
        exit(2);
    }
    int rc = fl_lock_new(&l, name, o);
    fl_options_free(o);
    if (rc != FL_OK) {
        fprintf(stderr, "fl_lock_new: %s: %s\n", fl_strerror(rc), fl_last_error_message());
        exit(4);
    }
    return l;
}

static int loop(int argc, char **argv)
{
    if (argc < 6) return 2;
    long count = atol(argv[4]);
    long hold_us = argc > 6 ? atol(argv[6]) : 0;
    int64_t ttl = argc > 7 ? atoll(argv[7]) : 0;
    fl_lock *l = open_lock(argv[2], argv[3], ttl, 0);
    int fd = open(argv[5], O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd < 0) return 2;
    for (long i = 0; i < count; i++) {
        int rc = fl_acquire(l, FL_WAIT_FOREVER);
        if (rc != FL_OK) {
            fprintf(stderr, "acquire: %s: %s\n", fl_strerror(rc), fl_last_error_message());
            return 1;
        }
        int64_t token = 0;
        fl_lock_fencing_token(l, &token);
        char b[96];
        int n = snprintf(b, sizeof b, "enter %d %" PRId64 "\n", (int)getpid(), token);
        if (write(fd, b, (size_t)n) != n) return 2;
        if (hold_us) usleep((useconds_t)hold_us);
        n = snprintf(b, sizeof b, "exit %d %" PRId64 "\n", (int)getpid(), token);
        if (write(fd, b, (size_t)n) != n) return 2;
        rc = fl_release(l);
        if (rc != FL_OK) {
            fprintf(stderr, "release: %s: %s\n", fl_strerror(rc), fl_last_error_message());
            return 1;
        }
    }
    fl_lock_free(l);
    return 0;
}

static int serve(int argc, char **argv)
{
    if (argc < 4) return 2;
    int64_t ttl = argc > 4 ? atoll(argv[4]) : 0;
    int shared = argc > 5 && strcmp(argv[5], "shared") == 0;
    fl_lock *l = open_lock(argv[2], argv[3], ttl, shared);
    char line[256], out[1200];
    say("ready\n");
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        int rc = 0;
        int64_t v = 0;
        if (strncmp(line, "acquire-cancel ", 15) == 0) {
            long ms = atol(line + 15);
            pthread_t t;
            pthread_create(&t, NULL, fire_later, &ms);
            rc = fl_acquire(l, FL_WAIT_FOREVER);
            pthread_join(t, NULL);
            fl_cancel_reset(cancel);
        } else if (strcmp(line, "fork") == 0) {
            pid_t pid = fork();
            if (pid == 0) {
                int r = fl_release(l);
                fl_lock_free(l);
                exit(r == FL_EFORKED ? 0 : 1);
            }
            int st = 0;
            waitpid(pid, &st, 0);
            v = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        } else if (strncmp(line, "acquire", 7) == 0) {
            rc = fl_acquire(l, line[7] ? atoll(line + 8) : FL_WAIT_FOREVER);
            if (rc == FL_OK) fl_lock_fencing_token(l, &v);
        } else if (strcmp(line, "release") == 0) {
            rc = fl_release(l);
        } else if (strcmp(line, "check") == 0) {
            rc = fl_lock_check(l);
        } else if (strcmp(line, "token") == 0) {
            rc = fl_lock_fencing_token(l, &v);
        } else if (strcmp(line, "held") == 0) {
            rc = fl_lock_is_held(l);
        } else if (strcmp(line, "quit") == 0) {
            break;
        } else {
            say("unknown\n");
            continue;
        }
        snprintf(out, sizeof out, "%s %d %" PRId64 " %s\n", line, rc, v,
                 rc < 0 ? fl_last_error_message() : "");
        say(out);
    }
    fl_lock_free(l);
    fl_cancel_free(cancel);
    return 0;
}

static int list(int argc, char **argv)
{
    if (argc < 3) return 2;
    fl_scan_options *so = NULL;
    fl_lock_list *l = NULL;
    if (fl_scan_options_new(&so) != FL_OK || fl_scan_options_set_backend(so, argv[2]) != FL_OK) return 2;
    int rc = fl_scan(argc > 3 ? argv[3] : NULL, so, &l);
    fl_scan_options_free(so);
    if (rc != FL_OK) {
        fprintf(stderr, "fl_scan: %s: %s\n", fl_strerror(rc), fl_last_error_message());
        return 1;
    }
    for (size_t i = 0; i < l->count; i++) {
        const fl_lock_info *x = l->items[i];
        printf("%s %s %" PRId64 " %s\n", x->held == 1 ? "held" : "waiting", x->host, x->fencing_token,
               x->target_path);
    }
    fl_lock_list_free(l);
    return 0;
}

/* The resource side of fencing: it remembers the highest token it took. */
static int fenced_write(int argc, char **argv)
{
    if (argc < 5) return 2;
    int64_t token = atoll(argv[3]);
    int fd = open(argv[2], O_RDWR | O_CREAT, 0644);
    if (fd < 0 || flock(fd, LOCK_EX) != 0) return 2;
    char buf[4096] = {0};
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    int64_t highest = n > 0 ? atoll(buf) : 0;
    if (token < highest) {
        fprintf(stderr, "refused: token %" PRId64 " < %" PRId64 "\n", token, highest);
        return 3;
    }
    const char *rest = n > 0 && strchr(buf, '\n') ? strchr(buf, '\n') + 1 : "";
    char out[8192];
    int len = snprintf(out, sizeof out, "%" PRId64 "\n%s%s\n", token, rest, argv[4]);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, out, (size_t)len, 0) != len) return 2;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "loop") == 0) return loop(argc, argv);
    if (argc > 1 && strcmp(argv[1], "serve") == 0) return serve(argc, argv);
    if (argc > 1 && strcmp(argv[1], "fenced-write") == 0) return fenced_write(argc, argv);
    if (argc > 1 && strcmp(argv[1], "list") == 0) return list(argc, argv);
    fprintf(stderr, "usage: etcd_tool loop|serve|list|fenced-write ...\n");
    return 2;
}
