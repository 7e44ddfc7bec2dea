// win32_dir.cpp - lock files acted on through their directory's handle.
// Every entry is opened by NtCreateFile relative to the directory handle
// (the RootDirectory of its object attributes), with FILE_OPEN_REPARSE_POINT
// so that a symlink or junction at the name is opened itself, never
// followed: the analogue of openat(O_NOFOLLOW) (PROTOCOL A, C, H).  Removal
// marks the opened, identity-checked file itself for deletion, so the check
// and the act are on one object.
#include <ntstatus.h>

#include "error.hpp"
#include "filelock.h"
#include "win32_detail.hpp"

namespace filelock::platform {

using detail::as_platform;
using detail::open_relative;
using detail::stat_of;

namespace {

// NTSTATUS values winternl.h leaves out.
constexpr NTSTATUS kNameNotFound = static_cast<NTSTATUS>(0xC0000034);   // OBJECT_NAME_NOT_FOUND
constexpr NTSTATUS kPathNotFound = static_cast<NTSTATUS>(0xC000003A);   // OBJECT_PATH_NOT_FOUND
constexpr NTSTATUS kNameCollision = static_cast<NTSTATUS>(0xC0000035);  // OBJECT_NAME_COLLISION
constexpr NTSTATUS kDeletePending = static_cast<NTSTATUS>(0xC0000056);  // DELETE_PENDING
constexpr NTSTATUS kIsADirectory = static_cast<NTSTATUS>(0xC00000BA);   // FILE_IS_A_DIRECTORY
constexpr NTSTATUS kNotADirectory = static_cast<NTSTATUS>(0xC0000103);  // NOT_A_DIRECTORY
constexpr NTSTATUS kSharing = static_cast<NTSTATUS>(0xC0000043);        // SHARING_VIOLATION

// FileDispositionInfoEx (Windows 10 1607 and later), which the mingw-w64
// headers show only for a newer _WIN32_WINNT than 0x0A00.
constexpr auto kDispositionInfoEx = static_cast<FILE_INFO_BY_HANDLE_CLASS>(21);
struct DispositionInfoEx {
    DWORD Flags;
};
constexpr DWORD kDispositionDelete = 0x1, kDispositionPosix = 0x2;

constexpr ULONG kFileOpen = 1, kFileCreate = 2, kFileOpenIf = 3;  // FILE_OPEN, ...
constexpr ULONG kDirectoryFile = 0x1, kNonDirectoryFile = 0x40;  // FILE_DIRECTORY_FILE, ...

bool absent(NTSTATUS st)
{
    return st == kNameNotFound || st == kPathNotFound;
}

int fail_status(NTSTATUS st, std::string_view what, const std::string &path)
{
    return fail_win32(win32_from_status(st), what, path);
}

// The name stays until the last handle on the file closes (classic
// deletion, or a file system without POSIX-semantics deletion): contention,
// retried, never an error.
int delete_pending(const std::string &path)
{
    return fail(FL_EBUSY, "lock file " + path + " is being removed (delete pending); retrying");
}

int refuse(const std::string &path, const FileStat &s)
{
    if (s.regular && s.nlink > 1)
        return fail(FL_EUNSAFE, "lock path " + path + " has " + std::to_string(s.nlink) +
                                    " hard links: it is another file's name too, so it is not "
                                    "taken as a lock file; left untouched");
    return fail(FL_EUNSAFE, "lock path " + path + " is a " + s.kind + ", not a regular file; left untouched");
}

bool acceptable(const FileStat &s)
{
    return s.regular && s.nlink <= 1;
}

// Open `name` in `dir` for reading its attributes only.
NTSTATUS open_attrs(HANDLE dir, const std::string &name, HANDLE *h, ACCESS_MASK extra = 0)
{
    std::wstring w;
    if (!detail::to_wide(name, &w)) return static_cast<NTSTATUS>(0xC0000033);  // OBJECT_NAME_INVALID
    return open_relative(dir, w, FILE_READ_ATTRIBUTES | extra, kFileOpen, 0, h);
}

HANDLE dir_handle(const Dir &d)
{
    return detail::DirAccess::handle(d);
}

} // namespace

void Dir::close()
{
    if (fd_ != -1) CloseHandle(reinterpret_cast<HANDLE>(fd_));
    fd_ = -1;
}

int Dir::open(const std::string &path, Dir *out)
{
    out->close();
    std::wstring w;
    if (int rc = detail::win_path(path.empty() ? std::string(".") : path, &w); rc != FL_OK) return rc;
    HANDLE h = CreateFileW(w.c_str(), FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                           FILE_FLAG_BACKUP_SEMANTICS, nullptr);
    if (h == INVALID_HANDLE_VALUE) {
        DWORD err = GetLastError();
        if (err == ERROR_DIRECTORY) return fail(FL_EINVAL, path + " is not a directory");
        return fail_win32(err, "cannot open directory", path);
    }
    FileStat st;
    if (int rc = stat_of(h, &st, path); rc != FL_OK) {
        CloseHandle(h);
        return rc;
    }
    if (!st.directory) {
        CloseHandle(h);
        return fail(FL_EINVAL, path + " is not a directory");
    }
    out->fd_ = reinterpret_cast<std::intptr_t>(h);
    out->path_ = path;
    return FL_OK;
}

int Dir::open_subdir(const std::string &name, Dir *out) const
{
    out->close();
    const std::string path = entry_path(name);
    std::wstring w;
    if (!detail::to_wide(name, &w)) return fail(FL_EINVAL, "path " + path + " is not UTF-8");
    HANDLE h;
    NTSTATUS st = open_relative(dir_handle(*this), w,
                                FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_READ_ATTRIBUTES, kFileOpen,
                                kDirectoryFile, &h);
    if (st == kNotADirectory) {
        FileStat s;
        if (stat_entry(name, &s) == FL_OK && s.symlink)
            return fail(FL_EUNSAFE, path + " is a " + s.kind + "; not followed");
        clear_error();
        return fail(FL_EINVAL, path + " is not a directory");
    }
    if (st < 0) return fail_status(st, "cannot open directory", path);
    FileStat s;
    if (int rc = stat_of(h, &s, path); rc != FL_OK) {
        CloseHandle(h);
        return rc;
    }
    if (s.symlink) {  // a directory symlink or junction, opened as itself
        CloseHandle(h);
        return fail(FL_EUNSAFE, path + " is a " + s.kind + "; not followed");
    }
    out->fd_ = reinterpret_cast<std::intptr_t>(h);
    out->path_ = path;
    return FL_OK;
}

int Dir::stat(FileStat *st) const
{
    return stat_of(dir_handle(*this), st, path_);
}

int Dir::stat_entry(const std::string &name, FileStat *st) const
{
    HANDLE h;
    NTSTATUS s = open_attrs(dir_handle(*this), name, &h);
    if (s < 0) {
        if (s == kDeletePending) s = kNameNotFound;  // going: as good as gone
        return fail_status(s, "cannot stat", entry_path(name));
    }
    int rc = stat_of(h, st, entry_path(name));
    CloseHandle(h);
    return rc;
}

int Dir::entry_is(const std::string &name, const FileId &id, FileStat *st) const
{
    HANDLE h;
    NTSTATUS s = open_attrs(dir_handle(*this), name, &h);
    if (absent(s) || s == kDeletePending) return 0;  // a delete-pending name is no longer the lock file
    if (s < 0) return fail_status(s, "cannot stat", entry_path(name));
    FileStat local;
    FileStat *out = st ? st : &local;
    int rc = stat_of(h, out, entry_path(name));
    CloseHandle(h);
    if (rc != FL_OK) return rc;
    return out->id == id && (out->nlink == 1 || out->directory) ? 1 : 0;
}

int Dir::open_lock(const std::string &name, const OpenHow &how, Handle *out, FileStat *st) const
{
    const std::string path = entry_path(name);
    if (how.directory)
        return fail(FL_ENOTSUP, "lock path " + path + " is a directory: Windows cannot lock a "
                                "directory (lock a file instead)");
    std::wstring w;
    if (!detail::to_wide(name, &w)) return fail(FL_EINVAL, "path " + path + " is not UTF-8");
    const ACCESS_MASK access = GENERIC_READ | (how.write ? GENERIC_WRITE : 0);
    HANDLE h = nullptr;
    NTSTATUS s = kNameCollision;
    if (how.create && how.expect_absent) {
        // FILE_CREATE only ever opens a file it has just made.
        s = open_relative(dir_handle(*this), w, access, kFileCreate, kNonDirectoryFile, &h);
    }
    if (s == kNameCollision)
        s = open_relative(dir_handle(*this), w, access, how.create ? kFileOpenIf : kFileOpen,
                          kNonDirectoryFile, &h);
    if (s < 0) {
        if (s == kDeletePending) return delete_pending(path);
        if (s == kSharing)
            return fail(FL_EBUSY, "lock path " + path + " is open in another program that shares it "
                                  "with nobody; retrying");
        if (s == kIsADirectory) return fail(FL_EUNSAFE, "lock path " + path + " is a directory");
        return fail_status(s, how.create ? "cannot create lock file" : "cannot open lock file", path);
    }
    FileStat got;
    if (int rc = stat_of(h, &got, path); rc != FL_OK) {
        CloseHandle(h);
        return rc;
    }
    if (!acceptable(got)) {
        CloseHandle(h);
        return refuse(path, got);
    }
    *st = got;
    *out = as_platform(h);
    return FL_OK;
}

int Dir::read_small(const std::string &name, size_t cap, std::string *out, FileStat *st) const
{
    const std::string path = entry_path(name);
    std::wstring w;
    if (!detail::to_wide(name, &w)) return fail(FL_EINVAL, "path " + path + " is not UTF-8");
    HANDLE h;
    NTSTATUS s = open_relative(dir_handle(*this), w, GENERIC_READ, kFileOpen, 0, &h);
    if (s == kDeletePending) s = kNameNotFound;
    if (s < 0) return fail_status(s, "cannot open", path);
    int rc = stat_of(h, st, path);
    if (rc == FL_OK && !st->regular) rc = fail(FL_EUNSAFE, path + " is a " + st->kind + ", not a regular file");
    if (rc == FL_OK) {
        rc = read_handle(as_platform(h), cap, out);
        if (rc != FL_OK) rc = refail(rc, last_error() + " (" + path + ")");
    }
    CloseHandle(h);
    return rc;
}

int Dir::remove_entry(const std::string &name) const
{
    HANDLE h;
    NTSTATUS s = open_attrs(dir_handle(*this), name, &h, DELETE);
    if (absent(s) || s == kDeletePending) return FL_ENOENT;
    if (s < 0) return fail_status(s, "cannot remove", entry_path(name));
    // POSIX semantics where the file system has them (NTFS on Windows 10
    // 1709 and later): the name goes at once, though others have the file
    // open.  Elsewhere the name stays, delete-pending, until the last handle
    // closes; openers see that and retry (open_lock).
    DispositionInfoEx ex = {kDispositionDelete | kDispositionPosix};
    BOOL ok = detail::calls().set_file_information(h, kDispositionInfoEx, &ex, sizeof ex);
    if (!ok) {
        FILE_DISPOSITION_INFO classic;
        classic.DeleteFile = TRUE;
        ok = detail::calls().set_file_information(h, FileDispositionInfo, &classic, sizeof classic);
    }
    DWORD err = ok ? 0 : GetLastError();
    CloseHandle(h);
    if (!ok) return fail_win32(err, "cannot remove", entry_path(name));
    return FL_OK;
}

int Dir::list(std::vector<DirEntry> *out) const
{
    out->clear();
    alignas(8) unsigned char buf[16384];
    FILE_INFO_BY_HANDLE_CLASS cls = FileFullDirectoryRestartInfo;
    for (;;) {
        if (!GetFileInformationByHandleEx(dir_handle(*this), cls, buf, sizeof buf)) {
            DWORD err = GetLastError();
            if (err == ERROR_NO_MORE_FILES) break;
            return fail_win32(err, "cannot read directory", path_);
        }
        cls = FileFullDirectoryInfo;
        auto *e = reinterpret_cast<const FILE_FULL_DIR_INFO *>(buf);
        for (;;) {
            std::string n = detail::to_utf8(std::wstring_view(e->FileName, e->FileNameLength / sizeof(wchar_t)));
            if (n != "." && n != "..") {
                DirEntry::Type t = DirEntry::Type::Regular;
                if (e->FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) t = DirEntry::Type::Other;
                else if (e->FileAttributes & FILE_ATTRIBUTE_DIRECTORY) t = DirEntry::Type::Directory;
                out->push_back(DirEntry{std::move(n), t});
            }
            if (e->NextEntryOffset == 0) break;
            e = reinterpret_cast<const FILE_FULL_DIR_INFO *>(reinterpret_cast<const unsigned char *>(e) +
                                                             e->NextEntryOffset);
        }
    }
    return FL_OK;
}

int Dir::probe_held(const std::string &name) const
{
    std::wstring w;
    if (!detail::to_wide(name, &w)) return -1;
    HANDLE h;
    if (open_relative(dir_handle(*this), w, GENERIC_READ, kFileOpen, kNonDirectoryFile, &h) < 0) return -1;
    FileStat st;
    int held = -1;
    if (stat_of(h, &st, "") == FL_OK && st.regular) {
        int rc = try_lock(as_platform(h), false, "");
        if (rc == FL_OK) {
            unlock(as_platform(h));
            held = 0;
        } else if (rc == FL_EBUSY) {
            held = 1;
        }
    }
    clear_error();
    CloseHandle(h);
    return held;
}

} // namespace filelock::platform
