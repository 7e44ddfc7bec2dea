// child.cpp - fork/exec with exec errors reported through a close-on-exec
// pipe, waitpid with EINTR handling, and the signal-forwarding thread.
#include "child.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include <cerrno>
#include <csignal>
#include <cstdlib>

namespace flcli {

namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

void ignore_chld(int) {}

bool ignored_at_start(int sig)
{
    struct sigaction sa;
    return sigaction(sig, nullptr, &sa) == 0 && sa.sa_handler == SIG_IGN;
}

bool sent_by_terminal(const siginfo_t &si)
{
#if defined(SI_KERNEL)
    return si.si_code == SI_KERNEL;
#else
    return si.si_code > 0 && si.si_code != SI_USER && si.si_code != SI_QUEUE;
#endif
}

// In the child between fork and exec: async-signal-safe calls only.
[[noreturn]] void exec_child(char *const argv[], const sigset_t *mask, int report_fd,
                             pid_t parent, bool stdout_to_stderr, int out_fd, int err_fd)
{
    sigprocmask(SIG_SETMASK, mask, nullptr);
    if (out_fd >= 0) dup2(out_fd, STDOUT_FILENO);
    if (err_fd >= 0) dup2(err_fd, STDERR_FILENO);
    if (stdout_to_stderr) dup2(STDERR_FILENO, STDOUT_FILENO);
#if defined(__linux__)
    // If filelock is killed outright, the lock is gone: stop the command too.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) raise(SIGTERM);
#else
    (void)parent;
#endif
    execvp(argv[0], argv);
    int err = errno;
    ssize_t n;
    do n = write(report_fd, &err, sizeof err);
    while (n < 0 && errno == EINTR);
    _exit(127);
}

} // namespace

SignalForwarder::SignalForwarder(Mode mode) : mode_(mode)
{
    sigemptyset(&waited_);
    for (int sig : kForwarded)
        if (!ignored_at_start(sig)) sigaddset(&waited_, sig);
    // SIGCHLD wakes the thread for shutdown; children are reaped by wait().
    sigaddset(&waited_, SIGCHLD);
    struct sigaction sa {};
    sa.sa_handler = ignore_chld;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, &old_chld_);
    pthread_sigmask(SIG_BLOCK, &waited_, &old_mask_);
    thread_ = std::thread([this] { loop(); });
}

SignalForwarder::~SignalForwarder()
{
    stop_.store(true);
    pthread_kill(thread_.native_handle(), SIGCHLD);
    thread_.join();
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
    sigaction(SIGCHLD, &old_chld_, nullptr);
}

void SignalForwarder::on_signal(std::function<void(int)> fn)
{
    std::lock_guard<std::mutex> g(mu_);
    on_signal_ = std::move(fn);
}

void SignalForwarder::loop()
{
    while (!stop_.load()) {
        siginfo_t si{};
        int sig = sigwaitinfo(&waited_, &si);
        if (sig < 0 || stop_.load()) continue;
        if (sig == SIGCHLD) continue;
        handle(sig, sent_by_terminal(si));
    }
}

void SignalForwarder::handle(int sig, bool from_terminal)
{
    int none = 0;
    first_signal_.compare_exchange_strong(none, sig);
    std::function<void(int)> callback;
    {
        std::lock_guard<std::mutex> g(mu_);
        if (mode_ == Mode::Run && !started_) {
            // Nothing to forward to yet: die of the signal, as without us.
            signal(sig, SIG_DFL);
            sigset_t one;
            sigemptyset(&one);
            sigaddset(&one, sig);
            pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
            raise(sig);
            _exit(128 + sig);  // only if the default action did not end us
        }
        if (mode_ == Mode::Batch) cancelled_ = true;
        if (!from_terminal)
            for (pid_t pid : children_) kill(pid, sig);
        callback = on_signal_;
    }
    if (callback) callback(sig);
}

int SignalForwarder::spawn(const std::vector<std::string> &argv, pid_t *pid, bool stdout_to_stderr)
{
    return start(argv, pid, stdout_to_stderr, -1, -1);
}

int SignalForwarder::spawn_into(const std::vector<std::string> &argv, pid_t *pid, int out_fd, int err_fd)
{
    return start(argv, pid, false, out_fd, err_fd);
}

int SignalForwarder::start(const std::vector<std::string> &argv, pid_t *pid, bool stdout_to_stderr,
                           int out_fd, int err_fd)
{
    if (argv.empty()) return EINVAL;
    std::vector<char *> args;
    args.reserve(argv.size() + 1);
    for (const std::string &a : argv) args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);

    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return errno;
    const pid_t parent = getpid();
    pid_t child;
    int fork_errno = 0;
    {
        // Held across fork so that a signal is either forwarded to this
        // child or handled as "no child yet", never lost in between.
        std::lock_guard<std::mutex> g(mu_);
        if (cancelled_) {
            close(report[0]);
            close(report[1]);
            return ECANCELED;
        }
        child = fork();
        fork_errno = errno;
        if (child == 0) exec_child(args.data(), &old_mask_, report[1], parent, stdout_to_stderr, out_fd, err_fd);
        if (child > 0) {
            children_.insert(child);
            started_ = true;
        }
    }
    close(report[1]);
    if (child < 0) {
        close(report[0]);
        return fork_errno;
    }
    int exec_errno = 0;
    ssize_t n;
    do n = read(report[0], &exec_errno, sizeof exec_errno);
    while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n == static_cast<ssize_t>(sizeof exec_errno)) {
        wait(child);
        return exec_errno ? exec_errno : ENOEXEC;
    }
    *pid = child;
    return 0;
}

int SignalForwarder::wait(pid_t pid)
{
    int status = 0;
    pid_t r;
    do r = waitpid(pid, &status, 0);
    while (r < 0 && errno == EINTR);
    std::lock_guard<std::mutex> g(mu_);
    children_.erase(pid);
    return r < 0 ? (127 << 8) : status;
}

void stop_child(pid_t pid)
{
    if (pid > 0) ::kill(pid, SIGTERM);
}

void set_child_env(const std::string &name, const std::string &value)
{
    ::setenv(name.c_str(), value.c_str(), 1);
}

std::vector<std::string> shell_command(const std::string &cmd)
{
    return {"/bin/sh", "-c", cmd};
}

int exit_code_of(int wait_status)
{
    if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return 127;
}

} // namespace flcli
