#include "file/stale.hpp"

#include "duration.hpp"
#include "error.hpp"
#include "filelock.h"
#include "file/paths.hpp"

namespace filelock {

bool age_at(int64_t t_ms, int64_t now_ms, int64_t *age_ms)
{
    // Both ends bounded before subtracting: no overflow, never negative.
    const bool known = t_ms >= 0 && now_ms >= 0 && t_ms <= now_ms + kFutureToleranceMs;
    *age_ms = known && now_ms > t_ms ? now_ms - t_ms : 0;
    return known;
}

void apply_record(LockInfo *info, const std::string &text, int64_t now_ms)
{
    info->record = parse_record(text);
    std::string what;
    info->foreign = !takeover_allowed(text, &what);
    if (info->foreign) {
        info->record.valid = false;
        info->record.problem = "not a lock file: " + what;
    }
    const int64_t t = info->record.valid && info->record.acquired_ms >= 0 ? info->record.acquired_ms
                                                                          : info->stat.mtime_ms;
    info->acquired_ms = t;
    info->age_known = age_at(t, now_ms, &info->age_ms);
    if (info->target_path.empty())
        info->target_path =
            info->record.target.empty() ? target_beside(info->lock_path) : info->record.target;
}

void decide_stale(LockInfo *info, int64_t threshold_ms, int held)
{
    info->held = held;
    info->verdict = judge_holder(info->record);
    info->stale = false;
    const std::string age = format_duration_ms(info->age_ms);
    if (info->foreign) {
        info->reason = info->record.problem + "; never taken over or removed";
        return;
    }
    if (held == 1) {
        info->reason = "held now (OS lock taken); " + info->verdict.reason;
        return;
    }
    if (held < 0) {
        info->reason = "cannot tell whether it is held; not stale";
        return;
    }
    if (info->verdict.holder == Holder::Alive) {
        info->reason = "not held, but " + info->verdict.reason + "; not stale";
        return;
    }
    if (info->verdict.holder == Holder::Unknown) {
        info->reason = "not held; " + info->verdict.reason + "; unknown is never stale";
        return;
    }
    if (!info->age_known) {
        info->reason = "not held and " + info->verdict.reason + ", but its time (" +
                       std::to_string(info->acquired_ms) +
                       " ms since the epoch) is impossible, so its age is unknown; not stale";
        return;
    }
    if (info->age_ms < threshold_ms) {
        info->reason = "not held and " + info->verdict.reason + ", but only " + age +
                       " old (threshold " + format_duration_ms(threshold_ms) + ")";
        return;
    }
    info->stale = true;
    info->reason = "stale: not held, " + info->verdict.reason + ", " + age + " old";
}

int inspect_entry(const platform::Dir &dir, const std::string &name, int64_t threshold_ms,
                  const platform::HeldIndex &index, LockInfo *out)
{
    out->lock_path = dir.entry_path(name);
    std::string text;
    int rc = dir.read_small(name, kMaxRecordBytes, &text, &out->stat);
    if (rc == FL_EUNSAFE) {
        out->target_path = target_beside(out->lock_path);
        out->record = Record{};
        out->record.problem = "not a regular file";
        out->held = -1;
        out->reason = last_error() + "; never treated as a lock file";
        return rc;
    }
    if (rc != FL_OK) return rc;
    apply_record(out, text, platform::realtime_ms());
    decide_stale(out, threshold_ms, index.held(dir, name, out->stat.id));
    return FL_OK;
}

int inspect_lock(const std::string &lock_path, int64_t threshold_ms,
                 const platform::HeldIndex &index, LockInfo *out)
{
    out->lock_path = lock_path;
    platform::Dir dir;
    if (int rc = platform::Dir::open(parent_dir(lock_path), &dir); rc != FL_OK) return rc;
    int rc = inspect_entry(dir, base_name(lock_path), threshold_ms, index, out);
    out->lock_path = lock_path;  // as the caller spelled it
    return rc;
}

int inspect_one_lock(const std::string &lock_path, int64_t threshold_ms, LockInfo *out)
{
    return inspect_lock(lock_path, threshold_ms, platform::HeldIndex::snapshot(), out);
}

} // namespace filelock
