// child.hpp - run a program as a real child process with its standard input
// and output on pipes, so tests synchronise on what it says, not on sleeps.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

extern char **environ;

namespace filelock::test {

class Child {
public:
    explicit Child(const std::vector<std::string> &argv)
    {
        int in[2], out[2];
        if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) return;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        std::vector<char *> args;
        for (const auto &a : argv) args.push_back(const_cast<char *>(a.c_str()));
        args.push_back(nullptr);
        if (posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&fa);
        ::close(in[0]);
        ::close(out[1]);
        stdin_ = in[1];
        stdout_ = out[0];
    }
    ~Child()
    {
        close_stdin();
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            wait();
        }
        if (stdout_ >= 0) ::close(stdout_);
    }
    Child(const Child &) = delete;
    Child &operator=(const Child &) = delete;

    pid_t pid() const { return pid_; }

    // One line of the child's output ("" at end of file).
    std::string read_line()
    {
        std::string line;
        char c;
        while (::read(stdout_, &c, 1) == 1) {
            if (c == '\n') break;
            line += c;
        }
        return line;
    }

    void close_stdin()
    {
        if (stdin_ >= 0) ::close(stdin_);
        stdin_ = -1;
    }

    void signal(int sig) { ::kill(pid_, sig); }

    // Raw wait status.
    int wait()
    {
        if (reaped_) return status_;
        while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
        }
        reaped_ = true;
        return status_;
    }

    int exit_code()
    {
        int st = wait();
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }

private:
    pid_t pid_ = -1;
    int stdin_ = -1;
    int stdout_ = -1;
    int status_ = 0;
    bool reaped_ = false;
};

} // namespace filelock::test
