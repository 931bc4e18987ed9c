#include <gtest/gtest.h>

#include "formats/sniff.hpp"

namespace sipsleuth::formats {
namespace {

TEST(Sniff, ByContentNotByName) {
  EXPECT_EQ(sniff("TL_INFO(TF_PROTOCOL) [0]06E4.0EB4::01/18/2012-05:00:43.101.00005386 (A,B:C.cpp(1))$$begin_record\n"),
            Format::server_log);
  EXPECT_EQ(sniff("04/16/2013|03:17:30.168 1F68:C14 INFO :: anything\n"), Format::client_log);
  EXPECT_EQ(sniff("\r\nREGISTER sip:x SIP/2.0\r\nCall-ID: 1\r\n"), Format::sip_text);
  EXPECT_EQ(sniff(std::string("\xd4\xc3\xb2\xa1\x02\x00\x04\x00", 8)), Format::pcap);
  EXPECT_EQ(sniff(std::string("\x0a\x0d\x0d\x0a", 4)), Format::pcap);
  EXPECT_EQ(sniff("just some text\nwith lines\n"), Format::unknown);
  EXPECT_EQ(sniff(""), Format::unknown);
}

TEST(Sniff, ExplainsWhatItDidNotRecognise) {
  EXPECT_EQ(describe_unknown(""), "the file is empty");
  EXPECT_NE(describe_unknown(std::string("\x01\x02\x03\x00\x00\x05\x06", 7)).find("binary"), std::string_view::npos);
  EXPECT_NE(describe_unknown("\xff\xfeh\0i\0").find("UTF-16"), std::string_view::npos);
}

}  // namespace
}  // namespace sipsleuth::formats
