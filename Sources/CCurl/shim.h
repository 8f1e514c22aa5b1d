// libcurl for doudi-bench's transport comparison (BENCHMARKS.md, "Sync over loopback"):
// curl_easy_setopt is variadic, which Swift cannot call, so each kind of option gets a
// typed wrapper here.
#ifndef DOUDI_CCURL_SHIM_H
#define DOUDI_CCURL_SHIM_H
#include <curl/curl.h>

typedef size_t (*doudi_curl_write_callback)(char *data, size_t size, size_t count, void *user);

static inline CURLcode doudi_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode doudi_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode doudi_curl_set_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode doudi_curl_set_write(CURL *handle, doudi_curl_write_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}
static inline CURLcode doudi_curl_get_response_code(CURL *handle, long *code) {
    return curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, code);
}
#endif
