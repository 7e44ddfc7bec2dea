#include "etcd/watch.hpp"

#include "etcd/curl_api.hpp"

#include "filelock.h"
#include "platform/platform.hpp"

namespace filelock::etcd {

namespace {
constexpr size_t kMaxLineBytes = 1u << 20;  // one stream message
}

Watch::Watch(Client &client, const std::string &key, int64_t start_revision,
             const std::string &range_end)
    : client_(client), key_(key)
{
    json create = {{"key", b64(key)}, {"filters", {"NOPUT"}}};
    if (start_revision > 0) create["start_revision"] = std::to_string(start_revision);
    if (!range_end.empty()) create["range_end"] = b64(range_end);
    body_ = json{{"create_request", create}}.dump();
}

Watch::~Watch()
{
    if (abandoned_) return;
    if (multi_ && easy_) curl().multi_remove_handle(static_cast<CURLM *>(multi_), static_cast<CURL *>(easy_));
    if (easy_) curl().easy_cleanup(static_cast<CURL *>(easy_));
    if (multi_) curl().multi_cleanup(static_cast<CURLM *>(multi_));
    if (headers_) curl().slist_free_all(static_cast<curl_slist *>(headers_));
}

void Watch::abandon()
{
    abandoned_ = true;
}

size_t Watch::on_data(char *data, size_t size, size_t n, void *self)
{
    auto *w = static_cast<Watch *>(self);
    w->buf_.append(data, size * n);
    size_t nl;
    while ((nl = w->buf_.find('\n')) != std::string::npos) {
        w->take(w->buf_.substr(0, nl));
        w->buf_.erase(0, nl + 1);
    }
    if (w->buf_.size() > kMaxLineBytes) return 0;
    return size * n;
}

// One message of the stream: {"result": {...}} or {"error": {...}}.
void Watch::take(const std::string &line)
{
    json m = json::parse(line, nullptr, false);
    if (!m.is_object()) return;
    if (m.contains("error") || !m.contains("result")) {
        state_ = kBroken;
        return;
    }
    const json &r = m["result"];
    if (r.value("canceled", false) || num(r, "compact_revision") != 0) {
        state_ = kBroken;
        return;
    }
    if (r.value("created", false)) created_rev_ = std::max<int64_t>(1, num(r["header"], "revision"));
    if (!r.contains("events") || !r["events"].is_array()) return;
    for (const json &e : r["events"])
        if (e.value("type", std::string()) == "DELETE") state_ = kDeleted;
}

Watch::State Watch::wait(int64_t max_us, const platform::Wakeup *wake)
{
    if (state_ != kWaiting) return state_;
    if (!started_) {
        started_ = true;
        std::string auth;
        if (client_.auth_header(&auth, client_.request_ms()) != FL_OK) {
            state_ = kBroken;
            return state_;
        }
        CURL *h = static_cast<CURL *>(client_.new_handle(client_.endpoint() + "/v3/watch", 0));
        CURLM *m = curl().multi_init();
        if (!h || !m) {
            if (h) curl().easy_cleanup(h);
            if (m) curl().multi_cleanup(m);
            state_ = kBroken;
            return state_;
        }
        curl_slist *hs = curl().slist_append(nullptr, "Content-Type: application/json");
        if (!auth.empty()) hs = curl().slist_append(hs, auth.c_str());
        headers_ = hs;
        curl().easy_setopt(h, CURLOPT_HTTPHEADER, hs);
        curl().easy_setopt(h, CURLOPT_POSTFIELDS, body_.c_str());
        curl().easy_setopt(h, CURLOPT_POSTFIELDSIZE, long(body_.size()));
        curl().easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
        curl().easy_setopt(h, CURLOPT_WRITEDATA, this);
        curl().multi_add_handle(m, h);
        easy_ = h;
        multi_ = m;
    }
    CURLM *m = static_cast<CURLM *>(multi_);
    const int64_t end = platform::monotonic_us() + std::max<int64_t>(0, max_us);
    const bool was_created = created_rev_ != 0;
    for (;;) {
        int running = 0;
        if (curl().multi_perform(m, &running) != CURLM_OK) state_ = kBroken;
        if (state_ != kWaiting || (!was_created && created_rev_ != 0)) return state_;
        if (running == 0) {  // the stream ended: the member went away
            client_.rotate();
            state_ = kBroken;
            return state_;
        }
        const int64_t left = end - platform::monotonic_us();
        if (left <= 0) return state_;
        curl_waitfd extra[1];
        unsigned n_extra = 0;
        if (wake && wake->fd() >= 0) {
            extra[0] = {wake->fd(), CURL_WAIT_POLLIN, 0};
            n_extra = 1;
        }
        // Round up: a wait of 0 ms would spin.
        curl().multi_poll(m, extra, n_extra, int((left + 999) / 1000), nullptr);
        if (n_extra && (extra[0].revents & CURL_WAIT_POLLIN)) {
            curl().multi_perform(m, &running);
            return state_;
        }
    }
}

} // namespace filelock::etcd
