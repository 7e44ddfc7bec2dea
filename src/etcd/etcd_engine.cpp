#include "etcd/etcd_engine.hpp"

#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "error.hpp"
#include "filelock.h"
#include "log.hpp"
#include "platform/platform.hpp"
#include "record.hpp"

namespace filelock::etcd {

namespace {

// How long a new watch may deliver a deletion by itself before the queue is
// read again (sleep()).
constexpr int64_t kGapGraceUs = 1000;
// How long a waiter pauses when its watch could not start.
constexpr int64_t kBrokenPauseUs = 50000;

// What a forked child drops: the parent's connections, threads and lease
// stay the parent's, so they are kept reachable here, never closed.
void keep_for_parent(std::unique_ptr<Lease> lease, std::unique_ptr<Client> client,
                     std::unique_ptr<Watch> watch)
{
    static std::mutex mu;
    static auto *kept = new std::vector<std::shared_ptr<void>>();
    if (client) client->abandon();
    if (watch) watch->abandon();
    std::lock_guard<std::mutex> g(mu);
    // The deleters never run: the lease's thread is not in this process.
    if (lease) kept->emplace_back(lease.release(), [](void *) {});
    if (client) kept->emplace_back(client.release(), [](void *) {});
    if (watch) kept->emplace_back(watch.release(), [](void *) {});
}

uint64_t fnv(const std::string &s, uint64_t h)
{
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

json range_req(const std::string &key, const std::string &end, const char *order, int64_t limit,
               int64_t max_create)
{
    json r = {{"key", b64(key)}, {"range_end", b64(end)}, {"sort_target", "CREATE"},
              {"sort_order", order}, {"limit", limit}};
    if (max_create > 0) r["max_create_revision"] = std::to_string(max_create);
    return r;
}

std::string holder_words(const json &kv)
{
    std::string value;
    unb64(kv.value("value", std::string()), &value);
    Record r = parse_record(value);
    std::string s;
    if (r.valid) {
        s = " held by pid " + std::to_string(r.pid);
        if (!r.host.empty()) s += " on " + r.host;
    } else {
        s = " held";
    }
    return s + " (fencing token " + std::to_string(num(kv, "create_revision")) + ")";
}

} // namespace

int64_t ttl_seconds(const Options &opts)
{
    return std::max<int64_t>(1, (opts.lease.ttl_ms + 999) / 1000);
}

int64_t request_ms_for(int64_t ttl_s)
{
    return std::clamp<int64_t>(ttl_s * 1000 / 4, 250, 2000);
}

EtcdEngine::EtcdEngine(const Target &target, const std::string &name, const Options &opts)
    : opts_(opts), keys_(keys_for(target.prefix, name)), path_(target.display + "/" + name)
{
    id_.hi = fnv(target.display, 1469598103934665603ull) | 1ull << 63;  // never a device number
    id_.lo = fnv(name, 1469598103934665603ull);
    client_ = std::make_unique<Client>(target, request_ms_for(ttl_seconds(opts)));
    lease_ = std::make_unique<Lease>(target, client_->request_ms(), [this] { on_lost(); });
}

EtcdEngine::~EtcdEngine() = default;

void EtcdEngine::on_lost()
{
    if (!held_) return;  // a waiter's lost key is simply made again
    log::write(FL_LOG_WARN, "lock " + path_ + " lost: its lease expired (fencing token " +
                                std::to_string(token_.load()) + ")");
    if (opts_.lease.lost_cb) opts_.lease.lost_cb(path_.c_str(), token_.load(), opts_.lease.lost_data);
}

int EtcdEngine::try_once()
{
    if (held_) return FL_OK;  // sleep() found the lock mine
    if (lease_->lost()) leave_queue();  // a waiter whose lease ran out starts again
    if (!lease_->active()) {
        int rc = lease_->grant(*client_, ttl_seconds(opts_));
        if (rc != FL_OK) return refail(rc, "cannot lock " + path_ + ": " + last_error());
        my_key_ = keys_.key_for(lease_->id(), opts_.shared);
        my_rev_ = 0;
    }
    if (my_rev_ == 0) return enqueue();
    if (watch_) {
        Watch::State st = watch_->state();
        if (st == Watch::kWaiting) return FL_EBUSY;
        watch_.reset();
        // The key before mine was the first: nobody else can be before me.
        if (st == Watch::kDeleted && pred_is_first_) return won();
    }
    return find_predecessor();
}

// Exclusive: the newest keys of the lock, mine first (I was just made), then
// the one before me.  Shared: the newest exclusive keys.
int EtcdEngine::enqueue()
{
    const bool sh = opts_.shared;
    json before = sh ? range_req(keys_.dir, keys_.exclusive_end(), "DESCEND", 2, 0)
                     : range_req(keys_.dir, keys_.all_end(), "DESCEND", 3, 0);
    Record rec = make_own_record(opts_.tag, keys_.name);
    json put = {{"key", b64(my_key_)}, {"value", b64(format_record(rec))},
                {"lease", std::to_string(lease_->id())}};
    json txn = {
        {"compare", {{{"key", b64(my_key_)}, {"target", "CREATE"}, {"result", "EQUAL"},
                      {"create_revision", "0"}}}},
        {"success", {{{"request_put", put}}, {{"request_range", before}}}},
        {"failure", {{{"request_range", {{"key", b64(my_key_)}}}}}}};
    json reply;
    if (int rc = client_->call("kv/txn", txn, &reply, client_->request_ms()); rc != FL_OK)
        return refail(rc, "cannot lock " + path_ + ": " + last_error());
    const json &resp = reply.value("responses", json::array());
    if (!reply.value("succeeded", false)) {
        // A retried transaction whose first try was applied: my key exists.
        const json &kvs = resp.empty() ? json() : resp[0]["response_range"].value("kvs", json::array());
        if (kvs.empty()) return fail(FL_EIO, "etcd: the key of " + path_ + " vanished");
        my_rev_ = num(kvs[0], "create_revision");
        return find_predecessor();
    }
    if (resp.size() < 2) return fail(FL_EIO, "etcd: short transaction reply for " + path_);
    my_rev_ = num(resp[0]["response_put"]["header"], "revision");
    return take_range(resp[1]["response_range"], !sh, num(reply["header"], "revision"));
}

// `range`: keys before mine, newest first (with mine in front when
// `includes_me`).  Held when there are none.
int EtcdEngine::take_range(const json &range, bool includes_me, int64_t revision)
{
    const json &kvs = range.value("kvs", json::array());
    size_t skip = 0;
    if (includes_me && !kvs.empty() && num(kvs[0], "create_revision") == my_rev_) skip = 1;
    if (kvs.size() <= skip) return won();
    std::string key;
    unb64(kvs[skip].value("key", std::string()), &key);
    if (key != pred_key_) watch_.reset();
    pred_key_ = key;
    pred_is_first_ = kvs.size() == skip + 1;
    pred_seen_rev_ = revision;
    return FL_EBUSY;
}

int EtcdEngine::find_predecessor()
{
    json before = opts_.shared
                      ? range_req(keys_.dir, keys_.exclusive_end(), "DESCEND", 2, my_rev_ - 1)
                      : range_req(keys_.dir, keys_.all_end(), "DESCEND", 2, my_rev_ - 1);
    // Mine must still exist: a lease that ran out took it along.
    json txn = {{"success", {{{"request_range", {{"key", b64(my_key_)}, {"keys_only", true}}}},
                             {{"request_range", before}}}}};
    json reply;
    if (int rc = client_->call("kv/txn", txn, &reply, client_->request_ms()); rc != FL_OK)
        return refail(rc, "cannot lock " + path_ + ": " + last_error());
    const json &resp = reply.value("responses", json::array());
    if (resp.size() < 2) return fail(FL_EIO, "etcd: short transaction reply for " + path_);
    if (resp[0]["response_range"].value("kvs", json::array()).empty()) {
        leave_queue();
        return FL_EBUSY;  // tried again at once with a new lease
    }
    return take_range(resp[1]["response_range"], false, num(reply["header"], "revision"));
}

int EtcdEngine::won()
{
    watch_.reset();
    pred_key_.clear();
    token_ = my_rev_;
    held_ = true;
    return FL_OK;
}

void EtcdEngine::arm()
{
    if (!watch_ && !pred_key_.empty()) {
        watch_ = std::make_unique<Watch>(*client_, pred_key_, 0);
        gap_checked_ = false;
    }
}

void EtcdEngine::sleep(int64_t max_us, const platform::Wakeup *wake)
{
    arm();
    if (!watch_) return;
    const int64_t end = platform::monotonic_us() + max_us;
    Watch::State st = watch_->wait(max_us, wake);
    if (st == Watch::kBroken && watch_->created_revision() == 0) {
        // The watch could not even start (the member went, or refuses it):
        // pause before try_once reads the queue again, so that a member
        // that keeps refusing is not asked in a tight loop.
        const int64_t pause = std::min<int64_t>(max_us, kBrokenPauseUs);
        if (wake)
            wake->wait(pause);
        else
            std::this_thread::sleep_for(std::chrono::microseconds(pause));
        return;
    }
    if (st == Watch::kWaiting && !gap_checked_ && watch_->created_revision() != 0) {
        // The watch covers changes after the revision etcd reported creating
        // it at; the key before mine may have gone between my read and then.
        // And etcd registers the watch a moment after taking that revision:
        // a write in between (to any key) sends the watch through its
        // catch-up loop, which delivers a deletion up to 100 ms late.  So
        // read the queue once more, always: a deletion in either gap is seen
        // now.  It may find the lock mine (then try_once says so) or
        // another key before mine (then that one is watched).  A deletion
        // that comes in the first millisecond needs no read: give the
        // stream kGapGraceUs first.
        gap_checked_ = true;
        const int64_t grace = std::min<int64_t>(kGapGraceUs, end - platform::monotonic_us());
        if (grace > 0 && watch_->wait(grace, wake) != Watch::kWaiting) return;
        if (wake && wake->wait(0)) return;  // cancelled: no read
        if (find_predecessor() < 0) clear_error();
        if (held_ || !watch_) return;
        const int64_t left = end - platform::monotonic_us();
        if (left > 0) watch_->wait(left, wake);
    }
}

int EtcdEngine::block()
{
    sleep(3600LL * 1000000, nullptr);
    return FL_EBUSY;
}

void EtcdEngine::leave_queue()
{
    watch_.reset();
    if (lease_->revoke(*client_) != FL_OK) clear_error();  // it expires by itself
    my_rev_ = 0;
    pred_key_.clear();
}

void EtcdEngine::stop_waiting()
{
    leave_queue();
}

std::string EtcdEngine::describe_holder()
{
    json reply;
    json req = range_req(keys_.dir, keys_.all_end(), "ASCEND", 1, 0);
    if (client_->call("kv/range", req, &reply, client_->request_ms()) != FL_OK) {
        clear_error();
        return "";
    }
    const json &kvs = reply.value("kvs", json::array());
    return kvs.empty() ? "" : holder_words(kvs[0]);
}

bool EtcdEngine::lost() const
{
    return held_ && lease_->lost();
}

int EtcdEngine::check()
{
    if (lost()) return fail(FL_ELOST, "lock " + path_ + " was lost: its lease expired");
    json reply;
    if (int rc = client_->call("kv/range", {{"key", b64(my_key_)}, {"keys_only", true}}, &reply,
                               client_->request_ms());
        rc != FL_OK)
        return refail(rc, "cannot check " + path_ + ": " + last_error());
    if (reply.value("kvs", json::array()).empty()) {
        lease_->declare_lost();
        return fail(FL_ELOST, "lock " + path_ + " was lost: its key is gone");
    }
    return FL_OK;
}

int EtcdEngine::fencing_token(int64_t *out) const
{
    *out = token_;
    return FL_OK;
}

int EtcdEngine::release()
{
    if (!held_) return FL_OK;
    const bool was_lost = lost();
    held_ = false;
    watch_.reset();
    int rc = lease_->revoke(*client_);  // a lost lease is only dropped
    my_rev_ = 0;
    if (was_lost)
        return fail(FL_ELOST, "lock " + path_ + " had been lost before its release (fencing token " +
                                  std::to_string(token_.load()) + ")");
    if (rc == FL_ENOENT) {
        // The lease, and with it the key, is gone already: a try of this
        // revoke that etcd applied before its member went away (the retry
        // on another member finds nothing), or an expiry this process did
        // not see in time.  Either way nothing is held any more.
        log::write(FL_LOG_WARN, "release of " + path_ + ": its lease was already gone (" + last_error() +
                                    "); the lock is released");
        clear_error();
        return FL_OK;
    }
    if (rc != FL_OK)
        return refail(rc, "release of " + path_ + " did not reach etcd; the lock passes on when its "
                          "lease expires: " + last_error());
    return FL_OK;
}

void EtcdEngine::abandon()
{
    keep_for_parent(std::move(lease_), std::move(client_), std::move(watch_));
    held_ = false;
}

} // namespace filelock::etcd
