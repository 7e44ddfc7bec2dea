// capi_batch.cpp - fl_batch_*: the C face of filelock::Batch.  Results are
// copied into boxes that own their strings, so one free releases a result.
#include <memory>
#include <string>
#include <vector>

#include "batch.hpp"
#include "config_handle.hpp"
#include "guard.hpp"
#include "handles.hpp"

using filelock::capi::guard;
using filelock::capi::invalid;
using filelock::capi::kBatchMagic;
using filelock::capi::kConfigMagic;
using filelock::capi::valid;

struct fl_batch {
    uint32_t magic = kBatchMagic;
    filelock::Batch b;
    explicit fl_batch(const filelock::Config &c) : b(c) {}
};

namespace {

constexpr size_t kMaxWorkers = 1024;

// fl_file_result is the first member, so the public pointer is the box.
struct FileBox {
    fl_file_result pub{};
    std::string path, message;
};

struct ResultsBox {
    fl_batch_results pub{};
    std::vector<fl_file_result *> items;
    ~ResultsBox()
    {
        for (fl_file_result *r : items) delete reinterpret_cast<FileBox *>(r);
    }
};

fl_file_result *new_file_result(filelock::FileResult &&r)
{
    auto box = std::make_unique<FileBox>();
    box->path = std::move(r.path);
    box->message = std::move(r.message);
    fl_file_result &p = box->pub;
    p.struct_size = sizeof(fl_file_result);
    p.path = box->path.c_str();
    p.status = r.status;
    p.code = r.code;
    p.attempts = r.attempts;
    p.lock_wait_us = r.lock_wait_us;
    p.process_us = r.process_us;
    p.message = box->message.c_str();
    return &box.release()->pub;
}

fl_batch_results *new_results(filelock::BatchResults &&res)
{
    auto box = std::make_unique<ResultsBox>();
    box->items.reserve(res.items.size());
    for (filelock::FileResult &r : res.items) box->items.push_back(new_file_result(std::move(r)));
    fl_batch_results &p = box->pub;
    p.struct_size = sizeof(fl_batch_results);
    p.items = box->items.data();
    p.count = box->items.size();
    p.done = res.done;
    p.failed = res.failed;
    p.locked_out = res.locked_out;
    p.skipped = res.skipped;
    p.cancelled = res.cancelled;
    p.errors = res.errors;
    p.wall_us = res.wall_us;
    return &box.release()->pub;
}

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
    return with_batch(batch, [&](filelock::Batch &b) -> int {
        if (workers > kMaxWorkers)
            return invalid("workers must be 0 (number of CPUs) .. 1024");
        b.set_workers(workers);
        return FL_OK;
    });
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
        *out = new_results(std::move(res));
        return FL_OK;
    });
}

FL_API void fl_batch_results_free(fl_batch_results *results)
{
    // pub is the first member of the box.
    delete reinterpret_cast<ResultsBox *>(results);
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
        *out = new_file_result(std::move(r));
        return FL_OK;
    });
}

FL_API void fl_file_result_free(fl_file_result *result)
{
    delete reinterpret_cast<FileBox *>(result);
}

} // extern "C"
