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
    bind(lib, "curl_easy_init", &a.easy_init, &missing);
    bind(lib, "curl_easy_setopt", &a.easy_setopt, &missing);
    bind(lib, "curl_easy_perform", &a.easy_perform, &missing);
    bind(lib, "curl_easy_getinfo", &a.easy_getinfo, &missing);
    bind(lib, "curl_easy_cleanup", &a.easy_cleanup, &missing);
    bind(lib, "curl_easy_strerror", &a.easy_strerror, &missing);
    bind(lib, "curl_slist_append", &a.slist_append, &missing);
    bind(lib, "curl_slist_free_all", &a.slist_free_all, &missing);
    bind(lib, "curl_multi_init", &a.multi_init, &missing);
    bind(lib, "curl_multi_add_handle", &a.multi_add_handle, &missing);
    bind(lib, "curl_multi_remove_handle", &a.multi_remove_handle, &missing);
    bind(lib, "curl_multi_perform", &a.multi_perform, &missing);
    bind(lib, "curl_multi_poll", &a.multi_poll, &missing);  // 7.66
    bind(lib, "curl_multi_cleanup", &a.multi_cleanup, &missing);
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
