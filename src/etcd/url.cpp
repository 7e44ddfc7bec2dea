#include "etcd/url.hpp"

#include <cctype>

#include "error.hpp"
#include "filelock.h"

namespace filelock::etcd {

namespace {

int bad(const std::string &url, const std::string &why)
{
    return fail(FL_EINVAL, "bad etcd backend URL '" + url + "': " + why +
                               " (expected etcd://host:port[,host:port...]/prefix)");
}

bool decode_percent(const std::string &in, std::string *out)
{
    out->clear();
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out->push_back(in[i]);
            continue;
        }
        if (i + 2 >= in.size() || !std::isxdigit((unsigned char)in[i + 1]) ||
            !std::isxdigit((unsigned char)in[i + 2]))
            return false;
        out->push_back(static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16)));
        i += 2;
    }
    return true;
}

// "host", "host:port", "[v6]", "[v6]:port" -> "host:port" with brackets kept.
bool host_port(const std::string &hp, std::string *out)
{
    std::string host, port;
    if (!hp.empty() && hp[0] == '[') {
        size_t close = hp.find(']');
        if (close == std::string::npos) return false;
        host = hp.substr(0, close + 1);
        if (close + 1 < hp.size()) {
            if (hp[close + 1] != ':') return false;
            port = hp.substr(close + 2);
        }
    } else {
        size_t colon = hp.find(':');
        host = hp.substr(0, colon);
        if (colon != std::string::npos) port = hp.substr(colon + 1);
    }
    if (host.empty() || host == "[]") return false;
    for (char c : host)
        if (!(std::isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_' || c == '[' ||
              c == ']' || c == ':'))
            return false;
    if (port.empty()) port = "2379";
    if (port.size() > 5) return false;
    for (char c : port)
        if (!std::isdigit((unsigned char)c)) return false;
    long p = std::stol(port);
    if (p < 1 || p > 65535) return false;
    *out = host + ":" + std::to_string(p);
    return true;
}

} // namespace

int parse_url(const std::string &url, Target *out)
{
    Target t;
    std::string rest;
    std::string scheme;
    if (url.rfind("etcd://", 0) == 0) {
        scheme = "http://";
        rest = url.substr(7);
    } else if (url.rfind("etcds://", 0) == 0) {
        scheme = "https://";
        rest = url.substr(8);
    } else {
        return bad(url, "the scheme must be etcd:// or etcds://");
    }
    std::string query;
    if (size_t q = rest.find('?'); q != std::string::npos) {
        query = rest.substr(q + 1);
        rest.resize(q);
    }
    std::string path;
    size_t slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    if (slash != std::string::npos) path = rest.substr(slash + 1);
    if (size_t at = authority.rfind('@'); at != std::string::npos) {
        std::string info = authority.substr(0, at);
        authority = authority.substr(at + 1);
        size_t colon = info.find(':');
        if (!decode_percent(info.substr(0, colon), &t.user) ||
            (colon != std::string::npos && !decode_percent(info.substr(colon + 1), &t.password)))
            return bad(url, "bad percent-escape in the user or password");
        if (t.user.empty()) return bad(url, "empty user name");
    }
    if (authority.empty()) return bad(url, "no host");
    std::string shown;
    size_t start = 0;
    for (;;) {
        size_t comma = authority.find(',', start);
        std::string one = authority.substr(start, comma == std::string::npos ? comma : comma - start);
        std::string hp;
        if (!host_port(one, &hp)) return bad(url, "bad host:port '" + one + "'");
        t.endpoints.push_back(scheme + hp);
        shown += (shown.empty() ? "" : ",") + hp;
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    while (!path.empty() && path.back() == '/') path.pop_back();
    while (!path.empty() && path.front() == '/') path.erase(0, 1);
    for (unsigned char c : path)
        if (c < 0x20 || c == 0x7f) return bad(url, "control character in the prefix");
    t.prefix = path.empty() ? "filelock" : path;
    size_t qs = 0;
    while (!query.empty() && qs <= query.size()) {
        size_t amp = query.find('&', qs);
        std::string kv = query.substr(qs, amp == std::string::npos ? amp : amp - qs);
        size_t eq = kv.find('=');
        std::string k = kv.substr(0, eq), v;
        if (eq == std::string::npos || !decode_percent(kv.substr(eq + 1), &v))
            return bad(url, "bad query item '" + kv + "'");
        if (k == "cacert") t.cacert = v;
        else if (k == "cert") t.cert = v;
        else if (k == "key") t.key = v;
        else if (k == "insecure") t.insecure = (v == "1" || v == "true");
        else return bad(url, "unknown query key '" + k + "' (known: cacert, cert, key, insecure)");
        if (amp == std::string::npos) break;
        qs = amp + 1;
    }
    if ((!t.cacert.empty() || !t.cert.empty() || t.insecure) && scheme == "http://")
        return bad(url, "TLS settings need the etcds:// scheme");
    if (t.cert.empty() != t.key.empty()) return bad(url, "cert= and key= go together");
    t.display = (scheme == "https://" ? "etcds://" : "etcd://") + shown + "/" + t.prefix;
    *out = std::move(t);
    return FL_OK;
}

} // namespace filelock::etcd
