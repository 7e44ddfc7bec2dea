// capi_batch.cpp - fl_batch_*: the C face of filelock::Batch (results.cpp
// builds the result structs).
#include <memory>
#include <string>
#include <vector>

#include "batch.hpp"
#include "guard.hpp"
#include "handles.hpp"
#include "results.hpp"

using filelock::capi::guard;
using filelock::capi::invalid;
using filelock::capi::kBatchMagic;
using filelock::capi::kConfigMagic;
using filelock::capi::valid;

namespace {

// The core takes std::function; the C callback gets the path as a C string.
filelock::ProcessFn adapt(fl_batch_process_cb process, void *user_data)
{
    return [process, user_data](const std::string &path) { return process(path.c_str(), user_data); };
}

template <class F>
int with_batch(fl_batch *batch, F &&body)
{
    return filelock::capi::with_handle(batch, kBatchMagic, "fl_batch",
                                       [&](fl_batch &h) { return body(h.b); });
}

} // namespace

extern "C" {

FL_API int fl_batch_new(fl_batch **out, const fl_config *cfg)
{
    return guard([&]() -> int {
        if (!out) return invalid("out is NULL");
        if (cfg && !valid(cfg, kConfigMagic)) return invalid("invalid fl_config handle");
        *out = new fl_batch(cfg ? cfg->c : filelock::Config());
        return FL_OK;
    });
}

FL_API void fl_batch_free(fl_batch *batch)
{
    filelock::capi::destroy_handle(batch, kBatchMagic);
}

FL_API int fl_batch_set_workers(fl_batch *batch, size_t workers)
{
    return with_batch(batch, [&](filelock::Batch &b) { return b.set_workers(workers); });
}

FL_API int fl_batch_set_skip_locked(fl_batch *batch, int skip)
{
    return with_batch(batch, [&](filelock::Batch &b) -> int {
        b.set_skip_locked(skip != 0);
        return FL_OK;
    });
}

FL_API int fl_batch_set_stop_on_failure(fl_batch *batch, int stop)
{
    return with_batch(batch, [&](filelock::Batch &b) -> int {
        b.set_stop_on_failure(stop != 0);
        return FL_OK;
    });
}

FL_API int fl_batch_set_progress_cb(fl_batch *batch, fl_batch_progress_cb cb, void *user_data)
{
    return with_batch(batch, [&](filelock::Batch &b) -> int {
        if (cb)
            b.set_progress([cb, user_data](size_t done, size_t total) { cb(done, total, user_data); });
        else
            b.set_progress(nullptr);
        return FL_OK;
    });
}

FL_API int fl_batch_cancel(fl_batch *batch)
{
    return with_batch(batch, [&](filelock::Batch &b) -> int {
        b.cancel();
        return FL_OK;
    });
}

FL_API int fl_batch_run(fl_batch *batch, const char *const *paths, size_t count,
                        fl_batch_process_cb process, void *user_data, fl_batch_results **out)
{
    return with_batch(batch, [&](filelock::Batch &b) -> int {
        if (!out) return invalid("out is NULL");
        *out = nullptr;
        if (!process) return invalid("process callback is NULL");
        if (count > 0 && !paths) return invalid("paths is NULL");
        std::vector<std::string> list;
        list.reserve(count);
        for (size_t i = 0; i < count; ++i) {
            if (!paths[i]) return invalid(("paths[" + std::to_string(i) + "] is NULL").c_str());
            list.emplace_back(paths[i]);
        }
        filelock::BatchResults res;
        b.run(list, adapt(process, user_data), &res);
        *out = filelock::capi::new_batch_results(std::move(res));
        return FL_OK;
    });
}

FL_API void fl_batch_results_free(fl_batch_results *results)
{
    filelock::capi::free_batch_results(results);
}

FL_API int fl_batch_run_one(fl_batch *batch, const char *path, fl_batch_process_cb process,
                            void *user_data, fl_file_result **out)
{
    return with_batch(batch, [&](filelock::Batch &b) -> int {
        if (!out) return invalid("out is NULL");
        *out = nullptr;
        if (!path || !process) return invalid("path or process callback is NULL");
        filelock::FileResult r;
        b.run_one(path, adapt(process, user_data), &r);
        *out = filelock::capi::new_file_result(std::move(r));
        return FL_OK;
    });
}

FL_API void fl_file_result_free(fl_file_result *result)
{
    filelock::capi::free_file_result(result);
}

} // extern "C"
