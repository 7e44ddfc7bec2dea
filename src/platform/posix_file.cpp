// posix_file.cpp - lock files through an open descriptor on POSIX: flock(2),
// stat, the record written with pwrite/ftruncate, paths and directories.
#include "platform.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

#include "error.hpp"
#include "filelock.h"
#include "posix_detail.hpp"

namespace filelock::platform {

namespace detail {

bool read_text(const char *path, std::string *out, size_t cap)
{
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    out->clear();
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out->append(buf, static_cast<size_t>(n));
        if (out->size() >= cap) break;
    }
    ::close(fd);
    return true;
}

std::string kind_of(mode_t m)
{
    if (S_ISREG(m)) return "regular file";
    if (S_ISDIR(m)) return "directory";
    if (S_ISLNK(m)) return "symlink";
    if (S_ISFIFO(m)) return "FIFO";
    if (S_ISSOCK(m)) return "socket";
    if (S_ISCHR(m)) return "character device";
    if (S_ISBLK(m)) return "block device";
    return "special file";
}

void fill_stat(const struct stat &s, FileStat *st)
{
    st->id = FileId{static_cast<uint64_t>(s.st_dev), static_cast<uint64_t>(s.st_ino)};
    st->regular = S_ISREG(s.st_mode);
    st->directory = S_ISDIR(s.st_mode);
    st->symlink = S_ISLNK(s.st_mode);
    st->size_bytes = s.st_size;
    // A file system may store times far outside what milliseconds in an
    // int64 can hold; saturate (the judges treat such times as unknown).
    const int64_t sec = static_cast<int64_t>(s.st_mtim.tv_sec);
    if (sec > INT64_MAX / 1000 - 1) st->mtime_ms = INT64_MAX;
    else if (sec < INT64_MIN / 1000 + 1) st->mtime_ms = INT64_MIN;
    else st->mtime_ms = sec * 1000 + s.st_mtim.tv_nsec / 1000000;
    st->uid = s.st_uid;
    st->nlink = static_cast<uint32_t>(s.st_nlink);
    st->kind = kind_of(s.st_mode);
}

} // namespace detail

using detail::fill_stat;
using detail::kind_of;

// --- lock files -------------------------------------------------------------

static int lock_error(int err, const std::string &path)
{
    if (err == ENOLCK || err == ENOTSUP || err == EOPNOTSUPP || err == ENOSYS)
        return fail_os(FL_ENOTSUP, err, "file system of " + path + " does not support flock: " +
                                    os_error_text(err));
    return fail_errno(err, "cannot lock", path);
}

int try_lock(Handle h, bool shared, const std::string &path)
{
    int op = (shared ? LOCK_SH : LOCK_EX) | LOCK_NB;
    for (;;) {
        if (::flock(h, op) == 0) return FL_OK;
        if (errno == EINTR) continue;
        if (errno == EWOULDBLOCK) return FL_EBUSY;
        return lock_error(errno, path);
    }
}

int lock_blocking(Handle h, bool shared, const std::string &path)
{
    int op = shared ? LOCK_SH : LOCK_EX;
    for (;;) {
        if (::flock(h, op) == 0) return FL_OK;
        if (errno == EINTR) continue;
        return lock_error(errno, path);
    }
}

void unlock(Handle h)
{
    if (h >= 0) ::flock(h, LOCK_UN);
}

bool removed_names_linger()
{
    return false;
}

void close_handle(Handle h)
{
    if (h < 0) return;
    detail::untrack_handle(h);
    ::close(h);
}

int stat_path(const std::string &path, FileStat *st)
{
    struct stat s;
    if (::lstat(path.c_str(), &s) != 0) return fail_errno(errno, "cannot stat", path);
    fill_stat(s, st);
    return FL_OK;
}

int stat_handle(Handle h, FileStat *st)
{
    struct stat s;
    if (::fstat(h, &s) != 0) return fail_errno(errno, "cannot stat descriptor", "");
    fill_stat(s, st);
    return FL_OK;
}

int write_record(Handle h, const std::string &text, const std::string &path)
{
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::pwrite(h, text.data() + done, text.size() - done, static_cast<off_t>(done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail_errno(errno, "cannot write lock record to", path);
        }
        done += static_cast<size_t>(n);
    }
    if (::ftruncate(h, static_cast<off_t>(text.size())) != 0)
        return fail_errno(errno, "cannot truncate lock record of", path);
    return FL_OK;
}

int chmod_handle(Handle h, uint32_t mode, const std::string &path)
{
    if (::fchmod(h, static_cast<mode_t>(mode & 07777)) != 0)
        return fail_errno(errno, "cannot chmod lock file", path);
    return FL_OK;
}

int read_handle(Handle h, size_t cap, std::string *out)
{
    out->assign(cap + 1, '\0');
    size_t got = 0;
    while (got < cap + 1) {
        ssize_t n = ::pread(h, out->data() + got, cap + 1 - got, static_cast<off_t>(got));
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail_errno(errno, "cannot read", "lock file");
        }
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    out->resize(got);
    return FL_OK;
}

int read_regular_file(const std::string &path, size_t cap, std::string *out, std::string *kind)
{
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int err = errno;
        if (err == EISDIR) {
            *kind = "directory";
            return fail(FL_EUNSAFE, path + " is a directory");
        }
        return fail_errno(err, "cannot open", path);
    }
    struct stat st;
    if (::fstat(fd, &st) != 0) {
        int err = errno;
        ::close(fd);
        return fail_errno(err, "cannot stat", path);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        *kind = kind_of(st.st_mode);
        return fail(FL_EUNSAFE, path + " is a " + *kind);
    }
    auto too_large = [&](const std::string &size) {
        ::close(fd);
        return fail(FL_EINVAL, "file " + path + " is " + size + ", larger than the " +
                                   std::to_string(cap) + " bytes read at most");
    };
    if (static_cast<uint64_t>(st.st_size) > cap) return too_large(std::to_string(st.st_size) + " bytes");
    std::string text;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            ::close(fd);
            return fail_errno(err, "cannot read", path);
        }
        if (n == 0) break;
        text.append(buf, static_cast<size_t>(n));
        if (text.size() > cap) return too_large("growing");  // it grew while we read
    }
    ::close(fd);
    *out = std::move(text);
    return FL_OK;
}

// --- paths --------------------------------------------------------------------

bool is_separator(char c)
{
    return c == '/';
}

size_t last_separator(const std::string &path)
{
    return path.rfind('/');
}

std::string join_path(const std::string &dir, const std::string &name)
{
    if (dir.empty() || dir.back() == '/') return dir + name;
    return dir + "/" + name;
}

bool is_absolute(const std::string &path)
{
    return !path.empty() && path[0] == '/';
}

// --- directories ------------------------------------------------------------------

int real_dir(const std::string &path, std::string *out)
{
    char *r = ::realpath(path.c_str(), nullptr);
    if (!r) return fail_errno(errno, "cannot resolve directory", path);
    out->assign(r);
    std::free(r);
    return FL_OK;
}

std::string current_dir()
{
    char *c = ::getcwd(nullptr, 0);
    if (!c) return ".";
    std::string s(c);
    std::free(c);
    return s;
}

} // namespace filelock::platform
