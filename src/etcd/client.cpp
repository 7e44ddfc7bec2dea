#include "etcd/client.hpp"

#include "etcd/curl_api.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>

#include "error.hpp"
#include "filelock.h"
#include "platform/platform.hpp"

namespace filelock::etcd {

namespace {

constexpr size_t kMaxReplyBytes = 16u << 20;  // a reply larger than this is refused
const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t collect(char *data, size_t size, size_t n, void *user)
{
    auto *s = static_cast<std::string *>(user);
    if (s->size() + size * n > kMaxReplyBytes) return 0;  // aborts the transfer
    s->append(data, size * n);
    return size * n;
}

// gRPC status codes the gateway passes on: worth another member, or final.
bool retryable(long status, const json &reply)
{
    int code = reply.is_object() && reply.contains("code") && reply["code"].is_number()
                   ? reply["code"].get<int>() : 0;
    std::string msg = reply.is_object() && reply.contains("error") && reply["error"].is_string()
                          ? reply["error"].get<std::string>() : "";
    if (code == 14 || code == 4 || status == 503 || status == 504) return true;  // UNAVAILABLE, DEADLINE
    return msg.find("no leader") != std::string::npos ||
           msg.find("leader changed") != std::string::npos ||
           msg.find("timed out") != std::string::npos ||
           msg.find("not capable") != std::string::npos;
}

} // namespace

std::string b64(const std::string &raw)
{
    std::string out;
    out.reserve((raw.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < raw.size(); i += 3) {
        uint32_t v = (uint8_t)raw[i] << 16 | (uint8_t)raw[i + 1] << 8 | (uint8_t)raw[i + 2];
        out += {kB64[v >> 18], kB64[(v >> 12) & 63], kB64[(v >> 6) & 63], kB64[v & 63]};
    }
    if (i + 1 == raw.size()) {
        uint32_t v = (uint8_t)raw[i] << 16;
        out += {kB64[v >> 18], kB64[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == raw.size()) {
        uint32_t v = (uint8_t)raw[i] << 16 | (uint8_t)raw[i + 1] << 8;
        out += {kB64[v >> 18], kB64[(v >> 12) & 63], kB64[(v >> 6) & 63], '='};
    }
    return out;
}

bool unb64(const std::string &text, std::string *raw)
{
    raw->clear();
    if (text.size() % 4) return false;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '=') {
            if (i + 2 < text.size()) return false;
            break;
        }
        const char *p = c ? std::strchr(kB64, c) : nullptr;
        if (!p) return false;
        acc = acc << 6 | uint32_t(p - kB64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            raw->push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    return true;
}

int64_t num(const json &obj, const char *field)
{
    if (!obj.is_object()) return 0;
    auto it = obj.find(field);
    if (it == obj.end()) return 0;
    if (it->is_number_integer()) return it->get<int64_t>();
    if (!it->is_string()) return 0;
    try {
        return std::stoll(it->get<std::string>());
    } catch (...) {
        return 0;
    }
}

Client::Client(Target target, int64_t request_ms) : target_(std::move(target)), request_ms_(request_ms)
{
    // Clients start at different members, so that many processes spread
    // over the cluster; each stays with a member until it fails.
    static std::atomic<uint64_t> made{0};
    current_ = static_cast<size_t>((uint64_t(platform::current_pid()) * 2654435761u + made++) %
                                   target_.endpoints.size());
}

Client::~Client()
{
    if (abandoned_) return;
    if (curl_) curl().easy_cleanup(static_cast<CURL *>(curl_));
    if (headers_) curl().slist_free_all(static_cast<curl_slist *>(headers_));
}

void Client::abandon()
{
    // The descriptor is the parent's connection too; a clean close (TLS
    // close_notify) would end it for the parent.  Never close it.
    abandoned_ = true;
}

const std::string &Client::endpoint() const
{
    return target_.endpoints[current_ % target_.endpoints.size()];
}

void Client::rotate()
{
    current_ = (current_ + 1) % target_.endpoints.size();
    if (curl_) curl().easy_cleanup(static_cast<CURL *>(curl_));
    curl_ = nullptr;
}

void *Client::new_handle(const std::string &url, int64_t timeout_ms) const
{
    CURL *h = curl().easy_init();
    if (!h) return nullptr;
    curl().easy_setopt(h, CURLOPT_URL, url.c_str());
    curl().easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl().easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl().easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl().easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl().easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, long(std::min<int64_t>(request_ms_, 1000)));
    if (timeout_ms > 0) curl().easy_setopt(h, CURLOPT_TIMEOUT_MS, long(timeout_ms));
    if (!target_.cacert.empty()) curl().easy_setopt(h, CURLOPT_CAINFO, target_.cacert.c_str());
    if (!target_.cert.empty()) {
        curl().easy_setopt(h, CURLOPT_SSLCERT, target_.cert.c_str());
        curl().easy_setopt(h, CURLOPT_SSLKEY, target_.key.c_str());
    }
    if (target_.insecure) {
        curl().easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl().easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    return h;
}

// One POST to one member: FL_OK with the HTTP status, or FL_EUNAVAIL with
// libcurl's words for why no answer came.
int Client::post_once(const std::string &url, const std::string &body, long *status,
                      std::string *reply, std::string *err, int64_t timeout_ms)
{
    if (!curl_) {
        curl_ = new_handle(url, timeout_ms);
        if (!curl_) return fail(FL_ENOMEM, "cannot create an HTTP handle");
    }
    CURL *h = static_cast<CURL *>(curl_);
    curl_slist *hs = curl().slist_append(nullptr, "Content-Type: application/json");
    if (!token_.empty()) hs = curl().slist_append(hs, ("Authorization: " + token_).c_str());
    if (headers_) curl().slist_free_all(static_cast<curl_slist *>(headers_));
    headers_ = hs;
    reply->clear();
    curl().easy_setopt(h, CURLOPT_URL, url.c_str());
    curl().easy_setopt(h, CURLOPT_HTTPHEADER, hs);
    curl().easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
    curl().easy_setopt(h, CURLOPT_POSTFIELDSIZE, long(body.size()));
    curl().easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl().easy_setopt(h, CURLOPT_WRITEDATA, reply);
    CURLcode rc = curl().easy_perform(h);
    if (rc != CURLE_OK) {
        *err = curl().easy_strerror(rc);
        if (rc == CURLE_WRITE_ERROR) return fail(FL_EIO, "etcd reply larger than 16 MiB");
        // A certificate that does not verify, or one of ours that cannot be
        // used, is not a member being down: no other member will do better.
        if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
            rc == CURLE_SSL_CERTPROBLEM)
            return fail(FL_EPERM, "TLS with etcd at " + url.substr(0, url.find("/v3/")) + ": " + *err);
        return FL_EUNAVAIL;
    }
    curl().easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    return FL_OK;
}

int Client::authenticate(int64_t budget_ms)
{
    token_.clear();
    json reply;
    int rc = call("auth/authenticate", {{"name", target_.user}, {"password", target_.password}},
                  &reply, budget_ms);
    if (rc != FL_OK) return rc;
    if (!reply.contains("token") || !reply["token"].is_string() || reply["token"].get<std::string>().empty())
        return fail(FL_EPERM, "etcd accepted user '" + target_.user + "' but sent no token");
    token_ = reply["token"].get<std::string>();
    return FL_OK;
}

int Client::auth_header(std::string *out, int64_t budget_ms)
{
    out->clear();
    if (target_.user.empty()) return FL_OK;
    if (token_.empty())
        if (int rc = authenticate(budget_ms); rc != FL_OK) return rc;
    *out = "Authorization: " + token_;
    return FL_OK;
}

int Client::call(const char *path, const json &body, json *out, int64_t budget_ms)
{
    bool authenticating = std::string(path) == "auth/authenticate";
    if (!target_.user.empty() && token_.empty() && !authenticating)
        if (int rc = authenticate(budget_ms); rc != FL_OK) return rc;
    const std::string text = body.dump();
    const int64_t start = platform::monotonic_us();
    std::string failures;
    bool reauthed = false;
    for (size_t tries = 0;; ++tries) {
        const std::string &ep = endpoint();
        long status = 0;
        std::string reply, err;
        // No try runs far past the budget: a renewal's ends at the lease's deadline.
        const int64_t left_ms = budget_ms - (platform::monotonic_us() - start) / 1000;
        const int64_t try_ms = std::clamp<int64_t>(left_ms, 100, request_ms_);
        if (curl_) curl().easy_setopt(static_cast<CURL *>(curl_), CURLOPT_TIMEOUT_MS, long(try_ms));
        int rc = post_once(ep + "/v3/" + path, text, &status, &reply, &err, try_ms);
        if (rc != FL_OK && rc != FL_EUNAVAIL) return rc;
        json parsed;
        if (rc == FL_OK) {
            parsed = json::parse(reply, nullptr, false);
            if (status == 200 && parsed.is_object()) {
                *out = std::move(parsed);
                return FL_OK;
            }
            std::string msg = parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()
                                  ? parsed["error"].get<std::string>()
                                  : "HTTP " + std::to_string(status);
            if (!retryable(status, parsed)) {
                if (msg.find("invalid auth token") != std::string::npos && !reauthed && !authenticating) {
                    reauthed = true;
                    if (int a = authenticate(budget_ms); a != FL_OK) return a;
                    --tries;
                    continue;
                }
                int code = parsed.is_object() ? int(num(parsed, "code")) : 0;
                const bool auth = msg.find("user name") != std::string::npos ||
                                  msg.find("authentication failed") != std::string::npos ||
                                  msg.find("permission denied") != std::string::npos;
                if (code == 16 || code == 7 || auth || status == 401 || status == 403)
                    return fail(FL_EPERM, "etcd at " + ep + " refused: " + msg);
                return fail(FL_EIO, "etcd at " + ep + " refused /v3/" + path + ": " + msg);
            }
            err = msg;
        }
        failures += (failures.empty() ? "" : "; ") + ep + ": " + err;
        rotate();
        const int64_t spent_ms = (platform::monotonic_us() - start) / 1000;
        if (tries + 1 >= target_.endpoints.size() && spent_ms >= budget_ms)
            return fail(FL_EUNAVAIL, "etcd unavailable (" + failures + ")");
        if ((tries + 1) % target_.endpoints.size() == 0) {
            failures.clear();
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(50, budget_ms - spent_ms + 1)));
        }
    }
}

} // namespace filelock::etcd
