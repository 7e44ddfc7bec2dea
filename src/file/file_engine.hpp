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
    int open_file();                  // A1 through dir_
    int win(const platform::FileStat &st);  // foreign-content check, then A4
    int busy_error(int code, const char *what);  // message naming the holder
    bool ours_to_remove(const platform::FileStat &st);  // C2 content check
    void drop_file();                 // untrack and close fd_
    int give_up(int rc);              // drop everything an acquire opened
    void retire_handle();             // keep a dead inode's fd until later (B)
    void close_retired();

    std::string path_;
    std::string dir_path_;
    std::string name_;                // the lock file's name inside dir_
    std::string target_abs_;
    Options opts_;
    platform::Dir dir_;               // open from acquire to release
    platform::Handle fd_ = platform::kInvalid;
    platform::FileId id_;
    bool held_ = false;
    std::string written_;             // the record this holder wrote
    std::vector<platform::Handle> retired_;  // at most kKeptRetired
};

} // namespace filelock
