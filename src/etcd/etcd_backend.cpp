#include "etcd/etcd_backend.hpp"

#include <algorithm>
#include <map>

#include "cancel.hpp"
#include "error.hpp"
#include "etcd/curl_api.hpp"
#include "etcd/etcd_engine.hpp"
#include "file/scan.hpp"
#include "filelock.h"
#include "liveness.hpp"
#include "log.hpp"
#include "platform/platform.hpp"
#include "record.hpp"
#include "wait.hpp"

namespace filelock {

namespace {

using etcd::b64;
using etcd::json;
using etcd::num;

// The URL, and libcurl loaded to reach it.
int target_of(const std::string &url, etcd::Target *t)
{
    if (int rc = etcd::parse_url(url, t); rc != FL_OK) return rc;
    return etcd::load_curl();
}

int check_name(const std::string &name)
{
    if (name.empty()) return fail(FL_EINVAL, "lock name is empty");
    if (name.size() > 4096) return fail(FL_EINVAL, "lock name is longer than 4096 bytes");
    return FL_OK;
}

// Every key of one lock (or of all locks under the prefix), oldest first.
int read_keys(etcd::Client &c, const std::string &key, const std::string &end, json *kvs,
              int64_t *revision)
{
    json reply;
    json req = {{"key", b64(key)}, {"range_end", b64(end)}, {"sort_target", "CREATE"},
                {"sort_order", "ASCEND"}};
    if (int rc = c.call("kv/range", req, &reply, c.request_ms()); rc != FL_OK) return rc;
    *kvs = reply.value("kvs", json::array());
    *revision = num(reply["header"], "revision");
    return FL_OK;
}

class EtcdBackend final : public Backend {
public:
    const char *name() const override { return "etcd"; }

    int make(const std::string &target, const Options &opts,
             std::unique_ptr<LockEngine> *out) const override
    {
        etcd::Target t;
        if (int rc = target_of(opts.backend, &t); rc != FL_OK) return rc;
        if (int rc = check_name(target); rc != FL_OK) return rc;
        if (int rc = check_lease_ttl_ms(opts.lease.ttl_ms); rc != FL_OK) return rc;
        *out = std::make_unique<etcd::EtcdEngine>(t, target, opts);
        return FL_OK;
    }

    // A lock named explicitly is the same as one named by its target: the
    // name is the key.
    int make_explicit(const std::string &name, const Options &opts,
                      std::unique_ptr<LockEngine> *out) const override
    {
        return make(name, opts, out);
    }

    int validate(const std::string &name) const override
    {
        etcd::Target t;
        return etcd::parse_url(name, &t);
    }

    // Crashed holders' keys expire with their leases: nothing to clean.
    void clean_for_targets(const std::vector<std::string> &, const Options &, int64_t,
                           CleanReport *) const override
    {
    }

    int is_locked(const std::string &target, const Options &opts) const override
    {
        etcd::Target t;
        if (int rc = target_of(opts.backend, &t); rc != FL_OK) return rc;
        if (int rc = check_name(target); rc != FL_OK) return rc;
        etcd::Client c(t, etcd::request_ms_for(etcd::ttl_seconds(opts)));
        etcd::LockKeys k = etcd::keys_for(t.prefix, target);
        json reply;
        json req = {{"key", b64(k.dir)}, {"range_end", b64(k.all_end())}, {"count_only", true}};
        if (int rc = c.call("kv/range", req, &reply, c.request_ms()); rc != FL_OK) return rc;
        return num(reply, "count") > 0 ? 1 : 0;
    }

