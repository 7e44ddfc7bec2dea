// file_engine.hpp - the lock-file backend's engine: PROTOCOL A (acquire),
// B (waiting) and C (release) on one lock file.
#pragma once

#include <memory>
#include <vector>

#include "engine.hpp"
#include "options.hpp"
#include "platform/platform.hpp"

namespace filelock {

class FileEngine final : public LockEngine {
public:
    // `lock_path` is the lock file; `target_abs` goes into the record's
    // `target=` ("" for none).  An explicit lock file that is a directory
    // is locked read-only with no record (`is_dir`).
    FileEngine(std::string lock_path, std::string target_abs, const Options &opts);
    ~FileEngine() override;

    int try_once() override;
    void arm() override;
    void sleep(int64_t max_us, const platform::Wakeup *wake) override;
    int block() override;
    void stop_waiting() override;
    LockId identity() const override { return LockId{id_.dev, id_.ino}; }
    std::string describe_holder() override;
    int check() override;
    int fencing_token(int64_t *out) const override;
    int release() override;
    void abandon() override;
    const std::string &lock_path() const override { return path_; }

    // The lock object is the directory at lock_path (explicit lock files).
    void lock_directory_itself() { directory_ = true; }
    // A path error found when the handle was made, reported by try_once().
    void defer_error(int code, std::string message);

private:
    // An exclusive holder of a regular lock file writes the record, unless
    // told to write none.
    bool writes_record() const { return !opts_.shared && opts_.file.write_record && !directory_; }
    int open_file();                  // A1 through dir_
    int locked();                     // A3, then the win: FL_OK, FL_EBUSY (start over), error
    int win(const platform::FileStat &st);  // foreign-content check, then A4
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
    bool directory_ = false;
    int deferred_code_ = 0;
    std::string deferred_message_;
    platform::Dir dir_;               // open from acquire to release
    platform::Handle fd_ = platform::kInvalid;
    platform::FileId id_;
    bool held_ = false;
    std::string written_;             // the record this holder wrote
    std::vector<platform::Handle> retired_;  // at most kKeptRetired
    std::unique_ptr<platform::ChangeWatch> watch_;
};

} // namespace filelock
