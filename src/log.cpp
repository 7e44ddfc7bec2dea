// log.cpp - one spdlog logger, kept out of spdlog's global registry so a host
// program's own spdlog setup is never touched.  Its sink either calls the
// host's callback or writes "filelock: <level>: <message>" to stderr.
#include "log.hpp"

#include <cstdio>
#include <memory>
#include <mutex>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "error.hpp"

namespace filelock::log {

namespace {

// True while this thread runs inside the sink, i.e. holds its mutex.  The
// host's callback may call the library; without this, a message raised
// there, or a fl_log_set_callback() call, would lock the mutex again.
thread_local bool t_delivering = false;

class DispatchSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    void set(fl_log_cb cb, void *user_data)
    {
        std::unique_lock<std::mutex> g(mutex_, std::defer_lock);
        if (!t_delivering) g.lock();  // else called from the callback: it is ours
        cb_ = cb;
        user_data_ = user_data;
    }

protected:
    void sink_it_(const spdlog::details::log_msg &msg) override
    {
        std::string text(msg.payload.data(), msg.payload.size());
        int level = static_cast<int>(msg.level);
        if (cb_) {
            t_delivering = true;
            cb_(level, text.c_str(), user_data_);
            t_delivering = false;
            return;
        }
        auto name = spdlog::level::to_string_view(msg.level);
        std::fprintf(stderr, "filelock: %.*s: %s\n", static_cast<int>(name.size()), name.data(),
                     text.c_str());
    }
    void flush_() override { std::fflush(stderr); }

private:
    fl_log_cb cb_ = nullptr;
    void *user_data_ = nullptr;
};

struct Logger {
    std::shared_ptr<DispatchSink> sink = std::make_shared<DispatchSink>();
    spdlog::logger logger{"filelock", sink};
    Logger() { logger.set_level(spdlog::level::warn); }
};

Logger &instance()
{
    static Logger *l = new Logger();  // never destroyed: usable during exit
    return *l;
}

} // namespace

bool enabled(int level)
{
    return instance().logger.should_log(static_cast<spdlog::level::level_enum>(level));
}

void write(int level, const std::string &message)
{
    // A message raised by the host's callback itself is dropped: delivering
    // it would re-enter that callback, which need not be reentrant.
    if (t_delivering) return;
    instance().logger.log(static_cast<spdlog::level::level_enum>(level), message);
}

void set_callback(fl_log_cb cb, void *user_data)
{
    instance().sink->set(cb, user_data);
}

int set_level(int lvl)
{
    // 5 is spdlog's "critical", which has no FL_LOG_ name: accepting it would
    // make fl_log_get_level() return a value outside the documented set.
    if (lvl < FL_LOG_TRACE || lvl > FL_LOG_OFF || lvl == FL_LOG_OFF - 1)
        return fail(FL_EINVAL, "log level must be one of FL_LOG_TRACE (0) .. FL_LOG_ERROR (4) "
                               "or FL_LOG_OFF (6), got " + std::to_string(lvl));
    instance().logger.set_level(static_cast<spdlog::level::level_enum>(lvl));
    return FL_OK;
}

int level()
{
    return static_cast<int>(instance().logger.level());
}

} // namespace filelock::log