    int wait_released(const std::string &target, const Options &opts,
                      int64_t timeout_ms) const override
    {
        etcd::Target t;
        if (int rc = target_of(opts.backend, &t); rc != FL_OK) return rc;
        if (int rc = check_name(target); rc != FL_OK) return rc;
        Cancel *cancel = opts.cancel.get();
        const std::string shown = t.display + "/" + target;
        if (cancel && cancel->fired())
            return fail(FL_ECANCELED, "cancelled before waiting for " + shown + " to be released");
        etcd::Client c(t, etcd::request_ms_for(etcd::ttl_seconds(opts)));
        etcd::LockKeys k = etcd::keys_for(t.prefix, target);
        Wait wait(timeout_ms, opts.poll_interval_ms, cancel);
        std::unique_ptr<etcd::Watch> watch;
        for (;;) {
            json kvs;
            int64_t rev = 0;
            if (!watch || watch->state() != etcd::Watch::kWaiting) {
                watch.reset();
                if (int rc = read_keys(c, k.dir, k.all_end(), &kvs, &rev); rc != FL_OK) return rc;
                if (kvs.empty()) return FL_OK;
            }
            switch (wait.next()) {
            case Wait::kArm:
                watch = std::make_unique<etcd::Watch>(c, k.dir, rev + 1, k.all_end());
                continue;
            case FL_ECANCELED:
                return fail(FL_ECANCELED, "cancelled while waiting for " + shown + " to be released");
            case FL_ETIMEDOUT:
                return fail(FL_ETIMEDOUT, "timed out waiting for " + shown + " to be released");
            default:
                if (!watch) watch = std::make_unique<etcd::Watch>(c, k.dir, rev + 1, k.all_end());
                // A deletion is news; so is the end of the backoff step.
                if (watch->wait(wait.sleep_us(), wait.wakeup()) == etcd::Watch::kWaiting) continue;
            }
        }
    }

    int list(const std::string &where, const ScanOptions &opts, ScanResult *out) const override;
};

// The holders and waiters of every lock under `where` ("" = every lock
// under the prefix), in queue order per lock.
int EtcdBackend::list(const std::string &where, const ScanOptions &opts, ScanResult *out) const
{
    etcd::Target t;
    if (int rc = target_of(opts.backend, &t); rc != FL_OK) return rc;
    etcd::Client c(t, 2000);
    std::string key, end;
    if (where.empty()) {
        key = t.prefix + "/";
        end = etcd::prefix_end(key);
    } else {
        etcd::LockKeys k = etcd::keys_for(t.prefix, where);
        key = k.dir;
        end = k.all_end();
    }
    json kvs;
    int64_t rev = 0;
    if (int rc = read_keys(c, key, end, &kvs, &rev); rc != FL_OK) return rc;
    const int64_t now_ms = platform::realtime_ms();
    struct Entry {
        LockInfo info;
        bool shared;
    };
    std::map<std::string, std::vector<Entry>> by_name;
    std::map<int64_t, int64_t> ttl_of;  // lease -> remaining ms
    for (const json &kv : kvs) {
        std::string k, value, name;
        bool shared = false;
        int64_t lease = 0;
        etcd::unb64(kv.value("key", std::string()), &k);
        if (!etcd::parse_key(t.prefix, k, &name, &shared, &lease)) continue;
        etcd::unb64(kv.value("value", std::string()), &value);
        LockInfo info;
        info.lock_path = t.display + "/" + name;
        info.target_path = name;
        info.record = parse_record(value);
        info.stat.size_bytes = static_cast<int64_t>(value.size());
        info.fencing_token = num(kv, "create_revision");
        if (!ttl_of.count(lease)) {
            json reply;
            ttl_of[lease] = c.call("lease/timetolive", {{"ID", std::to_string(lease)}}, &reply,
                                   c.request_ms()) == FL_OK
                                ? num(reply, "TTL") * 1000
                                : -1;
            clear_error();
        }
        info.lease_ttl_ms = ttl_of[lease];
        info.age_known = info.record.valid && info.record.acquired_ms >= 0 &&
                         age_at(info.record.acquired_ms, now_ms, &info.age_ms);
        if (info.age_known) info.acquired_ms = info.record.acquired_ms;
        info.verdict = info.record.valid ? judge_holder(info.record) : HolderVerdict{};
        by_name[name].push_back({std::move(info), shared});
    }
    // Held, in queue order: the first key, and shared keys with no exclusive
    // key before them.
    for (auto &[name, queue] : by_name) {
        bool exclusive_before = false;
        for (size_t i = 0; i < queue.size(); ++i) {
            LockInfo &q = queue[i].info;
            const bool shared = queue[i].shared;
            const bool holds = shared ? !exclusive_before : i == 0;
            if (!shared) exclusive_before = true;
            q.held = holds ? 1 : 0;
            q.reason = std::string(holds ? "holds" : "waits") + " (" + (shared ? "shared" : "exclusive") +
                       ", position " + std::to_string(i + 1) + " in the queue, fencing token " +
                       std::to_string(q.fencing_token) + ")";
            out->locks.push_back(std::move(q));
        }
    }
    return FL_OK;
}

} // namespace

const Backend &etcd_backend()
{
    static const EtcdBackend backend;
    return backend;
}

} // namespace filelock
