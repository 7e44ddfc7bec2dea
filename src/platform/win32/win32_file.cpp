// win32_file.cpp - lock files through an open handle on Windows: LockFileEx
// on one byte far past the data (never a blocking or timed overlapped call:
// see lock_blocking), identity by volume serial and file index, the record
// written at offset 0 and cut to length, and whole small files read.
#include <climits>

#include "error.hpp"
#include "filelock.h"
#include "win32_detail.hpp"

namespace filelock::platform {

namespace detail {

int stat_of(HANDLE h, FileStat *st, const std::string &path)
{
    BY_HANDLE_FILE_INFORMATION fi;
    if (!GetFileInformationByHandle(h, &fi)) return fail_win32(GetLastError(), "cannot stat", path);
    *st = FileStat{};
    st->id = FileId{fi.dwVolumeSerialNumber,
                    (static_cast<uint64_t>(fi.nFileIndexHigh) << 32) | fi.nFileIndexLow};
    const bool reparse = fi.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT;
    st->directory = !reparse && (fi.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY);
    st->symlink = reparse;
    st->regular = !reparse && !st->directory && GetFileType(h) == FILE_TYPE_DISK;
    st->size_bytes = static_cast<int64_t>((static_cast<uint64_t>(fi.nFileSizeHigh) << 32) | fi.nFileSizeLow);
    // FILETIME: 100 ns since 1601-01-01; 11644473600 s before the Unix epoch.
    const uint64_t t = (static_cast<uint64_t>(fi.ftLastWriteTime.dwHighDateTime) << 32) |
                       fi.ftLastWriteTime.dwLowDateTime;
    st->mtime_ms = static_cast<int64_t>(t / 10000) - INT64_C(11644473600000);
    st->uid = 0;
    st->nlink = fi.nNumberOfLinks;
    if (reparse) {
        FILE_ATTRIBUTE_TAG_INFO tag = {};
        GetFileInformationByHandleEx(h, FileAttributeTagInfo, &tag, sizeof tag);
        st->kind = tag.ReparseTag == IO_REPARSE_TAG_SYMLINK       ? "symlink"
                   : tag.ReparseTag == IO_REPARSE_TAG_MOUNT_POINT ? "junction"
                                                                  : "reparse point";
    } else {
        st->kind = st->directory ? "directory" : st->regular ? "regular file" : "device";
    }
    return FL_OK;
}

} // namespace detail

using detail::as_handle;
using detail::calls;
using detail::kLockLength;
using detail::kLockOffset;

namespace {

OVERLAPPED at_offset(uint64_t offset)
{
    OVERLAPPED ov = {};
    ov.Offset = static_cast<DWORD>(offset & 0xffffffffu);
    ov.OffsetHigh = static_cast<DWORD>(offset >> 32);
    return ov;
}

int lock_error(DWORD err, const std::string &path)
{
    if (err == ERROR_INVALID_FUNCTION || err == ERROR_NOT_SUPPORTED)
        return fail_os(FL_ENOTSUP, static_cast<int>(err),
                       "file system of " + path + " does not support byte-range locks: " +
                           os_error_text(static_cast<int>(err)));
    return fail_win32(err, "cannot lock", path);
}

} // namespace

int try_lock(Handle h, bool shared, const std::string &path)
{
    OVERLAPPED ov = at_offset(kLockOffset);
    const DWORD flags = (shared ? 0 : LOCKFILE_EXCLUSIVE_LOCK) | LOCKFILE_FAIL_IMMEDIATELY;
    if (calls().lock_file_ex(as_handle(h), flags, 0, kLockLength, 0, &ov)) return FL_OK;
    const DWORD err = GetLastError();
    if (err == ERROR_LOCK_VIOLATION) return FL_EBUSY;
    if (err == ERROR_IO_PENDING) {
        // A fail-immediately request on a synchronous handle does not pend;
        // should one, it is taken back and counted as contention, never
        // waited on (an overlapped lock wait may never complete).
        CancelIoEx(as_handle(h), &ov);
        return FL_EBUSY;
    }
    return lock_error(err, path);
}

int lock_blocking(Handle h, bool shared, const std::string &path)
{
    // A waiting LockFileEx on a synchronous handle: the thread sleeps in
    // the kernel until the range is free (only used for waits that have
    // neither a deadline nor a cancel token, src/wait.cpp).
    OVERLAPPED ov = at_offset(kLockOffset);
    const DWORD flags = shared ? 0 : LOCKFILE_EXCLUSIVE_LOCK;
    if (calls().lock_file_ex(as_handle(h), flags, 0, kLockLength, 0, &ov)) return FL_OK;
    return lock_error(GetLastError(), path);
}

void unlock(Handle h)
{
    if (h == kInvalid) return;
    OVERLAPPED ov = at_offset(kLockOffset);
    // ERROR_NOT_LOCKED (158; some file systems say ERROR_LOCK_VIOLATION,
    // 33): there was no lock on the range, which is the state wanted.
    calls().unlock_file_ex(as_handle(h), 0, kLockLength, 0, &ov);
}

bool removed_names_linger()
{
    return true;
}

void close_handle(Handle h)
{
    if (h == kInvalid) return;
    CloseHandle(as_handle(h));
}

int stat_path(const std::string &path, FileStat *st)
{
    std::wstring w;
    if (int rc = detail::win_path(path, &w); rc != FL_OK) return rc;
    HANDLE h = CreateFileW(w.c_str(), FILE_READ_ATTRIBUTES,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                           OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT,
                           nullptr);
    if (h == INVALID_HANDLE_VALUE) return fail_win32(GetLastError(), "cannot stat", path);
    int rc = detail::stat_of(h, st, path);
    CloseHandle(h);
    return rc;
}

int stat_handle(Handle h, FileStat *st)
{
    return detail::stat_of(as_handle(h), st, "");
}

int write_record(Handle h, const std::string &text, const std::string &path)
{
    size_t done = 0;
    while (done < text.size()) {
        OVERLAPPED ov = at_offset(done);
        DWORD n = 0;
        if (!WriteFile(as_handle(h), text.data() + done, static_cast<DWORD>(text.size() - done), &n, &ov))
            return fail_win32(GetLastError(), "cannot write lock record to", path);
        done += n;
    }
    FILE_END_OF_FILE_INFO eof;
    eof.EndOfFile.QuadPart = static_cast<LONGLONG>(text.size());
    if (!SetFileInformationByHandle(as_handle(h), FileEndOfFileInfo, &eof, sizeof eof))
        return fail_win32(GetLastError(), "cannot truncate lock record of", path);
    return FL_OK;
}

int chmod_handle(Handle, uint32_t, const std::string &)
{
    // Windows has no permission bits: access is the directory's ACL, which
    // a new file inherits.  The mode option is accepted and has no effect.
    return FL_OK;
}

int read_handle(Handle h, size_t cap, std::string *out)
{
    out->assign(cap + 1, '\0');
    size_t got = 0;
    while (got < cap + 1) {
        OVERLAPPED ov = at_offset(got);
        DWORD n = 0;
        if (!ReadFile(as_handle(h), out->data() + got, static_cast<DWORD>(cap + 1 - got), &n, &ov)) {
            DWORD err = GetLastError();
            if (err == ERROR_HANDLE_EOF) break;
            return fail_win32(err, "cannot read", "lock file");
        }
        if (n == 0) break;
        got += n;
    }
    out->resize(got);
    return FL_OK;
}

int read_regular_file(const std::string &path, size_t cap, std::string *out, std::string *kind)
{
    std::wstring w;
    if (int rc = detail::win_path(path, &w); rc != FL_OK) return rc;
    const DWORD attrs = GetFileAttributesW(w.c_str());
    if (attrs != INVALID_FILE_ATTRIBUTES && (attrs & FILE_ATTRIBUTE_DIRECTORY)) {
        *kind = "directory";
        return fail(FL_EUNSAFE, path + " is a directory");
    }
    HANDLE h = CreateFileW(w.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) return fail_win32(GetLastError(), "cannot open", path);
    if (GetFileType(h) != FILE_TYPE_DISK) {  // CON, NUL, a pipe: never read
        CloseHandle(h);
        *kind = "device";
        return fail(FL_EUNSAFE, path + " is a device");
    }
    LARGE_INTEGER size;
    if (!GetFileSizeEx(h, &size)) {
        DWORD err = GetLastError();
        CloseHandle(h);
        return fail_win32(err, "cannot stat", path);
    }
    if (static_cast<uint64_t>(size.QuadPart) > cap) {
        CloseHandle(h);
        return fail(FL_EINVAL, "file " + path + " is " + std::to_string(size.QuadPart) +
                                   " bytes, larger than the " + std::to_string(cap) + " bytes read at most");
    }
    std::string text;
    int rc = read_handle(detail::as_platform(h), cap, &text);
    CloseHandle(h);
    if (rc != FL_OK) return refail(rc, last_error() + " (" + path + ")");
    if (text.size() > cap)
        return fail(FL_EINVAL, "file " + path + " is growing, larger than the " + std::to_string(cap) +
                                   " bytes read at most");
    *out = std::move(text);
    return FL_OK;
}

} // namespace filelock::platform
