// posix_dir.cpp - lock files acted on through their directory's descriptor
// (openat, fstatat, unlinkat).  The directory is opened once, by the path
// the caller gave; everything after that names an entry in that directory,
// so a directory on the way swapped for a symlink between a check and an act
// cannot move the act somewhere else (PROTOCOL A, C, H: directory
// descriptors).
#include "platform.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "error.hpp"
#include "filelock.h"
#include "posix_detail.hpp"

namespace filelock::platform {

using detail::fill_stat;
using detail::kind_of;

namespace {

// A directory descriptor that needs no read permission where the system
// has O_PATH: locking in a write+search-only directory works.
#ifdef O_PATH
constexpr int kDirFlags = O_PATH | O_DIRECTORY | O_CLOEXEC;
#else
constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
#endif

int retry_open(int dirfd, const char *name, int flags, mode_t mode = 0)
{
    int fd;
    do {
        fd = ::openat(dirfd, name, flags, mode);
    } while (fd < 0 && errno == EINTR);
    return fd;
}

int refuse(const std::string &path, const struct stat &s)
{
    if (S_ISREG(s.st_mode) && s.st_nlink > 1)
        return fail(FL_EUNSAFE, "lock path " + path + " has " + std::to_string(s.st_nlink) +
                                    " hard links: it is another file's name too, so it is not "
                                    "taken as a lock file; left untouched");
    return fail(FL_EUNSAFE, "lock path " + path + " is a " + kind_of(s.st_mode) +
                                ", not a regular file; left untouched");
}

// fstat an opened descriptor; on failure it is closed and the error set.
int stat_opened(int fd, const std::string &path, struct stat *s)
{
    if (::fstat(fd, s) == 0) return FL_OK;
    int err = errno;
    ::close(fd);
    return fail_errno(err, "cannot stat", path);
}

bool acceptable(const struct stat &s)
{
    return S_ISREG(s.st_mode) && s.st_nlink <= 1;
}

} // namespace

void Dir::close()
{
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

int Dir::open(const std::string &path, Dir *out)
{
    out->close();
    int fd = retry_open(AT_FDCWD, path.c_str(), kDirFlags);
    if (fd < 0) {
        if (errno == ENOTDIR) return fail(FL_EINVAL, path + " is not a directory");
        return fail_errno(errno, "cannot open directory", path);
    }
    out->fd_ = fd;
    out->path_ = path;
    return FL_OK;
}

int Dir::open_subdir(const std::string &name, Dir *out) const
{
    out->close();
    const std::string path = entry_path(name);
    int fd = retry_open(fd_, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        if (err == ELOOP) return fail(FL_EUNSAFE, path + " is a symlink; not followed");
        if (err == ENOTDIR) {
            // O_NOFOLLOW|O_DIRECTORY on a symlink gives ENOTDIR on some systems.
            struct stat s;
            if (::fstatat(fd_, name.c_str(), &s, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(s.st_mode))
                return fail(FL_EUNSAFE, path + " is a symlink; not followed");
            return fail(FL_EINVAL, path + " is not a directory");
        }
        return fail_errno(err, "cannot open directory", path);
    }
    out->fd_ = fd;
    out->path_ = path;
    return FL_OK;
}

int Dir::stat(FileStat *st) const
{
    struct stat s;
    if (::fstat(fd_, &s) != 0) return fail_errno(errno, "cannot stat directory", path_);
    fill_stat(s, st);
    return FL_OK;
}

int Dir::stat_entry(const std::string &name, FileStat *st) const
{
    struct stat s;
    if (::fstatat(fd_, name.c_str(), &s, AT_SYMLINK_NOFOLLOW) != 0)
        return fail_errno(errno, "cannot stat", entry_path(name));
    fill_stat(s, st);
    return FL_OK;
}

int Dir::entry_is(const std::string &name, const FileId &id, FileStat *st) const
{
    struct stat s;
    if (::fstatat(fd_, name.c_str(), &s, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) return 0;
        return fail_errno(errno, "cannot stat", entry_path(name));
    }
    if (st) fill_stat(s, st);
    return static_cast<uint64_t>(s.st_dev) == id.dev && static_cast<uint64_t>(s.st_ino) == id.ino &&
                   (s.st_nlink == 1 || S_ISDIR(s.st_mode))
               ? 1 : 0;
}

int Dir::open_lock(const std::string &name, const OpenHow &how, Handle *out, FileStat *st) const
{
    const std::string path = entry_path(name);
    const int access = (how.write ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
    const mode_t mode = static_cast<mode_t>(how.mode & 07777);
    bool try_create = how.create && how.expect_absent;
    // Files appear and vanish under us (holders create and remove them);
    // each turn of this loop is someone else's progress.  A path that keeps
    // flipping for this long is being played with.
    detail::ForkGate gate;  // tracked before any fork can copy it
    if (how.directory) {
        int fd = retry_open(fd_, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            int err = errno;
            if (err == ENOTDIR || err == ELOOP)
                return fail(FL_EUNSAFE, "lock path " + path + " is no longer a directory");
            return fail_errno(err, "cannot open directory", path);
        }
        struct stat s;
        if (int rc = stat_opened(fd, path, &s); rc != FL_OK) return rc;
        fill_stat(s, st);
        detail::track_handle(fd);
        *out = fd;
        return FL_OK;
    }
    for (int turn = 0; turn < 10000; ++turn) {
        int fd = -1;
        if (try_create) {
            // O_EXCL never follows a symlink and only ever opens a file it
            // has just created: nothing that was there is opened.
            fd = retry_open(fd_, name.c_str(), access | O_CREAT | O_EXCL, mode);
            if (fd < 0 && errno != EEXIST) {
                int err = errno;
                if (err == EISDIR) return fail(FL_EUNSAFE, "lock path " + path + " is a directory");
                return fail_errno(err, "cannot create lock file", path);
            }
            try_create = false;
        }
        if (fd < 0) {
            // Look before opening: opening a FIFO releases a writer blocked
            // on it (and loses its data); opening a device may rewind a tape.
            struct stat pre;
            if (::fstatat(fd_, name.c_str(), &pre, AT_SYMLINK_NOFOLLOW) != 0) {
                if (errno == ENOENT && how.create) {
                    try_create = true;
                    continue;
                }
                return fail_errno(errno, "cannot stat", path);
            }
            if (!acceptable(pre)) return refuse(path, pre);
            fd = retry_open(fd_, name.c_str(), access);
            if (fd < 0) {
                int err = errno;
                if (err == ENOENT && how.create) {
                    try_create = true;
                    continue;
                }
                if (err == ELOOP) return fail(FL_EUNSAFE, "lock path " + path + " is a symlink; refusing to follow it");
                if (err == EISDIR) return fail(FL_EUNSAFE, "lock path " + path + " is a directory");
                if (err == ENXIO || err == ENODEV || err == ETXTBSY)
                    return fail(FL_EUNSAFE, "lock path " + path + " is not a regular file");
                return fail_errno(err, "cannot open lock file", path);
            }
        }
        struct stat s;
        if (int rc = stat_opened(fd, path, &s); rc != FL_OK) return rc;
        if (!acceptable(s)) {
            ::close(fd);
            return refuse(path, s);
        }
        fill_stat(s, st);
        detail::track_handle(fd);
        *out = fd;
        return FL_OK;
    }
    return fail(FL_EIO, "lock path " + path + " keeps being created and removed; gave up opening it");
}

int Dir::read_small(const std::string &name, size_t cap, std::string *out, FileStat *st) const
{
    const std::string path = entry_path(name);
    // Look before opening (see open_lock).
    struct stat pre;
    if (::fstatat(fd_, name.c_str(), &pre, AT_SYMLINK_NOFOLLOW) != 0)
        return fail_errno(errno, "cannot stat", path);
    if (!S_ISREG(pre.st_mode)) {
        fill_stat(pre, st);
        return fail(FL_EUNSAFE, path + " is a " + st->kind + ", not a regular file");
    }
    int fd = retry_open(fd_, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        if (err == ELOOP) return fail(FL_EUNSAFE, path + " is a symlink; not followed");
        return fail_errno(err, "cannot open", path);
    }
    struct stat s;
    if (int rc = stat_opened(fd, path, &s); rc != FL_OK) return rc;
    fill_stat(s, st);
    if (!S_ISREG(s.st_mode)) {
        ::close(fd);
        return fail(FL_EUNSAFE, path + " is a " + st->kind + ", not a regular file");
    }
    int rc = read_handle(fd, cap, out);
    ::close(fd);
    if (rc != FL_OK) return refail(rc, last_error() + " (" + path + ")");
    return FL_OK;
}

int Dir::remove_entry(const std::string &name) const
{
    if (::unlinkat(fd_, name.c_str(), 0) != 0) {
        if (errno == ENOENT) return FL_ENOENT;
        return fail_errno(errno, "cannot remove", entry_path(name));
    }
    return FL_OK;
}

int Dir::list(std::vector<DirEntry> *out) const
{
    // A fresh open of "." (an O_PATH descriptor cannot be read, and a dup
    // would share the read position).
    int fd = retry_open(fd_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return fail_errno(errno, "cannot read directory", path_);
    DIR *d = ::fdopendir(fd);
    if (!d) {
        int err = errno;
        ::close(fd);
        return fail_errno(err, "cannot read directory", path_);
    }
    out->clear();
    errno = 0;
    while (struct dirent *e = ::readdir(d)) {
        if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
        DirEntry::Type t = DirEntry::Type::Unknown;
        if (e->d_type == DT_REG) t = DirEntry::Type::Regular;
        else if (e->d_type == DT_DIR) t = DirEntry::Type::Directory;
        else if (e->d_type != DT_UNKNOWN) t = DirEntry::Type::Other;
        out->push_back(DirEntry{e->d_name, t});
    }
    int err = errno;
    ::closedir(d);
    if (err) return fail_errno(err, "cannot read directory", path_);
    return FL_OK;
}

int Dir::probe_held(const std::string &name) const
{
    struct stat pre;
    if (::fstatat(fd_, name.c_str(), &pre, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(pre.st_mode))
        return -1;
    int fd = retry_open(fd_, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -1;
    int held;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
        ::flock(fd, LOCK_UN);
        held = 0;
    } else {
        held = (errno == EWOULDBLOCK) ? 1 : -1;
    }
    ::close(fd);
    return held;
}

} // namespace filelock::platform
