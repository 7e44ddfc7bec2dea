/* floor.c - the floor: the protocol's syscalls, nothing else. */
#include "bench.h"

/* ------------------------------------------------------------------------ */
/* the floor: the protocol's syscalls, nothing else                          */
/* ------------------------------------------------------------------------ */


floor_lock floor_init(const char *path, const char *rec, size_t rec_len, int expect_absent)
{
    return (floor_lock){path, rec, rec_len, -1, 0, 0, -1, expect_absent};
}

const char *floor_name(const floor_lock *l)
{
    const char *slash = strrchr(l->path, '/');
    return slash ? slash + 1 : l->path;
}

/* A0: open the directory (by path, once per acquire). */
void floor_open_dir(floor_lock *l)
{
    if (l->dirfd >= 0) return;
    const char *slash = strrchr(l->path, '/');
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - l->path) : 1, slash ? l->path : ".");
    l->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (l->dirfd < 0) die("floor open dir %s: %s", dir, strerror(errno));
}

/* A1: O_CREAT|O_EXCL (never opens what is there), else look (fstatat),
 * then open what was looked at; fstat what was opened. */
int floor_open(floor_lock *l)
{
    const int acc = O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
    int create = l->expect_absent;
    for (;;) {
        if (create) {
            int fd = openat(l->dirfd, floor_name(l), acc | O_CREAT | O_EXCL, 0644);
            if (fd >= 0) return fd;
            if (errno != EEXIST) die("floor create %s: %s", l->path, strerror(errno));
            create = 0;
        }
        struct stat pre;
        if (fstatat(l->dirfd, floor_name(l), &pre, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno != ENOENT) die("floor fstatat: %s", strerror(errno));
            create = 1;
            continue;
        }
        int fd = openat(l->dirfd, floor_name(l), acc);
        if (fd >= 0) return fd;
        if (errno != ENOENT) die("floor open %s: %s", l->path, strerror(errno));
        create = 1;
    }
}

/* A1-A4 with a non-blocking attempt; on contention (and block != 0) waits
 * in flock(LOCK_EX) and then re-checks identity as the protocol says.
 * A descriptor of a removed file is parked in *retired (closed later,
 * off the measured path).  Returns 0 held, 1 busy (block == 0). */
int floor_acquire(floor_lock *l, int block, int *retired)
{
    floor_open_dir(l);
    for (;;) {
        int fd = floor_open(l);
        struct stat a, b;
        if (fstat(fd, &a) != 0) die("floor fstat: %s", strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK) die("floor flock: %s", strerror(errno));
            if (!block) {
                close(fd);
                close(l->dirfd);
                l->dirfd = -1;
                return 1;
            }
            if (flock(fd, LOCK_EX) != 0) die("floor flock (blocking): %s", strerror(errno));
        }
        if (fstatat(l->dirfd, floor_name(l), &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino && b.st_nlink == 1) {
            if (b.st_size > 0) {  /* A4: look at what is there before writing */
                char buf[4097];
                if (pread(fd, buf, sizeof buf, 0) < 0) die("floor pread: %s", strerror(errno));
            }
            if (pwrite(fd, l->rec, l->rec_len, 0) != (ssize_t)l->rec_len)
                die("floor pwrite: %s", strerror(errno));
            if (ftruncate(fd, (off_t)l->rec_len) != 0) die("floor ftruncate: %s", strerror(errno));
            l->fd = fd;
            l->dev = a.st_dev;
            l->ino = a.st_ino;
            return 0;
        }
        /* released-and-removed under us: start over on the new file */
        flock(fd, LOCK_UN);
        if (retired && *retired < 0)
            *retired = fd;
        else
            close(fd);
    }
}

/* C2-C3: identity check, content still our record, unlink while holding
 * (if remove), unlock, close. */
void floor_release(floor_lock *l, int remove)
{
    if (remove) {
        struct stat b;
        char buf[4097];
        if (fstatat(l->dirfd, floor_name(l), &b, AT_SYMLINK_NOFOLLOW) == 0 && b.st_dev == l->dev &&
            b.st_ino == l->ino && b.st_nlink == 1 && b.st_size == (off_t)l->rec_len &&
            pread(l->fd, buf, sizeof buf, 0) == (ssize_t)l->rec_len && !memcmp(buf, l->rec, l->rec_len))
            unlinkat(l->dirfd, floor_name(l), 0);
    }
    flock(l->fd, LOCK_UN);
    close(l->fd);
    l->fd = -1;
    close(l->dirfd);
    l->dirfd = -1;
}
