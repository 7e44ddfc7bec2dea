// lease.hpp - a handle's etcd lease and the thread that renews it every
// TTL/3 while the handle holds or waits.  The thread is the handle's for
// its whole life (started at the first grant), so that a lock cycle costs
// no thread start and no wake-up; between leases it looks every TTL/3.
//
// A lease counts as lost when etcd says it expired, or when the local
// deadline passes: the send time of the last acknowledged renewal plus the
// TTL.  The local deadline is what a holder cut off from etcd can know;
// etcd itself expires the lease no earlier.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "etcd/client.hpp"

namespace filelock::etcd {

class Lease {
public:
    using LostFn = std::function<void()>;
    // `on_lost` runs on the renewal thread (or the caller of declare_lost),
    // once per lease.
    Lease(const Target &target, int64_t request_ms, LostFn on_lost);
    ~Lease();  // stops the thread; revokes nothing
    Lease(const Lease &) = delete;
    Lease &operator=(const Lease &) = delete;

    // Grant a new lease of `ttl_s` seconds through `client` and renew it
    // from now on.  FL_OK or the client's code.
    int grant(Client &client, int64_t ttl_s);
    bool active() const { return id_ != 0; }
    int64_t id() const { return id_; }
    // Lost: etcd said so, or the local deadline passed (known at once, even
    // while the renewal thread still waits for an answer).
    bool lost() const { return active() && (lost_.load() || remaining_ms() <= 0); }
    // Milliseconds until the local deadline (0: passed).
    int64_t remaining_ms() const;
    // Stop renewing and revoke the lease (its keys go with it) with
    // `client`; a lost lease is only dropped.  FL_OK, FL_ENOENT when etcd
    // no longer has the lease, or the client's code.
    int revoke(Client &client);
    // Mark the lease lost now (its key is gone): the callback runs once.
    void declare_lost();

private:
    void run();
    void drop();  // stop renewing the current lease

    Client renewer_;
    LostFn on_lost_;
    int64_t id_ = 0;
    int64_t ttl_s_ = 0;
    std::atomic<int64_t> deadline_us_{0};  // monotonic
    std::atomic<bool> lost_{false};
    std::atomic<bool> lost_reported_{false};
    std::mutex mu_;
    std::condition_variable cv_;
    uint64_t generation_ = 0;  // a new grant or a drop: results for the old lease are ignored
    int64_t renew_id_ = 0;     // the lease the thread renews (0: none); under mu_
    int64_t granted_us_ = 0;   // when renew_id_ was asked for; under mu_
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace filelock::etcd
