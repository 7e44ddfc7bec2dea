// capi_lock.cpp - fl_options_*, fl_cancel_*, and fl_lock_* / fl_acquire / fl_release.
#include <cstdlib>
#include <cstring>

#include "guard.hpp"
#include "handles.hpp"
#include "file/paths.hpp"

using filelock::fail;
using filelock::capi::guard;
using filelock::capi::invalid;
using filelock::capi::kLockMagic;
using filelock::capi::kOptionsMagic;
using filelock::capi::valid;

namespace filelock::capi {

const Options &options_of(const fl_options *opts)
{
    static const Options defaults;
    return opts ? opts->o : defaults;
}

int copy_out(const std::string &text, char **out)
{
    *out = static_cast<char *>(std::malloc(text.size() + 1));
    if (!*out) return fail(FL_ENOMEM, "out of memory");
    std::memcpy(*out, text.c_str(), text.size() + 1);
    return FL_OK;
}

} // namespace filelock::capi

namespace {

// Body shared by every option setter: check the handle, then apply.
template <class F>
int set_option(fl_options *opts, F &&apply)
{
    return filelock::capi::with_handle(opts, kOptionsMagic, "fl_options",
                                       [&](fl_options &h) { return apply(h.o); });
}

// A NULL opts means defaults; anything else must be a real fl_options.
bool options_ok(const fl_options *opts)
{
    return opts == nullptr || valid(opts, kOptionsMagic);
}

} // namespace

