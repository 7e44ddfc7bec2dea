// The safety suite's main: the helper programs come on the command line.
#include <gtest/gtest.h>

#include "safety.hpp"

namespace filelock::test {
std::string g_locker;
std::string g_swapper;
} // namespace filelock::test

int main(int argc, char **argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s LOCKER SWAPPER\n", argv[0]);
        return 2;
    }
    filelock::test::g_locker = argv[1];
    filelock::test::g_swapper = argv[2];
    return RUN_ALL_TESTS();
}
