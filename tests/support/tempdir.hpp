// tempdir.hpp - a private temporary directory for one test, removed after.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace filelock::test {

class TempDir {
public:
    TempDir()
    {
#if defined(_WIN32)
        // No mkdtemp: a new name is one create_directory() makes.
        static unsigned counter;
        const auto base = std::filesystem::temp_directory_path();
        for (;;) {
            auto p = base / ("fltest-" + std::to_string(std::rand()) + "-" + std::to_string(counter++));
            std::error_code ec;
            if (std::filesystem::create_directory(p, ec)) {
                path_ = p.string();
                break;
            }
            if (ec) break;
        }
#else
        std::string tmpl = (std::filesystem::temp_directory_path() / "fltest-XXXXXX").string();
        char *p = ::mkdtemp(tmpl.data());
        path_ = p ? p : "";
#endif
    }
    ~TempDir()
    {
        std::error_code ec;
        std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ec);
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;

    const std::string &path() const { return path_; }
    std::string operator/(const std::string &name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

inline void write_file(const std::string &path, const std::string &text)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

inline std::string read_file(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace filelock::test
