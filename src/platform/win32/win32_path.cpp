// win32_path.cpp - paths on Windows: UTF-8 at the seam, UTF-16 to the
// system; both separators; drive, UNC and \\?\ forms; long paths; the real
// path of a directory and the current directory.
#include "error.hpp"
#include "filelock.h"
#include "win32_detail.hpp"

namespace filelock::platform {

namespace detail {

bool to_wide(std::string_view s, std::wstring *out)
{
    out->clear();
    if (s.empty()) return true;
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s.data(), static_cast<int>(s.size()),
                                nullptr, 0);
    if (n <= 0) return false;
    out->resize(static_cast<size_t>(n));
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s.data(), static_cast<int>(s.size()),
                        out->data(), n);
    return true;
}

std::string to_utf8(std::wstring_view w)
{
    if (w.empty()) return {};
    int n = WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), nullptr, 0,
                                nullptr, nullptr);
    std::string s(static_cast<size_t>(n > 0 ? n : 0), '\0');
    if (n > 0)
        WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), s.data(), n, nullptr,
                            nullptr);
    return s;
}

int win_path(const std::string &path, std::wstring *out)
{
    std::wstring w;
    if (!to_wide(path, &w)) return fail(FL_EINVAL, "path " + path + " is not UTF-8");
    // Short paths and the \\?\ form itself go as they are.  A long one is
    // made absolute and prefixed, so that MAX_PATH (260) does not apply.
    if (w.size() < MAX_PATH - 12 || w.rfind(L"\\\\?\\", 0) == 0) {
        *out = std::move(w);
        return FL_OK;
    }
    DWORD n = GetFullPathNameW(w.c_str(), 0, nullptr, nullptr);
    if (n == 0) return fail_win32(GetLastError(), "cannot resolve", path);
    std::wstring full(n, L'\0');
    n = GetFullPathNameW(w.c_str(), n, full.data(), nullptr);
    full.resize(n);
    if (full.rfind(L"\\\\", 0) == 0) *out = L"\\\\?\\UNC\\" + full.substr(2);  // \\server\share
    else *out = L"\\\\?\\" + full;
    return FL_OK;
}

} // namespace detail

bool is_separator(char c)
{
    return c == '/' || c == '\\';
}

size_t last_separator(const std::string &path)
{
    return path.find_last_of("/\\");
}

std::string join_path(const std::string &dir, const std::string &name)
{
    if (dir.empty() || is_separator(dir.back())) return dir + name;
    // The separator the directory already uses, backslash by default.
    const char sep = dir.find('/') != std::string::npos && dir.find('\\') == std::string::npos ? '/' : '\\';
    return dir + sep + name;
}

bool is_absolute(const std::string &path)
{
    // C:\x, C:/x, \\server\share, \\?\C:\x.  A drive-relative "C:x" and a
    // root-relative "\x" depend on process state: not absolute.
    if (path.size() >= 3 && path[1] == ':' && is_separator(path[2])) return true;
    return path.size() >= 2 && is_separator(path[0]) && is_separator(path[1]);
}

int real_dir(const std::string &path, std::string *out)
{
    std::wstring w;
    if (int rc = detail::win_path(path, &w); rc != FL_OK) return rc;
    HANDLE h = CreateFileW(w.c_str(), FILE_READ_ATTRIBUTES,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                           OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
    if (h == INVALID_HANDLE_VALUE) return fail_win32(GetLastError(), "cannot resolve directory", path);
    const DWORD flags = FILE_NAME_NORMALIZED | VOLUME_NAME_DOS;
    DWORD n = GetFinalPathNameByHandleW(h, nullptr, 0, flags);  // the size, with the NUL
    std::wstring buf(n ? n : 1, L'\0');
    if (n) n = GetFinalPathNameByHandleW(h, buf.data(), static_cast<DWORD>(buf.size()), flags);
    DWORD err = GetLastError();
    CloseHandle(h);
    if (n == 0 || n >= buf.size()) {
        // Some systems cannot name it (Wine, past MAX_PATH): the full path
        // the caller's name resolves to, links not resolved.
        DWORD m = GetFullPathNameW(w.c_str(), 0, nullptr, nullptr);
        if (m == 0) return fail_win32(err, "cannot resolve directory", path);
        buf.assign(m, L'\0');
        n = GetFullPathNameW(w.c_str(), m, buf.data(), nullptr);
    }
    buf.resize(n);
    // \\?\C:\x -> C:\x and \\?\UNC\s\x -> \\s\x where the short form is whole.
    if (buf.rfind(L"\\\\?\\UNC\\", 0) == 0 && buf.size() < MAX_PATH) buf = L"\\\\" + buf.substr(8);
    else if (buf.rfind(L"\\\\?\\", 0) == 0 && buf.size() < MAX_PATH) buf = buf.substr(4);
    *out = detail::to_utf8(buf);
    return FL_OK;
}

std::string current_dir()
{
    DWORD n = GetCurrentDirectoryW(0, nullptr);
    if (n == 0) return ".";
    std::wstring w(n, L'\0');
    n = GetCurrentDirectoryW(n, w.data());
    w.resize(n);
    return detail::to_utf8(w);
}

} // namespace filelock::platform
