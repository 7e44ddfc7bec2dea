// url.hpp - the etcd backend's URL: which members, which key prefix, and
// how to authenticate.
//
//   etcd://[user[:password]@]host[:port][,host[:port]...][/prefix][?k=v&...]
//   etcds://...  the same over TLS (https)
//
// Port 2379 when omitted; prefix "filelock" when omitted.  Query keys:
// cacert=FILE (CA bundle that signed the members' certificates), cert=FILE
// and key=FILE (a client certificate), insecure=1 (do not verify the
// members' certificates: tests only).  user and password are
// percent-decoded.
#pragma once

#include <string>
#include <vector>

namespace filelock::etcd {

struct Target {
    std::vector<std::string> endpoints;  // "http://127.0.0.1:2379", in the given order
    std::string prefix;                  // no leading or trailing '/'
    std::string user, password;          // "" = no authentication
    std::string cacert, cert, key;
    bool insecure = false;
    std::string display;                 // the URL without credentials or query
};

// FL_OK, or FL_EINVAL with a message naming what is wrong.
int parse_url(const std::string &url, Target *out);

} // namespace filelock::etcd
