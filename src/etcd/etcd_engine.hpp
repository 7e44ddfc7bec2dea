// etcd_engine.hpp - one lock name on etcd seen through one handle: etcd's
// queue recipe.  Each handle has a lease (renewed every TTL/3 while it holds
// or waits); its key, made by a transaction "create_revision == 0", joins
// the queue; the key with the lowest create revision holds (shared keys:
// every one with no exclusive key before it); a waiter watches only the key
// just before its own for DELETE (see watch.hpp for where the watch starts).
// The fencing token is the holder key's create revision.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "engine.hpp"
#include "etcd/client.hpp"
#include "etcd/keys.hpp"
#include "etcd/lease.hpp"
#include "etcd/watch.hpp"

namespace filelock::etcd {

// Lease TTL in etcd's whole seconds, and the per-request time limit: below
// a third of the TTL, so that one slow member cannot eat a renewal period.
int64_t ttl_seconds(const Options &opts);
int64_t request_ms_for(int64_t ttl_s);

class EtcdEngine final : public LockEngine {
public:
    EtcdEngine(const Target &target, const std::string &name, const Options &opts);
    ~EtcdEngine() override;

    int try_once() override;
    void arm() override;
    void sleep(int64_t max_us, const platform::Wakeup *wake) override;
    int block() override;
    void stop_waiting() override;
    LockId identity() const override { return id_; }
    std::string describe_holder() override;
    bool lost() const override;
    int check() override;
    int fencing_token(int64_t *out) const override;
    int release() override;
    void abandon() override;
    const std::string &lock_path() const override { return path_; }

private:
    int enqueue();                 // the first transaction: join the queue
    int find_predecessor();        // after the watched key went: who is before me now
    int take_range(const json &range, bool includes_me, int64_t revision);
    int won();
    void leave_queue();            // revoke the lease (its key goes with it)
    void on_lost();

    Options opts_;
    LockKeys keys_;
    std::string path_;
    LockId id_;
    std::unique_ptr<Client> client_;
    std::unique_ptr<Lease> lease_;
    std::unique_ptr<Watch> watch_;
    std::string my_key_;
    int64_t my_rev_ = 0;
    std::string pred_key_;
    int64_t pred_seen_rev_ = 0;
    bool pred_is_first_ = false;
    bool gap_checked_ = false;     // the watch's creation was checked against my read
    std::atomic<bool> held_{false};
    std::atomic<int64_t> token_{0};
};

} // namespace filelock::etcd
