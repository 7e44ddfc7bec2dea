// win32_detail.hpp - helpers the win32 platform files share (not part of
// the platform seam): UTF-8 <-> UTF-16, Windows error codes as FL_E*
// codes, and the table of system calls the lock-file paths go through.
#pragma once

// Windows 10 and later (the precise system clock, long-path opens).
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0A00
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <winternl.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "platform/platform.hpp"

namespace filelock::platform {

struct Wakeup::Impl {
    HANDLE event = nullptr;  // manual-reset: signalled until clear()
};

namespace detail {

struct DirAccess {
    static HANDLE handle(const Dir &d) { return reinterpret_cast<HANDLE>(d.fd_); }
};

inline HANDLE as_handle(Handle h) { return reinterpret_cast<HANDLE>(h); }
inline Handle as_platform(HANDLE h) { return reinterpret_cast<Handle>(h); }

// UTF-8 -> UTF-16; false for text that is not UTF-8.
bool to_wide(std::string_view s, std::wstring *out);
// UTF-16 -> UTF-8 (unpaired surrogates become U+FFFD).
std::string to_utf8(std::wstring_view w);

// A path as CreateFileW takes it, with the \\?\ prefix when it is absolute
// and too long for MAX_PATH.  FL_EINVAL when it is not UTF-8.
int win_path(const std::string &path, std::wstring *out);

// The offset and length of the byte range every lock takes: one byte far
// past any data a file can hold, so that Windows' mandatory byte-range
// locking never blocks a reader or writer of the file's bytes
// (docs/PROTOCOL.md, Windows).
constexpr uint64_t kLockOffset = uint64_t{1} << 62;
constexpr DWORD kLockLength = 1;

// The handle-relative, never-following file opens and the lock calls go
// through this table (win32_calls.cpp), so that the white-box tests can put
// in their place what real Windows does and Wine does not (delete-pending
// names, a lock call that reports I/O pending, ERROR_NOT_LOCKED, a file
// system without POSIX-semantics deletion).
struct Calls {
    NTSTATUS(NTAPI *nt_create_file)(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES, PIO_STATUS_BLOCK,
                                    PLARGE_INTEGER, ULONG, ULONG, ULONG, ULONG, PVOID, ULONG);
    BOOL(WINAPI *lock_file_ex)(HANDLE, DWORD, DWORD, DWORD, DWORD, LPOVERLAPPED);
    BOOL(WINAPI *unlock_file_ex)(HANDLE, DWORD, DWORD, DWORD, LPOVERLAPPED);
    BOOL(WINAPI *set_file_information)(HANDLE, FILE_INFO_BY_HANDLE_CLASS, LPVOID, DWORD);
};
Calls &calls();         // the table in use
const Calls &real_calls();  // the system's

// NtCreateFile of `name` inside the directory `dir` (or of the absolute NT
// path `name` when dir is null), never following a reparse point at the
// last component.  Returns the NTSTATUS; *out is the handle on success.
NTSTATUS open_relative(HANDLE dir, const std::wstring &name, ACCESS_MASK access, ULONG disposition,
                       ULONG options, HANDLE *out, ULONG_PTR *info = nullptr);

// What is known of an open file: identity, type, size, times, links.
int stat_of(HANDLE h, FileStat *st, const std::string &path);

} // namespace detail

} // namespace filelock::platform

namespace filelock {

// A Windows error code (GetLastError) as the closest FL_E* code.
int code_from_win32(DWORD err);
// An NTSTATUS as the Windows error code it stands for.
DWORD win32_from_status(NTSTATUS st);
// The system's message for a Windows error code, in UTF-8.
std::string os_error_text(int err);
// fail_os() with the code for `err` and "<what> <path>: <message>".
int fail_win32(DWORD err, std::string_view what, std::string_view path);

} // namespace filelock
