/*
 * filelock.hpp - optional C++17 ownership for the C API.  Header-only: it
 * adds nothing to the library's ABI and needs nothing but filelock.h.
 *
 * Every C object gets a std::unique_ptr alias that frees it with the right
 * fl_*_free, a make_* function that returns an owner (empty on failure;
 * the code is in *rc when asked for, the message in fl_last_error_message()),
 * and `fl::held` releases a lock at the end of a scope.  Nothing here throws.
 *
 *     fl::lock_ptr lock = fl::make_lock("data.csv");
 *     if (fl_acquire(lock.get(), 5000) == FL_OK) {
 *         fl::held h(lock.get());
 *         ... work on data.csv ...
 *     }                           // released here
 */
#ifndef FILELOCK_HPP
#define FILELOCK_HPP

#include <memory>
#include <string>

#include "filelock.h"

namespace fl {

namespace detail {
template <class T, void (*Free)(T *)>
struct deleter {
    void operator()(T *p) const noexcept { Free(p); }
};
inline void free_string(char *s) { fl_free(s); }
} // namespace detail

template <class T, void (*Free)(T *)>
using owner = std::unique_ptr<T, detail::deleter<T, Free>>;

using options_ptr = owner<fl_options, fl_options_free>;
using cancel_ptr = owner<fl_cancel, fl_cancel_free>;
using lock_ptr = owner<fl_lock, fl_lock_free>;
using lock_info_ptr = owner<fl_lock_info, fl_lock_info_free>;
using scan_options_ptr = owner<fl_scan_options, fl_scan_options_free>;
using lock_list_ptr = owner<fl_lock_list, fl_lock_list_free>;
using clean_report_ptr = owner<fl_clean_report, fl_clean_report_free>;
using config_ptr = owner<fl_config, fl_config_free>;
using batch_ptr = owner<fl_batch, fl_batch_free>;
using batch_results_ptr = owner<fl_batch_results, fl_batch_results_free>;
using file_result_ptr = owner<fl_file_result, fl_file_result_free>;
using string_ptr = owner<char, detail::free_string>;

namespace detail {
inline void report(int *rc, int code)
{
    if (rc) *rc = code;
}
} // namespace detail

inline options_ptr make_options(int *rc = nullptr)
{
    fl_options *o = nullptr;
    detail::report(rc, fl_options_new(&o));
    return options_ptr(o);
}

inline cancel_ptr make_cancel(int *rc = nullptr)
{
    fl_cancel *c = nullptr;
    detail::report(rc, fl_cancel_new(&c));
    return cancel_ptr(c);
}

// A lock protecting `target` (fl_lock_new).
inline lock_ptr make_lock(const std::string &target, const fl_options *opts = nullptr,
                          int *rc = nullptr)
{
    fl_lock *l = nullptr;
    detail::report(rc, fl_lock_new(&l, target.c_str(), opts));
    return lock_ptr(l);
}

// A lock on the file `lock_path` itself (fl_lock_new_file).
inline lock_ptr make_file_lock(const std::string &lock_path, const fl_options *opts = nullptr,
                               int *rc = nullptr)
{
    fl_lock *l = nullptr;
    detail::report(rc, fl_lock_new_file(&l, lock_path.c_str(), opts));
    return lock_ptr(l);
}

inline scan_options_ptr make_scan_options(int *rc = nullptr)
{
    fl_scan_options *o = nullptr;
    detail::report(rc, fl_scan_options_new(&o));
    return scan_options_ptr(o);
}

inline lock_info_ptr read_lock_info(const std::string &lock_path, int64_t threshold_ms,
                                    int *rc = nullptr)
{
    fl_lock_info *i = nullptr;
    detail::report(rc, fl_lock_info_read(lock_path.c_str(), threshold_ms, &i));
    return lock_info_ptr(i);
}

// Releases one level of `lock` when the scope ends (the lock must be held).
class held {
public:
    explicit held(fl_lock *lock) noexcept : lock_(lock) {}
    ~held() { if (lock_) fl_release(lock_); }
    held(const held &) = delete;
    held &operator=(const held &) = delete;
    // Release now; returns fl_release()'s code.
    int release() noexcept
    {
        fl_lock *l = lock_;
        lock_ = nullptr;
        return l ? fl_release(l) : FL_OK;
    }

private:
    fl_lock *lock_;
};

} // namespace fl

#endif /* FILELOCK_HPP */
