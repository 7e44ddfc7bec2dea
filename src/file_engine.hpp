// file_engine.hpp - the lock-file backend: PROTOCOL A (acquire), B (waiting)
// and C (release) on one lock file.
#pragma once

#include <vector>

#include "engine.hpp"
#include "options.hpp"
#include "platform/platform.hpp"

namespace filelock {

class FileEngine final : public LockEngine {
public:
    FileEngine(std::string lock_path, std::string target_abs, const Options &opts);
    ~FileEngine() override;

    int acquire(int64_t timeout_ms, const std::atomic<bool> *cancel) override;
    int release() override;
    void abandon() override;
    bool held() const override { return held_; }
    const std::string &lock_path() const override { return path_; }

private:
    int win();                        // A4: record + registry, as the new holder
    int busy_error(int code, const char *what);  // message naming the holder
    void retire_handle();             // keep a dead inode's fd until later (B)
    void close_retired();

    std::string path_;
    std::string dir_;
    std::string target_abs_;
    Options opts_;
    platform::Handle fd_ = platform::kInvalid;
    platform::FileId id_;
    bool held_ = false;
    std::vector<platform::Handle> retired_;
};

} // namespace filelock
