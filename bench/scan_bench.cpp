// scan_bench - fl_scan against `find DIR -name '*.lock'` on the same tree.
//
// Builds a tree of FILES files of which LOCKS are lock files (defaults
// 100,000 and 1,000: one lock file per leaf directory, ten leaves per parent)
// in a fresh directory under DIR (default: the temp directory), warms the
// page cache, then times both in alternation and prints the medians and
// their ratio.  fl_scan does more than find: it reads and judges every lock
// file and takes a /proc/locks snapshot; the ratio shows what that costs.
//
// Usage: scan_bench [--files N] [--locks M] [--runs R] [--keep] [DIR]
// Everything printed is measured in this run.
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "filelock.h"

extern char **environ;

namespace {

struct Args {
    long files = 100000;
    long locks = 1000;
    int runs = 9;
    bool keep = false;
    std::string base = std::filesystem::temp_directory_path().string();
};

[[noreturn]] void die(const std::string &msg)
{
    std::fprintf(stderr, "scan_bench: %s\n", msg.c_str());
    std::exit(2);
}

Args parse(int argc, char **argv)
{
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string s = argv[i];
        auto value = [&]() -> long {
            if (i + 1 >= argc) die("missing value after " + s);
            return std::atol(argv[++i]);
        };
        if (s == "--files") a.files = value();
        else if (s == "--locks") a.locks = value();
        else if (s == "--runs") a.runs = static_cast<int>(value());
        else if (s == "--keep") a.keep = true;
        else if (s == "--help" || s == "-h") {
            std::puts("usage: scan_bench [--files N] [--locks M] [--runs R] [--keep] [DIR]");
            std::exit(0);
        } else a.base = s;
    }
    if (a.locks < 1 || a.files < a.locks || a.runs < 1) die("need files >= locks >= 1, runs >= 1");
    return a;
}

void write_file(const std::string &path, const std::string &text)
{
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
        die("cannot write " + path + ": " + std::strerror(errno));
    ::close(fd);
}

// Leaves p<i/10>/d<i>, each with one lock file and its share of other files.
void build_tree(const std::string &root, long files, long locks)
{
    const long per_dir = files / locks;
    long written = 0;
    char host[256] = {0};
    ::gethostname(host, sizeof host - 1);
    for (long d = 0; d < locks; ++d) {
        std::string parent = root + "/p" + std::to_string(d / 10);
        std::string leaf = parent + "/d" + std::to_string(d);
        ::mkdir(parent.c_str(), 0755);
        if (::mkdir(leaf.c_str(), 0755) != 0) die("cannot create " + leaf);
        // Records of a few kinds: this (live) process, a long-gone one, junk.
        std::string rec = d % 3 == 0 ? std::to_string(::getpid()) + "\nv=1\nhost=" + host + "\n"
                        : d % 3 == 1 ? "999999\nv=1\nhost=" + std::string(host) + "\nacquired=1\n"
                                     : "not a record\n";
        write_file(leaf + "/data" + std::to_string(d) + ".lock", rec);
        const long others = (d == locks - 1 ? files - written : per_dir) - 1;
        for (long f = 0; f < others; ++f) write_file(leaf + "/f" + std::to_string(f) + ".dat", "");
        written += others + 1;
    }
}

double ms_since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

double time_scan(const std::string &root, size_t *count, size_t *errors)
{
    auto t0 = std::chrono::steady_clock::now();
    fl_lock_list *list = nullptr;
    if (fl_scan(root.c_str(), nullptr, &list) != FL_OK)
        die(std::string("fl_scan failed: ") + fl_last_error_message());
    double ms = ms_since(t0);
    *count = list->count;
    *errors = list->error_count;
    fl_lock_list_free(list);
    return ms;
}

// find as a child process, its output to /dev/null; the time includes its
// start-up, as it would for anyone running it.
double time_find(const std::string &root)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    const char *argv[] = {"find", root.c_str(), "-name", "*.lock", nullptr};
    auto t0 = std::chrono::steady_clock::now();
    pid_t pid;
    if (posix_spawnp(&pid, "find", &fa, nullptr, const_cast<char **>(argv), environ) != 0)
        die("cannot run find");
    int st = 0;
    ::waitpid(pid, &st, 0);
    double ms = ms_since(t0);
    posix_spawn_file_actions_destroy(&fa);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) die("find failed");
    return ms;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

} // namespace

int main(int argc, char **argv)
{
    Args a = parse(argc, argv);
    std::string tmpl = a.base + "/filelock-scan-bench-XXXXXX";
    if (!::mkdtemp(tmpl.data())) die("cannot create a directory under " + a.base);
    const std::string root = tmpl;

    std::printf("building %ld files (%ld lock files) in %s ...\n", a.files, a.locks, root.c_str());
    build_tree(root, a.files, a.locks);

    size_t count = 0, errors = 0;
    time_scan(root, &count, &errors);  // warm the caches for both
    time_find(root);
    std::vector<double> scan_ms, find_ms;
    for (int r = 0; r < a.runs; ++r) {
        scan_ms.push_back(time_scan(root, &count, &errors));
        find_ms.push_back(time_find(root));
    }
    if (count != static_cast<size_t>(a.locks) || errors != 0)
        die("fl_scan found " + std::to_string(count) + " lock files and " + std::to_string(errors) +
            " errors; expected " + std::to_string(a.locks) + " and 0");

    const double s = median(scan_ms), f = median(find_ms);
    std::printf("fl_scan (judges %zu lock files)   median of %d: %8.2f ms\n", count, a.runs, s);
    std::printf("find DIR -name '*.lock'            median of %d: %8.2f ms\n", a.runs, f);
    std::printf("ratio fl_scan / find: %.2f (target <= 2.00)\n", s / f);

    if (a.keep) {
        std::printf("tree kept in %s\n", root.c_str());
    } else {
        std::error_code ec;
        std::filesystem::remove_all(root, ec);
    }
    return 0;
}
