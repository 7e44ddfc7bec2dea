#include "etcd/curl_api.hpp"

#include <mutex>
#include <string>

#include "error.hpp"
#include "filelock.h"
#include "platform/platform.hpp"

namespace filelock::etcd {

namespace {

CurlApi g_api;
int g_rc = FL_OK;
std::string g_error;

template <class F>
bool bind(void *lib, const char *name, F *slot, std::string *missing)
{
    void *p = platform::library_symbol(lib, name);
    if (!p) *missing += std::string(missing->empty() ? "" : ", ") + name;
    *slot = reinterpret_cast<F>(p);
    return p != nullptr;
}

void load()
{
    std::string err;
    void *lib = platform::load_library("libcurl.so.4", &err);
    if (!lib) {
        g_rc = FL_ENOTSUP;
        g_error = "the etcd backend needs libcurl (libcurl.so.4, Debian package libcurl4): " + err;
        return;
    }
    std::string missing;
    CurlApi &a = g_api;
    // Each field of CurlApi is libcurl's function of the same name after "curl_".
#define FL_BIND(field) bind(lib, "curl_" #field, &a.field, &missing)
    FL_BIND(easy_init);
    FL_BIND(easy_setopt);
    FL_BIND(easy_perform);
    FL_BIND(easy_getinfo);
    FL_BIND(easy_cleanup);
    FL_BIND(easy_strerror);
    FL_BIND(slist_append);
    FL_BIND(slist_free_all);
    FL_BIND(multi_init);
    FL_BIND(multi_add_handle);
    FL_BIND(multi_remove_handle);
    FL_BIND(multi_perform);
    FL_BIND(multi_poll);  // 7.66
    FL_BIND(multi_cleanup);
#undef FL_BIND
    CURLcode (*global_init)(long) = nullptr;
    bind(lib, "curl_global_init", &global_init, &missing);
    if (!missing.empty()) {
        g_rc = FL_ENOTSUP;
        g_error = "the etcd backend needs libcurl >= 7.66; the loaded one lacks " + missing;
        return;
    }
    if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        g_rc = FL_ENOTSUP;
        g_error = "libcurl failed to initialise";
    }
}

} // namespace

int load_curl()
{
    static std::once_flag once;
    std::call_once(once, load);
    return g_rc == FL_OK ? FL_OK : fail(g_rc, g_error);
}

const CurlApi &curl()
{
    return g_api;
}

} // namespace filelock::etcd
