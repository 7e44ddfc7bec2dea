// etcd_bench - the etcd backend's cost against the same gateway requests
// made by hand (the floor), on one member.  bench/etcd/run.py starts the
// member, runs this, times `etcdctl lock` beside it and prints the table.
//
//   etcd_bench cycle ours URL N          acquire + release, uncontended
//   etcd_bench cycle raw ENDPOINT N      the same requests by hand: lease
//                                        grant, the queue transaction, revoke
//   etcd_bench cycle both URL N          the two alternating, cycle by cycle,
//                                        so that drift hits both alike: prints
//                                        ours p50 p99, then the floor's
//   etcd_bench handoff ours|raw URL|ENDPOINT N settled|fresh
//       a holder releases while a waiter (another process) waits: time from
//       the release call to the waiter holding.  settled: the waiter has
//       waited 150 ms (its watch is up, past etcd's 100 ms catch-up loop);
//       fresh: released as soon as the
//       waiter's key is queued (its watch has only just been asked for).
//   etcd_bench stamp FILE / wait-fifo FIFO FILE   (for timing etcdctl)
//
// Prints "p50_us p99_us" (cycle, handoff).  Raw requests use libcurl and
// nlohmann-json directly, as a hand-written client would.
#include <curl/curl.h>
#include <fcntl.h>
#include <filelock.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

using json = nlohmann::json;

namespace {

int64_t now_ns()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

[[noreturn]] void die(const std::string &what)
{
    std::fprintf(stderr, "etcd_bench: %s\n", what.c_str());
    std::exit(1);
}

void report(std::vector<int64_t> ns)
{
    std::sort(ns.begin(), ns.end());
    auto at = [&](double q) { return ns[std::min(ns.size() - 1, size_t(q * double(ns.size())))] / 1000; };
    std::printf("%lld %lld\n", (long long)at(0.5), (long long)at(0.99));
}

std::string b64(const std::string &in)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        uint32_t v = uint8_t(in[i]) << 16 | uint8_t(in[i + 1]) << 8 | uint8_t(in[i + 2]);
        out += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], t[v & 63]};
    }
    if (in.size() - i == 1) {
        uint32_t v = uint8_t(in[i]) << 16;
        out += {t[v >> 18], t[(v >> 12) & 63], '=', '='};
    } else if (in.size() - i == 2) {
        uint32_t v = uint8_t(in[i]) << 16 | uint8_t(in[i + 1]) << 8;
        out += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], '='};
    }
    return out;
}

size_t collect(char *d, size_t s, size_t n, void *u)
{
    static_cast<std::string *>(u)->append(d, s * n);
    return s * n;
}

// A hand-written gateway client: one connection, no retries.
struct Raw {
    std::string ep;
    CURL *h = curl_easy_init();
    curl_slist *hs = curl_slist_append(nullptr, "Content-Type: application/json");
    explicit Raw(std::string e) : ep(std::move(e))
    {
        curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    }
    ~Raw()
    {
        curl_easy_cleanup(h);
        curl_slist_free_all(hs);
    }
    json post(const char *path, const json &body)
    {
        std::string reply, text = body.dump();
        curl_easy_setopt(h, CURLOPT_URL, (ep + "/v3/" + path).c_str());
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, text.c_str());
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply);
        if (curl_easy_perform(h) != CURLE_OK) die(std::string("request failed: ") + path);
        return json::parse(reply);
    }
    int64_t grant() { return std::stoll(post("lease/grant", {{"TTL", 10}})["ID"].get<std::string>()); }
    void revoke(int64_t id) { post("lease/revoke", {{"ID", std::to_string(id)}}); }
    // The queue transaction: my key if absent, then the two newest keys.
    json enqueue(const std::string &key, int64_t lease, const std::string &dir)
    {
        std::string end = dir;
        end.back()++;
        json range = {{"key", b64(dir)}, {"range_end", b64(end)}, {"sort_target", "CREATE"},
                      {"sort_order", "DESCEND"}, {"limit", 3}};
        json put = {{"key", b64(key)}, {"value", b64("pid=1\n")}, {"lease", std::to_string(lease)}};
        return post("kv/txn", {{"compare", {{{"key", b64(key)}, {"target", "CREATE"}, {"result", "EQUAL"},
                                             {"create_revision", "0"}}}},
                               {"success", {{{"request_put", put}}, {{"request_range", range}}}}});
    }
    int64_t count(const std::string &dir)
    {
        std::string end = dir;
        end.back()++;
        json r = post("kv/range", {{"key", b64(dir)}, {"range_end", b64(end)}, {"count_only", true}});
        return r.contains("count") ? std::stoll(r["count"].get<std::string>()) : 0;
    }
};

