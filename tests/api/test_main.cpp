// The 1.1 API suite's main: the locker helper comes on the command line.
#include "api.hpp"

namespace filelock::test {
std::string g_locker;
} // namespace filelock::test

int main(int argc, char **argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s LOCKER\n", argv[0]);
        return 2;
    }
    filelock::test::g_locker = argv[1];
    return RUN_ALL_TESTS();
}
