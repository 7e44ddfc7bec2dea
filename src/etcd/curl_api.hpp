// curl_api.hpp - libcurl, loaded when the first etcd handle is made, so
// that a program using lock files only never loads it (or its thirty
// dependencies).  The headers give the types; the functions come from
// libcurl.so.4 at run time.
#pragma once

#include <curl/curl.h>

namespace filelock::etcd {

struct CurlApi {
    CURL *(*easy_init)();
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    curl_slist *(*slist_append)(curl_slist *, const char *);
    void (*slist_free_all)(curl_slist *);
    CURLM *(*multi_init)();
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, curl_waitfd[], unsigned, int, int *);
    CURLMcode (*multi_cleanup)(CURLM *);
};

// Load libcurl once (thread-safe): FL_OK, or FL_ENOTSUP with a message
// saying what is missing.
int load_curl();
// The loaded functions; only after load_curl() returned FL_OK.
const CurlApi &curl();

} // namespace filelock::etcd
