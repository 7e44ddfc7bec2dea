// /proc parsing of the Linux platform files (built with them only).
#include <gtest/gtest.h>

#include "platform/linux_proc.hpp"

namespace platform = filelock::platform;

TEST(StatParsing, CommandNameWithSpacesAndParentheses)
{
    // Fields after the LAST ')': state is field 3, start time field 22.
    std::string stat = "4242 (a) b c (d) S 1 4242 4242 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 "
                       "100114 1000 10 18446744073709551615";
    char state = 0;
    EXPECT_EQ(platform::parse_stat_start_token(stat, &state), 100114);
    EXPECT_EQ(state, 'S');
}

TEST(StatParsing, MalformedGivesMinusOne)
{
    EXPECT_EQ(platform::parse_stat_start_token("garbage", nullptr), -1);
    EXPECT_EQ(platform::parse_stat_start_token("1 (x) S 1 2", nullptr), -1);
    EXPECT_EQ(platform::parse_stat_start_token("", nullptr), -1);
}
