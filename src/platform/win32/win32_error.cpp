// win32_error.cpp - Windows error codes and NTSTATUS values as FL_E* codes
// and messages.  fl_last_os_error() reports the Windows error code.
#include <cstdio>

#include "error.hpp"
#include "filelock.h"
#include "win32_detail.hpp"

extern "C" ULONG NTAPI RtlNtStatusToDosError(NTSTATUS);

namespace filelock {

int code_from_win32(DWORD err)
{
    switch (err) {
    case ERROR_SUCCESS: return FL_OK;
    case ERROR_LOCK_VIOLATION:
    case ERROR_SHARING_VIOLATION: return FL_EBUSY;
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
    case ERROR_BAD_NETPATH:
    case ERROR_BAD_NET_NAME: return FL_ENOENT;
    case ERROR_ACCESS_DENIED:
    case ERROR_WRITE_PROTECT:
    case ERROR_PRIVILEGE_NOT_HELD: return FL_EPERM;
    case ERROR_CANT_RESOLVE_FILENAME:
    case ERROR_DIRECTORY: return FL_EUNSAFE;
    case ERROR_NOT_SUPPORTED:
    case ERROR_INVALID_FUNCTION:
    case ERROR_CALL_NOT_IMPLEMENTED: return FL_ENOTSUP;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY: return FL_ENOMEM;
    case ERROR_INVALID_PARAMETER: return FL_EINVAL;
    // The file system refusing a name (too long, a character it does not
    // take) is a file error, not a bad argument, as on POSIX.
    case ERROR_INVALID_NAME:
    case ERROR_FILENAME_EXCED_RANGE:
    default: return FL_EIO;
    }
}

DWORD win32_from_status(NTSTATUS st)
{
    return static_cast<DWORD>(RtlNtStatusToDosError(st));
}

std::string os_error_text(int err)
{
    wchar_t *buf = nullptr;
    DWORD n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                 FORMAT_MESSAGE_IGNORE_INSERTS,
                             nullptr, static_cast<DWORD>(err), 0, reinterpret_cast<LPWSTR>(&buf), 0,
                             nullptr);
    std::string text;
    if (n && buf) {
        text = platform::detail::to_utf8(std::wstring_view(buf, n));
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                                 text.back() == '.'))
            text.pop_back();
    }
    if (buf) LocalFree(buf);
    char code[32];
    std::snprintf(code, sizeof code, "Windows error %lu", static_cast<unsigned long>(err));
    return text.empty() ? std::string(code) : text + " (" + code + ")";
}

int fail_win32(DWORD err, std::string_view what, std::string_view path)
{
    std::string msg;
    msg.append(what).append(" ").append(path).append(": ").append(os_error_text(static_cast<int>(err)));
    return fail_os(code_from_win32(err), static_cast<int>(err), std::move(msg));
}

} // namespace filelock
