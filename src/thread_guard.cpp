#include "thread_guard.hpp"

#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "platform/platform.hpp"

namespace filelock::thread_guard {

namespace {

struct Entry {
    const void *owner;
    std::thread::id thread;
    bool shared;
};

struct IdHash {
    size_t operator()(const LockId &id) const
    {
        return std::hash<uint64_t>()(id.lo * 31 + id.hi);
    }
};

std::mutex g_mu;
std::unordered_map<LockId, std::vector<Entry>, IdHash> &table()
{
    static auto *t = new std::unordered_map<LockId, std::vector<Entry>, IdHash>();
    return *t;  // never destroyed: handles may be freed during static destruction
}

// A fork while another thread holds g_mu would leave the child's copy
// locked forever; and the child holds none of its parent's locks, so its
// table starts empty (its own new handles wait for the parent's locks like
// any other process's).
void install_fork_handlers()
{
    static std::once_flag once;
    std::call_once(once, [] {
        platform::at_fork([] { g_mu.lock(); }, [] { g_mu.unlock(); },
                          [] {
                              table().clear();
                              g_mu.unlock();
                          });
    });
}

} // namespace

void add(const LockId &id, const void *owner, bool shared)
{
    install_fork_handlers();
    std::lock_guard<std::mutex> g(g_mu);
    table()[id].push_back(Entry{owner, std::this_thread::get_id(), shared});
}

void remove(const LockId &id, const void *owner)
{
    std::lock_guard<std::mutex> g(g_mu);
    auto it = table().find(id);
    if (it == table().end()) return;
    auto &v = it->second;
    for (size_t i = 0; i < v.size(); ++i)
        if (v[i].owner == owner) {
            v.erase(v.begin() + static_cast<long>(i));
            break;
        }
    if (v.empty()) table().erase(it);
}

bool self_deadlock(const LockId &id, const void *owner, bool shared)
{
    std::lock_guard<std::mutex> g(g_mu);
    auto it = table().find(id);
    if (it == table().end()) return false;
    for (const Entry &e : it->second)
        if (e.owner != owner && e.thread == std::this_thread::get_id() && !(shared && e.shared))
            return true;
    return false;
}

} // namespace filelock::thread_guard