extern "C" {

FL_API int fl_options_new(fl_options **out)
{
    return guard([&]() -> int {
        if (!out) return invalid("out is NULL");
        *out = new fl_options();
        return FL_OK;
    });
}

FL_API void fl_options_free(fl_options *opts)
{
    filelock::capi::destroy_handle(opts, kOptionsMagic);
}

FL_API int fl_options_clone(fl_options **out, const fl_options *opts)
{
    return guard([&]() -> int {
        if (!out || !valid(opts, kOptionsMagic)) return invalid("out is NULL or opts is invalid");
        *out = new fl_options(*opts);
        return FL_OK;
    });
}

FL_API int fl_options_set_timeout_ms(fl_options *opts, int64_t timeout_ms)
{
    return set_option(opts, [&](filelock::Options &o) -> int {
        int rc = filelock::check_timeout_ms(timeout_ms);
        if (rc == FL_OK) o.timeout_ms = timeout_ms;
        return rc;
    });
}

FL_API int fl_options_set_poll_interval_ms(fl_options *opts, int64_t interval_ms)
{
    return set_option(opts, [&](filelock::Options &o) -> int {
        int rc = filelock::check_poll_interval_ms(interval_ms);
        if (rc == FL_OK) o.poll_interval_ms = interval_ms;
        return rc;
    });
}

FL_API int fl_options_set_shared(fl_options *opts, int shared)
{
    return set_option(opts, [&](filelock::Options &o) -> int {
        o.shared = shared != 0;
        return FL_OK;
    });
}

FL_API int fl_options_set_remove_on_release(fl_options *opts, int remove)
{
    return set_option(opts, [&](filelock::Options &o) -> int {
        o.file.remove_on_release = remove != 0;
        o.file.remove_chosen = true;
        return FL_OK;
    });
}

FL_API int fl_options_set_file_mode(fl_options *opts, uint32_t mode)
{
    return set_option(opts, [&](filelock::Options &o) -> int {
        int rc = filelock::check_file_mode(mode);
        if (rc == FL_OK) {
            o.file.create_mode = mode;
            o.file.mode_explicit = true;
        }
        return rc;
    });
}

FL_API int fl_options_set_create_mode(fl_options *opts, uint32_t mode)
{
    return set_option(opts, [&](filelock::Options &o) -> int {
        int rc = filelock::check_file_mode(mode);
        if (rc == FL_OK) {
            o.file.create_mode = mode;
            o.file.mode_explicit = false;
        }
        return rc;
    });
}

FL_API int fl_options_set_write_record(fl_options *opts, int write)
{
    return set_option(opts, [&](filelock::Options &o) -> int {
        o.file.write_record = write != 0;
        return FL_OK;
    });
}

FL_API int fl_options_set_defer_path_errors(fl_options *opts, int defer)
{
    return set_option(opts, [&](filelock::Options &o) -> int {
        o.defer_path_errors = defer != 0;
        return FL_OK;
    });
}

FL_API int fl_options_set_backend(fl_options *opts, const char *backend)
{
    return set_option(opts, [&](filelock::Options &o) -> int {
        o.backend = backend ? backend : "";
        return FL_OK;
    });
}

FL_API int fl_options_set_lease_ttl_ms(fl_options *opts, int64_t ttl_ms)
{
    return set_option(opts, [&](filelock::Options &o) -> int {
        if (int rc = filelock::check_lease_ttl_ms(ttl_ms); rc != FL_OK) return rc;
        o.lease.ttl_ms = ttl_ms;
        return FL_OK;
    });
}

FL_API int fl_options_set_lost_callback(fl_options *opts, fl_lost_cb cb, void *user_data)
{
    return set_option(opts, [&](filelock::Options &o) -> int {
        o.lease.lost_cb = cb;
        o.lease.lost_data = cb ? user_data : nullptr;
        return FL_OK;
    });
}

FL_API int fl_options_set_cancel(fl_options *opts, fl_cancel *cancel)
{
    return set_option(opts, [&](filelock::Options &o) -> int {
        if (cancel && !valid(cancel, filelock::capi::kCancelMagic)) return invalid("invalid fl_cancel handle");
        o.cancel = cancel ? cancel->c : nullptr;
        return FL_OK;
    });
}

FL_API int fl_options_set_tag(fl_options *opts, const char *tag)
{
    return set_option(opts, [&](filelock::Options &o) -> int {
        std::string t = tag ? tag : "";
        int rc = filelock::check_tag(t);
        if (rc == FL_OK) o.tag = t;
        return rc;
    });
}

FL_API int fl_options_set_lock_dir(fl_options *opts, const char *dir)
{
    return set_option(opts, [&](filelock::Options &o) -> int {
        o.file.lock_dir = filelock::normalise_dir(dir ? dir : "");
        return FL_OK;
    });
}

FL_API int fl_options_set_deadlock_check(fl_options *opts, int enabled)
{
    return set_option(opts, [&](filelock::Options &o) -> int {
        o.deadlock_check = enabled != 0;
        return FL_OK;
    });
}

FL_API int fl_cancel_new(fl_cancel **out)
{
    return guard([&]() -> int {
        if (!out) return invalid("out is NULL");
        auto h = std::make_unique<fl_cancel>();
        h->c = std::make_shared<filelock::Cancel>();
        *out = h.release();
        return FL_OK;
    });
}

FL_API void fl_cancel_free(fl_cancel *cancel)
{
    filelock::capi::destroy_handle(cancel, filelock::capi::kCancelMagic);
}

FL_API int fl_cancel_fire(fl_cancel *cancel)
{
    return filelock::capi::with_handle(cancel, filelock::capi::kCancelMagic, "fl_cancel",
                                       [](fl_cancel &h) {
                                           h.c->fire();
                                           return FL_OK;
                                       });
}

FL_API int fl_cancel_reset(fl_cancel *cancel)
{
    return filelock::capi::with_handle(cancel, filelock::capi::kCancelMagic, "fl_cancel",
                                       [](fl_cancel &h) {
                                           h.c->reset();
                                           return FL_OK;
                                       });
}

FL_API int fl_cancel_is_fired(const fl_cancel *cancel)
{
    return filelock::capi::with_handle(cancel, filelock::capi::kCancelMagic, "fl_cancel",
                                       [](const fl_cancel &h) { return h.c->fired() ? 1 : 0; });
}

FL_API int fl_lock_new(fl_lock **out, const char *target_path, const fl_options *opts)
{
    return guard([&]() -> int {
        if (!out) return invalid("out is NULL");
        *out = nullptr;
        if (!target_path) return invalid("target_path is NULL");
        if (!options_ok(opts)) return invalid("invalid fl_options handle");
        auto h = std::make_unique<fl_lock>();
        int rc = filelock::Lock::create(target_path, filelock::capi::options_of(opts), &h->l);
        if (rc != FL_OK) return rc;
        *out = h.release();
        return FL_OK;
    });
}

FL_API int fl_lock_new_file(fl_lock **out, const char *lock_path, const fl_options *opts)
{
    return guard([&]() -> int {
        if (!out) return invalid("out is NULL");
        *out = nullptr;
        if (!lock_path) return invalid("lock_path is NULL");
        if (!options_ok(opts)) return invalid("invalid fl_options handle");
        auto h = std::make_unique<fl_lock>();
        int rc = filelock::Lock::create_explicit(lock_path, filelock::capi::options_of(opts), &h->l);
        if (rc != FL_OK) return rc;
        *out = h.release();
        return FL_OK;
    });
}

FL_API void fl_lock_free(fl_lock *lock)
{
    filelock::capi::destroy_handle(lock, kLockMagic);
}

FL_API int fl_acquire(fl_lock *lock, int64_t timeout_ms)
{
    return filelock::capi::with_handle(lock, kLockMagic, "fl_lock", [&](auto &) -> int {
        return lock->l->acquire(timeout_ms);
    });
}

FL_API int fl_release(fl_lock *lock)
{
    return filelock::capi::with_handle(lock, kLockMagic, "fl_lock", [&](auto &) -> int {
        return lock->l->release();
    });
}

FL_API int fl_lock_is_held(const fl_lock *lock)
{
    return filelock::capi::with_handle(lock, kLockMagic, "fl_lock", [&](auto &) -> int {
        return lock->l->held();
    });
}

FL_API int fl_lock_check(fl_lock *lock)
{
    return filelock::capi::with_handle(lock, kLockMagic, "fl_lock", [&](auto &) -> int {
        return lock->l->check();
    });
}

FL_API int fl_lock_fencing_token(const fl_lock *lock, int64_t *out)
{
    return filelock::capi::with_handle(lock, kLockMagic, "fl_lock", [&](auto &) -> int {
        if (!out) return invalid("out is NULL");
        return lock->l->fencing_token(out);
    });
}

FL_API const char *fl_lock_path(const fl_lock *lock)
{
    return valid(lock, kLockMagic) ? lock->l->lock_path().c_str() : nullptr;
}

FL_API const char *fl_lock_target_path(const fl_lock *lock)
{
    return valid(lock, kLockMagic) ? lock->l->target().c_str() : nullptr;
}

FL_API int fl_lock_path_for(const char *target_path, const fl_options *opts, char **out)
{
    return guard([&]() -> int {
        if (!out || !target_path) return invalid("target_path or out is NULL");
        if (!options_ok(opts)) return invalid("invalid fl_options handle");
        filelock::LockPaths p;
        int rc = filelock::lock_paths_for(target_path, filelock::capi::options_of(opts), &p);
        if (rc != FL_OK) return rc;
        return filelock::capi::copy_out(p.lock_path, out);
    });
}

} // extern "C"
