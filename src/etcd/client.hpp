// client.hpp - requests to etcd's v3 JSON gateway (POST /v3/...) over
// libcurl (curl_api.hpp): one connection per Client, endpoints rotated when one cannot
// answer, the authentication token fetched and renewed, and gRPC status
// codes turned into FL_E* codes.  Keys and values travel as base64; 64-bit
// integers as decimal strings.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "etcd/url.hpp"

namespace filelock::etcd {

using json = nlohmann::json;

std::string b64(const std::string &raw);
bool unb64(const std::string &text, std::string *raw);
// A gateway int64 (sent as a string, omitted when zero).
int64_t num(const json &obj, const char *field);

class Client {
public:
    // request_ms bounds one request to one member.  load_curl() must have
    // succeeded.
    Client(Target target, int64_t request_ms);
    ~Client();
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    // POST /v3/<path>.  FL_OK with the reply in *out.  A member that cannot
    // answer (connection refused or reset, no leader, a timeout) passes the
    // request to the next; when every member failed and budget_ms (from the
    // first try) has passed, FL_EUNAVAIL naming each failure.  FL_EPERM for
    // authentication or permission errors, FL_EIO for other refusals.
    int call(const char *path, const json &body, json *out, int64_t budget_ms);

    // The member that answered last, and the authentication header for it
    // ("" without a user): for streams opened beside this client.
    const std::string &endpoint() const;
    int auth_header(std::string *out, int64_t budget_ms);
    // A failure outside call() (a broken stream): move to the next member.
    void rotate();

    const Target &target() const { return target_; }
    int64_t request_ms() const { return request_ms_; }
    // Forked child: the connection is the parent's; the destructor leaves
    // it alone (the caller keeps the object, so nothing leaks).
    void abandon();

    // A libcurl easy handle with this client's TLS and timeout settings for
    // `url` (the caller adds the rest and frees it).
    void *new_handle(const std::string &url, int64_t timeout_ms) const;

private:
    int post_once(const std::string &url, const std::string &body, long *status,
                  std::string *reply, std::string *err, int64_t timeout_ms);
    int authenticate(int64_t budget_ms);

    Target target_;
    int64_t request_ms_;
    size_t current_ = 0;
    void *curl_ = nullptr;
    void *headers_ = nullptr;
    std::string token_;
    bool abandoned_ = false;
};

} // namespace filelock::etcd
