#include "etcd/lease.hpp"

#include "error.hpp"
#include "filelock.h"
#include "platform/platform.hpp"

namespace filelock::etcd {

Lease::Lease(const Target &target, int64_t request_ms, LostFn on_lost)
    : renewer_(target, request_ms), on_lost_(std::move(on_lost))
{
}

Lease::~Lease()
{
    {
        std::lock_guard<std::mutex> g(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

int Lease::grant(Client &client, int64_t ttl_s)
{
    drop();
    const int64_t sent = platform::monotonic_us();
    json reply;
    int rc = client.call("lease/grant", {{"TTL", ttl_s}}, &reply, client.request_ms());
    if (rc != FL_OK) return rc;
    const int64_t id = num(reply, "ID"), ttl = num(reply, "TTL");
    if (id == 0 || ttl <= 0) return fail(FL_EIO, "etcd granted no lease: " + reply.dump());
    std::lock_guard<std::mutex> g(mu_);
    id_ = renew_id_ = id;
    ttl_s_ = ttl;
    granted_us_ = sent;
    ++generation_;
    deadline_us_ = sent + ttl * 1000000;
    lost_ = false;
    lost_reported_ = false;
    // No wake-up for a thread that already runs: between leases it looks
    // every third of a TTL, and the first renewal is due no sooner.
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    return FL_OK;
}

int64_t Lease::remaining_ms() const
{
    if (lost_) return 0;
    int64_t left_us = deadline_us_.load() - platform::monotonic_us();
    return left_us <= 0 ? 0 : (left_us + 999) / 1000;
}

void Lease::declare_lost()
{
    lost_ = true;
    if (!lost_reported_.exchange(true) && on_lost_) on_lost_();
}

void Lease::drop()
{
    std::lock_guard<std::mutex> g(mu_);
    renew_id_ = 0;
    ++generation_;
    id_ = 0;
}

int Lease::revoke(Client &client)
{
    const int64_t id = id_;
    const bool was_lost = lost();
    drop();
    if (id == 0 || was_lost) return FL_OK;
    json reply;
    int rc = client.call("lease/revoke", {{"ID", std::to_string(id)}}, &reply, client.request_ms());
    // etcd's text for gRPC NOT_FOUND on a lease (rpctypes.ErrLeaseNotFound).
    if (rc == FL_EIO && last_error().find("requested lease not found") != std::string::npos) return FL_ENOENT;
    return rc;
}

void Lease::run()
{
    std::unique_lock<std::mutex> g(mu_);
    int64_t next_us = 0;
    uint64_t seen = 0;
    while (!stopping_) {
        const int64_t period_us = ttl_s_ * 1000000 / 3;
        if (renew_id_ == 0) {  // between leases: look again a renewal period later
            cv_.wait_for(g, std::chrono::microseconds(period_us));
            continue;
        }
        const int64_t now = platform::monotonic_us();
        if (generation_ != seen) {  // a new lease: first renewal a third of the TTL after its grant
            seen = generation_;
            next_us = granted_us_ + period_us;
        }
        const int64_t deadline = deadline_us_.load();
        if (now >= deadline) {
            renew_id_ = 0;
            g.unlock();
            declare_lost();
            g.lock();
            continue;
        }
        if (now < next_us) {
            cv_.wait_for(g, std::chrono::microseconds(std::min(next_us, deadline) - now));
            continue;
        }
        const int64_t id = renew_id_;
        const uint64_t gen = generation_;
        g.unlock();
        const int64_t sent = platform::monotonic_us();
        json reply;
        // The budget ends at the deadline: past it the lease is lost anyway.
        int rc = renewer_.call("lease/keepalive", {{"ID", std::to_string(id)}}, &reply,
                               std::max<int64_t>(0, (deadline - sent) / 1000));
        if (rc != FL_OK) clear_error();
        g.lock();
        if (gen != generation_) continue;  // released or re-granted meanwhile
        if (rc == FL_OK) {
            const json &r = reply.contains("result") ? reply["result"] : reply;
            const int64_t ttl = num(r, "TTL");
            if (ttl <= 0) {  // etcd no longer knows the lease: expired
                renew_id_ = 0;
                g.unlock();
                declare_lost();
                g.lock();
                continue;
            }
            deadline_us_ = sent + ttl * 1000000;
            next_us = sent + period_us;
        } else {
            next_us = platform::monotonic_us() + 100000;  // another member may answer soon
        }
    }
}

} // namespace filelock::etcd