// Block until a DELETE event for `key` arrives on a watch from `rev`.
struct RawWatch {
    std::string buf;
    bool deleted = false;
    static size_t on_data(char *d, size_t s, size_t n, void *u)
    {
        auto *w = static_cast<RawWatch *>(u);
        w->buf.append(d, s * n);
        if (w->buf.find("\"DELETE\"") != std::string::npos) w->deleted = true;
        return s * n;
    }
    void wait(const std::string &ep, const std::string &key, int64_t rev)
    {
        CURL *h = curl_easy_init();
        CURLM *m = curl_multi_init();
        curl_slist *hs = curl_slist_append(nullptr, "Content-Type: application/json");
        std::string body = json{{"create_request", {{"key", b64(key)}, {"start_revision", std::to_string(rev)},
                                                    {"filters", {"NOPUT"}}}}}.dump();
        curl_easy_setopt(h, CURLOPT_URL, (ep + "/v3/watch").c_str());
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, this);
        curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
        curl_multi_add_handle(m, h);
        int running = 1;
        while (!deleted && running) {
            curl_multi_perform(m, &running);
            if (!deleted) curl_multi_poll(m, nullptr, 0, 1000, nullptr);
        }
        curl_multi_remove_handle(m, h);
        curl_easy_cleanup(h);
        curl_multi_cleanup(m);
        curl_slist_free_all(hs);
    }
};

fl_lock *make_lock(const char *url, const char *name)
{
    fl_options *o = nullptr;
    fl_lock *l = nullptr;
    if (fl_options_new(&o) != FL_OK || fl_options_set_backend(o, url) != FL_OK ||
        fl_lock_new(&l, name, o) != FL_OK)
        die(std::string("lock: ") + fl_last_error_message());
    fl_options_free(o);
    return l;
}

std::string endpoint_of(const std::string &url)
{
    return "http://" + url.substr(7, url.find('/', 7) - 7);
}

int64_t raw_cycle(Raw &r, const std::string &dir)
{
    int64_t t = now_ns();
    int64_t id = r.grant();
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", (unsigned long long)id);
    json reply = r.enqueue(dir + hex, id, dir);
    if (!reply.value("succeeded", false)) die("raw txn failed");
    r.revoke(id);
    return now_ns() - t;
}

int64_t our_cycle(fl_lock *l)
{
    int64_t t = now_ns();
    if (fl_acquire(l, FL_WAIT_FOREVER) != FL_OK || fl_release(l) != FL_OK) die(fl_last_error_message());
    return now_ns() - t;
}

int cycle_both(const char *url, int n)
{
    fl_lock *l = make_lock(url, "bench-cycle");
    Raw r(endpoint_of(url));
    std::vector<int64_t> ours, raw;
    for (int i = 0; i < n + 5; ++i) {
        int64_t a = our_cycle(l), b = raw_cycle(r, "bench/raw-cycle/");
        if (i >= 5) {
            ours.push_back(a);
            raw.push_back(b);
        }
    }
    fl_lock_free(l);
    report(ours);
    report(raw);
    return 0;
}

int cycle(bool ours, const char *where, int n)
{
    std::vector<int64_t> ns;
    if (ours) {
        fl_lock *l = make_lock(where, "bench-cycle");
        for (int i = 0; i < n + 5; ++i) {
            int64_t d = our_cycle(l);
            if (i >= 5) ns.push_back(d);
        }
        fl_lock_free(l);
    } else {
        Raw r(where);
        for (int i = 0; i < n + 5; ++i) {
            int64_t d = raw_cycle(r, "bench/raw-cycle/");
            if (i >= 5) ns.push_back(d);
        }
    }
    report(ns);
    return 0;
}

void put_i64(int fd, int64_t v)
{
    if (write(fd, &v, sizeof v) != sizeof v) die("pipe");
}

int64_t get_i64(int fd)
{
    int64_t v = 0;
    if (read(fd, &v, sizeof v) != sizeof v) die("pipe");
    return v;
}

