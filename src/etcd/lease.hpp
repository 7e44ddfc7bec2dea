// lease.hpp - one etcd lease and the thread that renews it every TTL/3
// while its handle holds or waits.  The lease counts as lost when etcd
// says it expired, or when the local deadline passes: the send time of the
// last acknowledged renewal plus the TTL.  The local deadline is what a
// holder cut off from etcd can know; etcd itself may expire the lease a
// little later, never earlier.
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
    // Grants a lease of `ttl_s` seconds through `client` and starts the
    // renewal thread with a second connection.  FL_OK or the client's code.
    static int grant(Client &client, int64_t ttl_s, LostFn on_lost, std::unique_ptr<Lease> *out);
    ~Lease();  // stops renewing; does not revoke

    int64_t id() const { return id_; }
    int64_t ttl_s() const { return ttl_s_; }
    // Lost: etcd said so, or the local deadline passed (known at once, even
    // while the renewal thread still waits for an answer).
    bool lost() const { return lost_.load() || remaining_ms() <= 0; }
    // Milliseconds until the local deadline (<= 0: lost).
    int64_t remaining_ms() const;
    // Revoke it (deleting its keys) with `client`; stops renewing first.
    int revoke(Client &client);
    // Mark lost now (the holder's key is gone): the callback runs once.
    void declare_lost();

private:
    Lease(const Target &t, int64_t request_ms) : renewer_(t, request_ms) {}
    void run();
    void stop();

    Client renewer_;
    int64_t id_ = 0;
    int64_t ttl_s_ = 0;
    std::atomic<int64_t> deadline_us_{0};  // monotonic
    std::atomic<bool> lost_{false};
    std::atomic<bool> lost_reported_{false};
    LostFn on_lost_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace filelock::etcd
