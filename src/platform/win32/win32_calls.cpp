// win32_calls.cpp - the system calls the lock-file paths make, through a
// table the white-box tests may swap (win32_detail.hpp), and the
// handle-relative open every entry of a directory is reached by.
#include "win32_detail.hpp"

namespace filelock::platform::detail {

namespace {

const Calls kReal = {
    ::NtCreateFile,
    ::LockFileEx,
    ::UnlockFileEx,
    ::SetFileInformationByHandle,
};

Calls g_calls = kReal;

} // namespace

Calls &calls()
{
    return g_calls;
}

const Calls &real_calls()
{
    return kReal;
}

NTSTATUS open_relative(HANDLE dir, const std::wstring &name, ACCESS_MASK access, ULONG disposition,
                       ULONG options, HANDLE *out, ULONG_PTR *info)
{
    UNICODE_STRING us;
    us.Buffer = const_cast<PWSTR>(name.c_str());
    us.Length = static_cast<USHORT>(name.size() * sizeof(wchar_t));
    us.MaximumLength = us.Length;
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &us, OBJ_CASE_INSENSITIVE, dir, nullptr);
    IO_STATUS_BLOCK io = {};
    HANDLE h = nullptr;
    // Every share mode: a holder's open never stops another process from
    // reading the record or from removing the file (PROTOCOL C2).
    NTSTATUS st = g_calls.nt_create_file(
        &h, access | SYNCHRONIZE, &oa, &io, nullptr, FILE_ATTRIBUTE_NORMAL,
        FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, disposition,
        options | FILE_OPEN_REPARSE_POINT | FILE_SYNCHRONOUS_IO_NONALERT, nullptr, 0);
    if (st >= 0) {
        *out = h;
        if (info) *info = io.Information;
    }
    return st;
}

} // namespace filelock::platform::detail
