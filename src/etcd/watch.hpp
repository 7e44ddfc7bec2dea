// watch.hpp - a watch stream on one key (or a range) for a DELETE, read through
// libcurl's multi interface so that a wait can also end on a wake-up
// descriptor (cancellation) or a time limit.
#pragma once

#include <cstdint>
#include <string>

#include "etcd/client.hpp"

namespace filelock::platform {
class Wakeup;
}

namespace filelock::etcd {

class Watch {
public:
    // Watch `key` (or every key in [key, range_end)) for deletions from
    // `start_revision` on (0: from when etcd creates the watch), through the
    // client's current member.  Nothing is sent until wait().
    //
    // etcd serves a watch that starts at a revision it has already passed
    // from a catch-up loop that runs every 100 ms; one that starts "now" is
    // served as each change is made.  So a waiter starts its watch "now" and
    // closes the gap between its read and the watch's creation itself, with
    // one read once created_revision() is known (etcd_engine.cpp).
    Watch(Client &client, const std::string &key, int64_t start_revision,
          const std::string &range_end = "");
    ~Watch();
    Watch(const Watch &) = delete;
    Watch &operator=(const Watch &) = delete;

    enum State { kWaiting, kDeleted, kBroken };
    // Read the stream for up to max_us, or until `wake` is signalled.
    State wait(int64_t max_us, const platform::Wakeup *wake);
    State state() const { return state_; }
    // The revision etcd reported when it created the watch; 0 before.
    // wait() returns as soon as it is known.
    int64_t created_revision() const { return created_rev_; }
    const std::string &key() const { return key_; }
    // Forked child: the stream is the parent's; the destructor leaves it.
    void abandon();

private:
    void take(const std::string &line);
    static size_t on_data(char *data, size_t size, size_t n, void *self);

    Client &client_;
    std::string key_;
    std::string body_;
    std::string buf_;
    State state_ = kWaiting;
    bool started_ = false;
    int64_t created_rev_ = 0;
    void *multi_ = nullptr;
    void *easy_ = nullptr;
    void *headers_ = nullptr;
    bool abandoned_ = false;
};

} // namespace filelock::etcd