// Holder in this process, waiter in a child; pipes pace the rounds.
int handoff(bool ours, const char *where, int n, bool settled)
{
    const std::string ep = ours ? endpoint_of(where) : where;
    const std::string name = ours ? "bench-handoff" : "raw-handoff";
    const std::string dir = ours ? std::string(std::strrchr(where, '/') + 1) + "/" + name + "/"
                                 : "bench/" + name + "/";
    int go[2], back[2];
    if (pipe(go) || pipe(back)) die("pipe");
    pid_t pid = fork();
    if (pid == 0) {  // the waiter
        curl_global_init(CURL_GLOBAL_DEFAULT);
        fl_lock *l = ours ? make_lock(where, name.c_str()) : nullptr;
        Raw r(ep);
        for (;;) {
            int64_t cmd = get_i64(go[0]);
            if (cmd < 0) _exit(0);
            if (ours) {
                if (fl_acquire(l, FL_WAIT_FOREVER) != FL_OK) die(fl_last_error_message());
                int64_t t1 = now_ns();
                fl_release(l);
                put_i64(back[1], t1);
            } else {
                int64_t id = r.grant();
                char hex[17];
                std::snprintf(hex, sizeof hex, "%016llx", (unsigned long long)id);
                json reply = r.enqueue(dir + hex, id, dir);
                const json &kvs = reply["responses"][1]["response_range"]["kvs"];
                if (kvs.size() >= 2) {
                    std::string pred;
                    // base64 key of the one before mine
                    std::string k64 = kvs[1]["key"].get<std::string>();
                    static const std::string t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
                    uint32_t acc = 0;
                    int bits = 0;
                    for (char c : k64) {
                        if (c == '=') break;
                        acc = acc << 6 | uint32_t(t.find(c));
                        bits += 6;
                        if (bits >= 8) {
                            bits -= 8;
                            pred.push_back(char((acc >> bits) & 0xff));
                        }
                    }
                    int64_t rev = std::stoll(reply["header"]["revision"].get<std::string>());
                    RawWatch w;
                    w.wait(ep, pred, rev + 1);
                }
                int64_t t1 = now_ns();
                r.revoke(id);
                put_i64(back[1], t1);
            }
        }
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    Raw r(ep);
    fl_lock *l = ours ? make_lock(where, name.c_str()) : nullptr;
    std::vector<int64_t> ns;
    for (int i = 0; i < n + 3; ++i) {
        int64_t id = 0;
        if (ours) {
            if (fl_acquire(l, FL_WAIT_FOREVER) != FL_OK) die(fl_last_error_message());
        } else {
            id = r.grant();
            char hex[17];
            std::snprintf(hex, sizeof hex, "%016llx", (unsigned long long)id);
            r.enqueue(dir + hex, id, dir);
        }
        put_i64(go[1], 1);
        while (r.count(dir) < 2) {
        }
        if (settled) usleep(150000);
        int64_t t0 = now_ns();
        if (ours)
            fl_release(l);
        else
            r.revoke(id);
        int64_t t1 = get_i64(back[0]);
        if (i >= 3) ns.push_back(t1 - t0);
    }
    put_i64(go[1], -1);
    waitpid(pid, nullptr, 0);
    report(ns);
    return 0;
}

int stamp(const char *file)
{
    FILE *f = std::fopen(file, "w");
    if (!f) return 1;
    std::fprintf(f, "%lld\n", (long long)now_ns());
    return std::fclose(f) == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc >= 5 && !std::strcmp(argv[1], "cycle")) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        if (!std::strcmp(argv[2], "both")) return cycle_both(argv[3], std::atoi(argv[4]));
        return cycle(!std::strcmp(argv[2], "ours"), argv[3], std::atoi(argv[4]));
    }
    if (argc >= 6 && !std::strcmp(argv[1], "handoff"))
        return handoff(!std::strcmp(argv[2], "ours"), argv[3], std::atoi(argv[4]), !std::strcmp(argv[5], "settled"));
    if (argc >= 3 && !std::strcmp(argv[1], "stamp")) return stamp(argv[2]);
    if (argc >= 4 && !std::strcmp(argv[1], "wait-fifo")) {
        int fd = open(argv[2], O_RDONLY);
        char c;
        if (fd < 0 || read(fd, &c, 1) != 1) return 1;
        return stamp(argv[3]);
    }
    std::fprintf(stderr, "usage: etcd_bench cycle|handoff|stamp|wait-fifo ...\n");
    return 2;
}
