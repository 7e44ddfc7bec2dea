#include "etcd/lease.hpp"

#include "error.hpp"
#include "filelock.h"
#include "platform/platform.hpp"

namespace filelock::etcd {

int Lease::grant(Client &client, int64_t ttl_s, LostFn on_lost, std::unique_ptr<Lease> *out)
{
    std::unique_ptr<Lease> l(new Lease(client.target(), client.request_ms()));
    const int64_t sent = platform::monotonic_us();
    json reply;
    int rc = client.call("lease/grant", {{"TTL", ttl_s}}, &reply, client.request_ms());
    if (rc != FL_OK) return rc;
    l->id_ = num(reply, "ID");
    l->ttl_s_ = num(reply, "TTL");
    if (l->id_ == 0 || l->ttl_s_ <= 0)
        return fail(FL_EIO, "etcd granted no lease: " + reply.dump());
    l->deadline_us_ = sent + l->ttl_s_ * 1000000;
    l->on_lost_ = std::move(on_lost);
    l->thread_ = std::thread([p = l.get()] { p->run(); });
    *out = std::move(l);
    return FL_OK;
}

Lease::~Lease()
{
    stop();
}

void Lease::stop()
{
    {
        std::lock_guard<std::mutex> g(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
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

void Lease::run()
{
    const int64_t period_us = ttl_s_ * 1000000 / 3;
    int64_t next_us = platform::monotonic_us() + period_us;
    std::unique_lock<std::mutex> g(mu_);
    while (!stopping_) {
        const int64_t now = platform::monotonic_us();
        const int64_t deadline = deadline_us_.load();
        if (now >= deadline) {
            g.unlock();
            declare_lost();
            return;
        }
        if (now < next_us) {
            const int64_t until = std::min(next_us, deadline);
            cv_.wait_for(g, std::chrono::microseconds(until - now));
            continue;
        }
        g.unlock();
        const int64_t sent = platform::monotonic_us();
        json reply;
        // The budget ends at the deadline: past it the lease is lost anyway.
        int rc = renewer_.call("lease/keepalive", {{"ID", std::to_string(id_)}}, &reply,
                               std::max<int64_t>(0, (deadline - sent) / 1000));
        g.lock();
        if (stopping_) break;
        if (rc == FL_OK) {
            const json &r = reply.contains("result") ? reply["result"] : reply;
            int64_t ttl = num(r, "TTL");
            if (ttl <= 0) {  // etcd no longer knows the lease: expired
                g.unlock();
                declare_lost();
                return;
            }
            deadline_us_ = sent + ttl * 1000000;
            next_us = sent + period_us;
        } else {
            next_us = platform::monotonic_us() + 100000;  // another member may answer soon
        }
    }
}

int Lease::revoke(Client &client)
{
    stop();
    json reply;
    return client.call("lease/revoke", {{"ID", std::to_string(id_)}}, &reply, client.request_ms());
}

} // namespace filelock::etcd
