// The record format (PROTOCOL D) and /proc/<pid>/stat parsing.
#include <gtest/gtest.h>

#include "platform/linux_proc.hpp"
#include "platform/platform.hpp"
#include "file/record.hpp"

using namespace filelock;

TEST(Record, FormatThenParseRoundTrips)
{
    Record r;
    r.pid = 4242;
    r.host = "host-a";
    r.boot = "b00t";
    r.pidns = "4026531836";
    r.start = 123456;
    r.acquired_ms = 1700000000123;
    r.tag = "nightly run";
    r.target = "/data/report.pptx";
    std::string text = format_record(r);
    EXPECT_EQ(text.rfind("4242\nv=1\n", 0), 0u) << "first line must be the bare PID";
    Record p = parse_record(text);
    ASSERT_TRUE(p.valid) << p.problem;
    EXPECT_EQ(p.pid, 4242);
    EXPECT_EQ(p.host, "host-a");
    EXPECT_EQ(p.boot, "b00t");
    EXPECT_EQ(p.pidns, "4026531836");
    EXPECT_EQ(p.start, 123456);
    EXPECT_EQ(p.acquired_ms, 1700000000123);
    EXPECT_EQ(p.tag, "nightly run");
    EXPECT_EQ(p.target, "/data/report.pptx");
}

TEST(Record, OriginalFormatIsJustAPid)
{
    for (const char *text : {"1234", "1234\n", " 1234 \r\n"}) {
        Record p = parse_record(text);
        ASSERT_TRUE(p.valid) << text;
        EXPECT_EQ(p.pid, 1234);
        EXPECT_TRUE(p.host.empty());
        EXPECT_EQ(p.start, -1);
        EXPECT_EQ(p.acquired_ms, -1);
    }
}

TEST(Record, UnknownKeysAreIgnored)
{
    Record p = parse_record("77\nv=1\nfuture=thing\nhost=h\n");
    ASSERT_TRUE(p.valid);
    EXPECT_EQ(p.host, "h");
}

TEST(Record, RejectsPidsOutsideRange)
{
    for (const char *text : {"0\n", "-1\n", "1099511627776\n", "2147483648\n", "+5\n", "12abc\n",
                             "99999999999999999999999\n"}) {
        Record p = parse_record(text);
        EXPECT_FALSE(p.valid) << text;
        EXPECT_EQ(p.pid, 0) << text;
        EXPECT_FALSE(p.problem.empty());
    }
    EXPECT_TRUE(parse_record("2147483647\n").valid);
    EXPECT_TRUE(parse_record("1\n").valid);
}

TEST(Record, RejectsEmptyGarbageNulAndOversized)
{
    EXPECT_FALSE(parse_record("").valid);
    EXPECT_FALSE(parse_record("hello world\n").valid);
    EXPECT_FALSE(parse_record(std::string("12\0\n", 4)).valid);
    EXPECT_FALSE(parse_record("12\nno equals sign\n").valid);
    EXPECT_FALSE(parse_record("12\nstart=abc\n").valid);
    EXPECT_FALSE(parse_record("12\nacquired=-5\n").valid);
    std::string big = "12\n" + std::string(5000, 'x');
    Record p = parse_record(big);
    EXPECT_FALSE(p.valid);
    EXPECT_NE(p.problem.find("oversized"), std::string::npos);
}

TEST(Record, FormattedRecordIsCappedAt4096Bytes)
{
    Record r;
    r.pid = 1;
    r.target = std::string(6000, 'p');
    EXPECT_LE(format_record(r).size(), kMaxRecordBytes);
}

TEST(Record, OwnRecordDescribesThisProcess)
{
    Record r = make_own_record("t", "");
    EXPECT_EQ(r.pid, platform::current_pid());
    EXPECT_EQ(r.host, platform::host_name());
    EXPECT_EQ(r.start, platform::self_start_token());
    EXPECT_GT(r.start, 0);
    EXPECT_GT(r.acquired_ms, 0);
    EXPECT_EQ(r.tag, "t");
}

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

TEST(Record, ControlCharactersInValuesAreEscapedAndNeverStartALine)
{
    Record r;
    r.pid = 7;
    r.host = "h";
    r.target = "/d/x\nhost=elsewhere\r\nboot=zz%41\x7f";
    r.valid = true;
    const std::string text = format_record(r);
    EXPECT_EQ(text.find("\nhost=elsewhere"), std::string::npos) << text;
    EXPECT_NE(text.find("target=/d/x%0Ahost=elsewhere%0D%0Aboot=zz%2541%7F\n"), std::string::npos) << text;
    Record p = parse_record(text);
    ASSERT_TRUE(p.valid) << p.problem;
    EXPECT_EQ(p.host, "h");
    EXPECT_EQ(p.boot, "");
    EXPECT_EQ(p.target, r.target);
}

TEST(Record, TheFirstValueOfAKeyWins)
{
    // A crash mid-write leaves the new record's start and an old record's
    // end: the first occurrence is the newest.
    Record p = parse_record("7\nv=1\nhost=new\nacquired=200\nhost=old\nacquired=100\n");
    ASSERT_TRUE(p.valid) << p.problem;
    EXPECT_EQ(p.host, "new");
    EXPECT_EQ(p.acquired_ms, 200);
}

TEST(Record, TakeoverIsAllowedOnlyForEmptyFilesAndLockRecords)
{
    struct Case {
        std::string text;
        bool allowed;
    };
    const Case cases[] = {
        {"", true},
        {"1234", true},                    // the original PID-only format
        {"1234\n", true},
        {" 1234 \r\n", true},
        {"1234\nv=1\nhost=a\nacquired=17\n", true},
        {"1234\nv=1\nhost=a\nacq", true},  // cut short
        {"99\nv=1\nhost=b\nrt=9\nacquired=1\n", true},  // new start, old end
        {std::string(300, '\0'), true},    // blocks never written before a crash
        {"0\n", true},                     // a record, with an invalid PID
        {"# This file is automatically @generated by Cargo.\n", false},
        {"{\"lockfileVersion\": 3}\n", false},
        {"-1\n", false},
        {"garbage\n", false},
        {"12 apples\n", false},
        {"2024\nMeeting notes\nsecond line\n", false},
        {"2024\nnotes\n", false},          // one odd line, but no v= line
        {std::string("7\n\x01\x02", 4), false},
        {std::string(5000, '1'), false},   // larger than any record
        {"12345678901234567890\n", false}, // not a PID of any system
    };
    for (const Case &c : cases) {
        std::string what;
        EXPECT_EQ(takeover_allowed(c.text, &what), c.allowed) << "'" << c.text.substr(0, 40) << "'";
        if (!c.allowed) {
            EXPECT_FALSE(what.empty());
        }
    }
}
