#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "sip/message.hpp"
#include "sip/ms_diagnostics.hpp"
#include "sip/sdp.hpp"
#include "sip/secrets.hpp"
#include "sip/text.hpp"
#include "sip/uri.hpp"

namespace sipsleuth::sip {
namespace {

// Case is folded eight bytes at a time exactly as one at a time: for every
// byte in every place, and for names that differ anywhere, in letters or not.
TEST(SipTextHelpers, CaseFoldingEightBytesAtOnceMatchesOneAtATime) {
  for (int c = 0; c < 256; ++c) {
    for (int place = 0; place < 8; ++place) {
      unsigned char bytes[8] = {'a', 'Z', '@', '[', 0x80, 0xc1, '`', '{'};
      bytes[place] = static_cast<unsigned char>(c);
      std::uint64_t word;
      std::memcpy(&word, bytes, 8);
      const std::uint64_t lowered = to_lower_word(word);
      unsigned char out[8];
      std::memcpy(out, &lowered, 8);
      for (int b = 0; b < 8; ++b) {
        ASSERT_EQ(out[b], static_cast<unsigned char>(to_lower(static_cast<char>(bytes[b])))) << c << " at " << place;
      }
    }
  }
  const std::string name = "Trace-Correlation-Id:\xc3\xa9@[`{";
  for (std::size_t length = 0; length <= name.size(); ++length) {
    const std::string a = name.substr(0, length);
    std::string upper = a;
    for (char& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    EXPECT_TRUE(iequals(a, upper)) << a;
    for (std::size_t at = 0; at < length; ++at) {
      for (char other : {'x', '@', '[', '`', '{', '\x80'}) {
        std::string changed = upper;
        if (to_lower(changed[at]) == to_lower(other)) continue;
        changed[at] = other;
        EXPECT_FALSE(iequals(a, changed)) << a << " / " << changed;
      }
    }
  }
}

TEST(Text, FindMarkFindsTheFirstMarkAtEveryPositionAndStart) {
  const std::string base = "SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK1;received=10.0.0.2";
  for (std::size_t length = 0; length <= 40; ++length) {
    for (std::size_t at = 0; at <= length; ++at) {
      for (char mark : {'"', '<', '>', ','}) {
        std::string text = base.substr(0, length);
        if (at < length) text[at] = mark;
        text += "\x80\xff";  // bytes over 0x7f after the end are not marks
        for (std::size_t from = 0; from <= text.size(); ++from) {
          std::size_t expected = from;
          while (expected < text.size() && text[expected] != '"' && text[expected] != '<' && text[expected] != '>' &&
                 text[expected] != ',') {
            ++expected;
          }
          ASSERT_EQ((find_mark<'"', '<', '>', ','>(text, from)), expected) << text << " from " << from;
        }
      }
    }
  }
}

TEST(Text, AsciiWithoutNulAgreesWithALookAtEveryByteAtEveryPositionAndLength) {
  const std::string plain = "INVITE sip:bob@contoso.com SIP/2.0\r\nVia: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK1\r\n";
  for (char odd : {'\0', '\x01', '\x7f', '\x80', '\xc3', '\xff'}) {
    for (std::size_t length = 0; length <= plain.size(); ++length) {  // past the four-block loop's 64 bytes
      for (std::size_t at = 0; at <= length; ++at) {
        std::string text = plain.substr(0, length);
        if (at < length) text[at] = odd;
        bool expected = true;
        for (char c : text) expected = expected && c != '\0' && static_cast<unsigned char>(c) < 0x80;
        ASSERT_EQ(ascii_without_nul(text), expected)
            << "byte " << int(static_cast<unsigned char>(odd)) << " at " << at << " of " << length;
      }
    }
  }
}

TEST(Sdp, MediaTypesAloneAreWhatTheFullParseFinds) {
  const std::vector<std::string> bodies = {
      "v=0\r\no=- 0 0 IN IP4 10.0.0.1\r\ns=session\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
      "m=audio 5004 RTP/SAVP 0 8\r\na=candidate:1 1 UDP 2130706431 10.0.0.1 5004 typ host\r\n"
      "m=video 5006 RTP/SAVP 121\r\nm=applicationsharing 5008 TCP/RTP/AVP 127\r\n",
      "m=audio 1 RTP/AVP 0\nm=\n  m=Video 2 RTP/AVP 1  \nM=text 3\nx m=image\nm=message\tfoo\n",
      "",
      "m",
      "m=",
      "no sdp here\n"};
  for (const auto& body : bodies) {
    std::vector<std::string_view> expected;
    for (const auto& line : parse_sdp(body).media) expected.push_back(line.media);
    std::vector<std::string_view> types;
    for_each_sdp_media_type(body, [&](std::string_view type) { types.push_back(type); });
    EXPECT_EQ(types, expected) << body;
  }
}

TEST(NameAddr, TagAndEpidInOneWalkAreWhatEachLookupFinds) {
  const std::vector<std::string> values = {
      "\"user4986\" <sip:user4986@contoso.com>;tag=e024f23162;epid=65a6e8d65a",
      "<sip:bob@contoso.com>;epid=1a2b;tag=9z",
      "sip:carol@contoso.com;TAG=abc;EPID=\"quoted;value\"",
      "\"a <fake> name\" <sip:d@e>;tag=1;tag=2;epid=3;epid=4",
      "\"broken \\\"quote\" <sip:x@y>;tag",
      "<sip:z@w;tag=inside-the-uri>;x=1",
      "<sip:unclosed@w;tag=t",
      "",
      " ;tag = spaced ; epid= e ",
  };
  for (const auto& value : values) {
    TagAndEpid both = tag_and_epid(value);
    EXPECT_EQ(both.tag, name_addr_param(value, "tag")) << value;
    EXPECT_EQ(both.epid, name_addr_param(value, "epid")) << value;
  }
  Message m = Message::parse(split_message("SIP/2.0 180 Ringing\r\nFrom: <sip:a@b>;epid=e1;tag=t1\r\n"
                                           "To: \"B\" <sip:b@c>;tag=t2;epid=e2\r\nCall-ID: x\r\n\r\n",
                                           nullptr)
                                 .parts);
  EXPECT_EQ(m.from_tag(), "t1");
  EXPECT_EQ(m.from_epid(), "e1");
  EXPECT_EQ(m.to_tag(), "t2");
  EXPECT_EQ(m.to_epid(), "e2");
}

TEST(NameAddr, LyncToHeaderWithEpidAndTag) {
  auto na = parse_name_addr("<sip:izabelaf@uclab.org>;epid=2798f0b3cc;tag=97a7d6045d");
  EXPECT_EQ(na.uri, "sip:izabelaf@uclab.org");
  EXPECT_EQ(find_param(na.params, "epid"), "2798f0b3cc");
  EXPECT_EQ(find_param(na.params, "tag"), "97a7d6045d");
}

TEST(NameAddr, DisplayNameWithoutSpaceBeforeAngle) {
  auto na = parse_name_addr("\"Marino Filipovic\"<sip:marinof@uclab.org>;tag=0fae8454e3;epid=1488039028");
  EXPECT_EQ(na.display_name, "Marino Filipovic");
  EXPECT_EQ(na.uri, "sip:marinof@uclab.org");
}

TEST(NameAddr, BareAddrSpecParametersBelongToTheHeader) {
  auto na = parse_name_addr("sip:alice@example.com;tag=abc");
  EXPECT_EQ(na.uri, "sip:alice@example.com");
  EXPECT_EQ(find_param(na.params, "tag"), "abc");
}

TEST(Uri, GruuCarriesTheEndpointId) {
  auto uri = parse_uri("sip:izabelaf@uclab.org;opaque=user:epid:uozeqPgOuFOVd0DaRpeFCgAA;gruu");
  EXPECT_EQ(uri.user, "izabelaf");
  EXPECT_EQ(uri.host, "uclab.org");
  EXPECT_EQ(gruu_epid(uri), "uozeqPgOuFOVd0DaRpeFCgAA");
  EXPECT_TRUE(uri_param(uri, "gruu").has_value());
}

TEST(Uri, PhoneContextInUserPart) {
  auto uri = parse_uri("sip:3123456;phone-context=zagreb.uclab.org@uclab.org;user=phone");
  EXPECT_EQ(uri.user, "3123456;phone-context=zagreb.uclab.org");
  EXPECT_EQ(uri.host, "uclab.org");
  EXPECT_EQ(uri_param(uri, "user"), "phone");
}

TEST(Uri, TelAndIpv6) {
  auto tel = parse_uri("tel:+38514802551;phone-context=x");
  EXPECT_EQ(tel.user, "+38514802551");
  auto v6 = parse_uri("sip:mcr@[fd17::1]:5060;transport=udp");
  EXPECT_EQ(v6.host, "fd17::1");
  EXPECT_EQ(v6.port, "5060");
  EXPECT_EQ(uri_address_of_record("sip:mcr@[fd17::1]:5060;transport=udp"), "sip:mcr@[fd17::1]");
  EXPECT_EQ(uri_address_of_record("sip:+385351234567@contoso.com;user=phone"), "sip:+385351234567@contoso.com");
}

TEST(Via, TransportSentByAndBranch) {
  auto via = parse_via("SIP/2.0/TLS 172.30.255.102:52633;branch=z9hG4bK78DA;branched=TRUE,SIP/2.0/TLS 10.0.0.1");
  EXPECT_EQ(via.transport, "TLS");
  EXPECT_EQ(via.sent_by, "172.30.255.102:52633");
  EXPECT_EQ(via.branch(), "z9hG4bK78DA");
}

TEST(ListCursor, CommasInsideAnglesAndQuotesDoNotSplit) {
  ListCursor list("<sip:a@b;x=1,2>, \"c, d\" <tel:+1>");
  std::string_view item;
  ASSERT_TRUE(list.next(item));
  EXPECT_EQ(item, "<sip:a@b;x=1,2>");
  ASSERT_TRUE(list.next(item));
  EXPECT_EQ(item, "\"c, d\" <tel:+1>");
  EXPECT_FALSE(list.next(item));
}

TEST(Body, MultipartAlternativeWithTwoSdps) {
  std::string body =
      "------=_NextPart_000\r\nContent-Type: application/sdp\r\nContent-Disposition: session; handling=optional; "
      "ms-proxy-2007fallback\r\n\r\nv=0\r\nm=audio 1 RTP/AVP 0\r\n"
      "------=_NextPart_000\r\nContent-Type: application/sdp\r\n\r\nv=0\r\nm=audio 2 RTP/AVP 0\r\n"
      "------=_NextPart_000--\r\n";
  auto parts = split_body("multipart/alternative;boundary=\"----=_NextPart_000\"", body);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].content_type, "application/sdp");
  EXPECT_EQ(parse_sdp(parts[1].body).media.at(0).port, "2");
}

TEST(Sdp, IceAndMsIceCandidates) {
  Sdp sdp = parse_sdp(
      "v=0\r\nc=IN IP4 2.2.2.2\r\nm=applicationsharing 58138 TCP/RTP/AVP 127\r\n"
      "a=candidate:3 1 TCP-PASS 6556159 2.2.2.2 58138 typ relay raddr 10.98.2.1 rport 13211\r\n"
      "a=candidate:qkEe8a0Y8yMF 1 sRn5zJd4xgS5bpmU UDP 0.830 172.31.255.73 26418\r\n"
      "a=remote-candidates:1 200.1.1.20 52279 2 200.1.1.20 57326\r\n"
      "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:abc|2^31\r\n");
  ASSERT_EQ(sdp.media.size(), 1u);
  const auto& m = sdp.media[0];
  EXPECT_EQ(m.media, "applicationsharing");
  EXPECT_EQ(m.connection, "2.2.2.2");
  ASSERT_EQ(m.candidates.size(), 2u);
  EXPECT_EQ(m.candidates[0].type, "relay");
  EXPECT_EQ(m.candidates[0].related_port, "13211");
  EXPECT_TRUE(m.candidates[1].ms_ice);
  EXPECT_EQ(m.candidates[1].address, "172.31.255.73");
  EXPECT_EQ(m.candidates[1].port, "26418");
  EXPECT_EQ(m.remote_candidates, "1 200.1.1.20 52279 2 200.1.1.20 57326");
  EXPECT_TRUE(m.has_crypto);
}

TEST(MsDiagnostics, CodeReasonAndFields) {
  auto d = parse_diagnostic(
      "12006;reason=\"Trying next hop\";source=\"R2EE01.uclab.org\";PhoneRoute=\"Local Calls\";"
      "Gateway=\"R2MS01.uclab.org\";appName=\"OutboundRouting\"");
  EXPECT_EQ(d.code, 12006u);
  EXPECT_EQ(d.reason, "Trying next hop");
  EXPECT_EQ(d.field("Gateway"), "R2MS01.uclab.org");
  EXPECT_EQ(d.field("appName"), "OutboundRouting");
}

TEST(MsDiagnostics, ClientMediaDebug) {
  auto d = parse_diagnostic(
      "51007;reason=\"Callee media connectivity diagnosis info\";CalleeMediaDebug=\"application-sharing:ICEWarn=0x0,"
      "LocalSite=10.166.24.59:8541,LocalMR=1.1.1.1:50704,RemoteMR=2.2.2.2:58138,PortRange=50040:50059\"");
  ASSERT_TRUE(d.field("CalleeMediaDebug"));
  auto media = parse_media_debug(*d.field("CalleeMediaDebug"));
  ASSERT_EQ(media.size(), 1u);
  EXPECT_EQ(media[0].media, "application-sharing");
  EXPECT_EQ(media[0].field("LocalMR"), "1.1.1.1:50704");
  EXPECT_EQ(media[0].field("PortRange"), "50040:50059");
}

TEST(Secrets, NtlmKerberosTlsDskAndSrtpKeysAreMasked) {
  std::string text =
      "Proxy-Authorization: NTLM qop=\"auth\", opaque=\"135DF6CC\", crand=\"a1b5d2ce\", cnum=\"15\", "
      "response=\"0100000000000000adf58669807b40ea\"\r\n"
      "Authentication-Info: TLS-DSK rspauth=\"8dad7b71\", srand=\"ACCCF975\", snum=\"68\"\r\n"
      "WWW-Authenticate: Kerberos gssapi-data=\"YIIE5gYJKoZIhvcSAQICAQBu\", targetname=\"sip/fe\"\r\n"
      "Authorization: Basic dXNlcjpwYXNz\r\n"
      "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:JTZf0de/tIGNK+5aQmVJCgslAzCLYsPwNJgG/Ga+|2^31|1:1\r\n"
      "k=base64:8nz2U+Sr7tkJOyxCVKRXT1JoEwganb5O\r\n";
  std::string masked = mask_secrets(text);
  for (const char* secret : {"adf58669807b40ea", "a1b5d2ce", "8dad7b71", "ACCCF975", "YIIE5gYJ", "dXNlcjpwYXNz",
                             "JTZf0de", "8nz2U+Sr"}) {
    EXPECT_EQ(masked.find(secret), std::string::npos) << secret;
  }
  EXPECT_NE(masked.find("opaque=\"135DF6CC\""), std::string::npos);  // not a secret
  EXPECT_NE(masked.find("snum=\"68\""), std::string::npos);
  EXPECT_NE(masked.find("inline:[masked]|2^31|1:1"), std::string::npos);
  EXPECT_TRUE(contains_secrets(text));
  EXPECT_FALSE(contains_secrets(masked.substr(0, 10)));
}

}  // namespace
}  // namespace sipsleuth::sip

namespace sipsleuth::sip {
namespace {

TEST(AddressHost, DropsThePortAndIPv6Brackets) {
  EXPECT_EQ(address_host("10.0.0.1:5061"), "10.0.0.1");
  EXPECT_EQ(address_host("[2001:db8::1]:5060"), "2001:db8::1");
  EXPECT_EQ(address_host("2001:db8::1"), "2001:db8::1");  // no brackets: no port either
  EXPECT_EQ(address_host("fe1.contoso.com"), "fe1.contoso.com");
  EXPECT_EQ(address_host("fe1.contoso.com:5061"), "fe1.contoso.com");
  EXPECT_EQ(address_host(""), "");
}

}  // namespace
}  // namespace sipsleuth::sip
