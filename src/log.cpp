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

class DispatchSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    void set(fl_log_cb cb, void *user_data)
    {
        std::lock_guard<std::mutex> g(mutex_);
        cb_ = cb;
        user_data_ = user_data;
    }

protected:
    void sink_it_(const spdlog::details::log_msg &msg) override
    {
        std::string text(msg.payload.data(), msg.payload.size());
        int level = static_cast<int>(msg.level);
        if (cb_) {
            cb_(level, text.c_str(), user_data_);
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
    instance().logger.log(static_cast<spdlog::level::level_enum>(level), message);
}

void set_callback(fl_log_cb cb, void *user_data)
{
    instance().sink->set(cb, user_data);
}

int set_level(int lvl)
{
    if (lvl < FL_LOG_TRACE || lvl > FL_LOG_OFF)
        return fail(FL_EINVAL, "log level must be FL_LOG_TRACE (0) .. FL_LOG_OFF (6), got " +
                                   std::to_string(lvl));
    instance().logger.set_level(static_cast<spdlog::level::level_enum>(lvl));
    return FL_OK;
}

int level()
{
    return static_cast<int>(instance().logger.level());
}

} // namespace filelock::log
