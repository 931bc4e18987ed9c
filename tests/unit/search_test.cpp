// search: criteria, MatchAny/MatchAll, E.164 normalisation, time parsing,
// the -o round trip; and the linking of observations across hops with the
// clock offsets they reveal, on tests/fixtures/hops (known skews).
#include "analysis/search.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "model/hops.hpp"
#include "support/helpers.hpp"
#include "support/pcap_writer.hpp"

namespace sipsleuth {
namespace {

using analysis::CallSearch;
using analysis::SearchCriteria;

const char* kHops = "tests/fixtures/hops";

std::vector<std::string> matching(const model::Trace& trace, SearchCriteria criteria) {
  CallSearch search(std::move(criteria));
  EXPECT_EQ(search.error(), "");
  std::vector<std::string> ids;
  for (std::uint32_t id : search.matching_calls(trace)) ids.emplace_back(trace.calls[id].call_id);
  return ids;
}

using Ids = std::vector<std::string>;
const std::string A = "hopcall-a-0001", B = "hopcall-b-0002", C = "hopcall-c-0003", D = "hopcall-d-0004";

TEST(PhoneNumbers, NormaliseTheWaysPeopleWriteThem) {
  EXPECT_EQ(analysis::normalize_phone("+1 (425) 555-0100"), "+14255550100");
  EXPECT_EQ(analysis::normalize_phone("tel:+14255550100;ext=100"), "+14255550100");
  EXPECT_EQ(analysis::normalize_phone("sip:+14255550100@contoso.com;user=phone"), "+14255550100");
  EXPECT_EQ(analysis::normalize_phone("425.555.0100"), "4255550100");
  EXPECT_EQ(analysis::normalize_phone("alice"), "");
  EXPECT_EQ(analysis::normalize_phone("+"), "");
}

TEST(SearchTime, ParsesLocalAndZonedTimes) {
  auto local = analysis::parse_search_time("2024-03-05 14:00");
  ASSERT_TRUE(local);
  EXPECT_FALSE(local->utc);
  auto utc = analysis::parse_search_time("2024-03-05T14:00:00.250Z");
  ASSERT_TRUE(utc);
  EXPECT_TRUE(utc->utc);
  EXPECT_EQ(utc->micros - local->micros, 250000);
  auto zoned = analysis::parse_search_time("2024-03-05T15:00+01:00");
  ASSERT_TRUE(zoned);
  EXPECT_EQ(zoned->micros, local->micros);
  EXPECT_FALSE(analysis::parse_search_time("yesterday"));
  EXPECT_FALSE(analysis::parse_search_time("2024-13-01"));
}

TEST(Search, EachCriterionFindsItsCalls) {
  auto trace = testing::load_paths({kHops});
  ASSERT_EQ(trace.calls.size(), 4u);
  auto one = [](auto member, std::string value) {
    SearchCriteria c;
    (c.*member).push_back(std::move(value));
    return c;
  };
  EXPECT_EQ(matching(trace, one(&SearchCriteria::call_ids, "hopcall-c")), Ids{C});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::conversation_ids, "AdqConvAlphaBravo==")), Ids{A});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::conference_ids, "k7p2q9xw")), Ids{D});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::uris, "sip:Carol@Fabrikam.com")), Ids{C});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::uris, "bob@contoso.com")), Ids{A});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::uris, "fabrikam.com")), Ids{C});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::uris, "tel:+14255550123")), Ids{B});  // P-Asserted-Identity
  EXPECT_EQ(matching(trace, one(&SearchCriteria::phones, "+1 (425) 555-0100")), Ids{B});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::phones, "tel:+14255550100;ext=100")), Ids{B});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::phones, "sip:+14255550100@contoso.com;user=phone")), Ids{B});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::phones, "425-555-0100")), Ids{B});  // national, as dialed
  EXPECT_EQ(matching(trace, one(&SearchCriteria::phones, "+14255550199")), Ids{});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::ips, "10.0.0.12")), Ids{A});                  // FE2
  EXPECT_EQ(matching(trace, one(&SearchCriteria::ips, "203.0.113.99")), Ids{C});               // carol's SDP
  EXPECT_EQ(matching(trace, one(&SearchCriteria::ips, "::ffff:10.0.0.99")), Ids{});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::contains, "redmond local")), Ids{B});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::regexes, "cause=1[0-9];")), Ids{B});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::correlation_ids, "2001")), Ids{A});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::components, "sipstack")), Ids{B});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::levels, "warning")), Ids{B});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::levels, "TL_ERROR")), Ids{});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::statuses, "487")), Ids{C});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::statuses, "4xx")), (Ids{B, C}));
  EXPECT_EQ(matching(trace, one(&SearchCriteria::methods, "bye")), Ids{A});
  EXPECT_EQ(matching(trace, one(&SearchCriteria::outcomes, "cancelled")), Ids{C});
}

TEST(Search, MatchAnyAndMatchAll) {
  auto trace = testing::load_paths({kHops});
  SearchCriteria c;
  c.uris = {"alice@contoso.com"};
  c.statuses = {"486"};
  EXPECT_EQ(matching(trace, c), (Ids{A, B, C, D}));  // any: alice is in every call
  c.match_all = true;
  EXPECT_EQ(matching(trace, c), Ids{B});
  c.methods = {"CANCEL"};
  EXPECT_EQ(matching(trace, c), Ids{});  // no call has all three
  c.match_all = false;
  c.uris.clear();
  EXPECT_EQ(matching(trace, c), (Ids{B, C}));
}

TEST(Search, FiltersAlwaysApply) {
  auto trace = testing::load_paths({kHops});
  SearchCriteria c;
  c.uris = {"alice@contoso.com"};
  c.since = analysis::parse_search_time("2024-03-05T14:04:00Z");
  // Call A's client log says 15:00 local time, but against the Front End's UTC clock it is 14:00.
  EXPECT_EQ(matching(trace, c), (Ids{C, D}));
  c.since.reset();
  c.hosts = {"edge"};
  EXPECT_EQ(matching(trace, c), Ids{C});
}

TEST(Search, BadPatternsAreUsageErrors) {
  SearchCriteria c;
  c.regexes = {"(unclosed"};
  EXPECT_NE(CallSearch(c).error().find("--regex"), std::string::npos);
  SearchCriteria ip;
  ip.ips = {"10.0.0.300"};
  EXPECT_NE(CallSearch(ip).error().find("--ip"), std::string::npos);
}

TEST(Search, CallIdSearchReadsOnlyWhatCanMatch) {
  SearchCriteria c;
  c.call_ids = {"hopcall-b"};
  CallSearch search(c);
  ASSERT_EQ(search.required_text(), Ids{"hopcall-b"});
  model::LoadOptions options;
  options.required_text = search.required_text();
  auto trace = model::load(io::open_inputs({kHops}), options);
  ASSERT_EQ(trace.calls.size(), 1u);
  EXPECT_EQ(trace.calls[0].call_id, B);
  EXPECT_EQ(search.matching_calls(trace).size(), 1u);
  // With another criterion in "any" mode the Call-ID no longer decides alone.
  c.uris = {"carol@fabrikam.com"};
  EXPECT_TRUE(CallSearch(c).required_text().empty());
}

TEST(Search, WrittenFilesReadBackAsExactlyTheMatchingCalls) {
  testing::TempDir dir;
  std::string out = (dir.path() / "found.txt").string();
  auto r = testing::run_cli({"search", "-q", "--status", "4xx", "-o", out, kHops, "samples/trunk-capture.pcap"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto written = testing::load_paths({dir.path().string()});
  EXPECT_TRUE(written.errors.empty());
  std::vector<std::string> ids;
  for (const auto& call : written.calls) ids.emplace_back(call.call_id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (Ids{B, C, "trunk-udp-0001@192.0.2.10"}));
  auto original = testing::load_paths({kHops, "samples/trunk-capture.pcap"});
  for (const auto& call : written.calls) {
    auto id = original.find_call(call.call_id, nullptr);
    ASSERT_TRUE(id);
    EXPECT_EQ(call.messages.size(), original.calls[*id].messages.size()) << call.call_id;
    EXPECT_EQ(call.events.size(), original.calls[*id].events.size()) << call.call_id;
  }
  // One file per format: client log, server log (the Front End's and the Edge's records), capture.
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "found-client.uccapilog"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "found-server.log"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "found-capture.pcap"));
}

// Two calls over one TCP connection, their messages interleaved: the
// capture written for one holds its packets alone (with gaps in the stream
// where the other's were), and reads back as that call, whole.
TEST(Search, OneCallWrittenFromASharedTcpConnectionReadsBackWhole) {
  testing::TempDir dir;
  const std::string capture = (dir.path() / "shared.pcap").string();
  {
    testing::PcapWriter w;
    const testing::PcapWriter::Endpoint client{"10.0.0.1", 50000}, server{"10.0.0.2", 5061};
    auto message = [](const std::string& start, const std::string& call_id) {
      return start + "\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: " + call_id +
             "\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    };
    std::uint32_t to_server = 1, to_client = 1;
    double time = 1;
    auto send = [&](bool from_client, const std::string& text) {
      std::uint32_t& seq = from_client ? to_server : to_client;
      w.tcp(time++, from_client ? client : server, from_client ? server : client, seq, testing::PcapWriter::kAck, text);
      seq += static_cast<std::uint32_t>(text.size());
    };
    for (const char* id : {"tcp-one", "tcp-two"}) send(true, message("INVITE sip:b@x SIP/2.0", id));
    for (const char* id : {"tcp-one", "tcp-two"}) send(false, message("SIP/2.0 180 Ringing", id));
    for (const char* id : {"tcp-two", "tcp-one"}) send(false, message("SIP/2.0 486 Busy Here", id));
    std::ofstream(capture, std::ios::binary) << w.bytes();
  }
  const std::string out = (dir.path() / "one.pcap").string();
  auto r = testing::run_cli({"search", "-q", "--call-id", "tcp-one", "-o", out, capture});
  ASSERT_EQ(r.status, 0) << r.err;
  auto written = testing::load_paths({out});
  ASSERT_EQ(written.calls.size(), 1u);
  EXPECT_EQ(written.calls[0].call_id, "tcp-one");
  std::vector<std::string> starts;
  for (std::uint32_t id : written.calls[0].messages) {
    starts.emplace_back(written.messages[id].record.parts.start_line);
  }
  EXPECT_EQ(starts, (Ids{"INVITE sip:b@x SIP/2.0", "SIP/2.0 180 Ringing", "SIP/2.0 486 Busy Here"}));
  ASSERT_EQ(written.inputs.size(), 1u);
  EXPECT_EQ(written.inputs[0].capture.packets, 3u);  // its own three packets, none of the other call's
}

TEST(Hops, ObservationsOfOneMessageAreLinkedInPathOrder) {
  auto trace = testing::load_paths({kHops});
  auto id = trace.find_call(A, nullptr);
  ASSERT_TRUE(id);
  const auto& call = trace.calls[*id];
  const model::Message& invite = trace.messages[call.messages.front()];
  ASSERT_NE(invite.hop_event, model::kNoId);
  const auto& seen = trace.hop_events[invite.hop_event].observations;
  ASSERT_EQ(seen.size(), 5u);  // client sent, FE1 in, FE1 out, FE2 in, FE2 out
  std::vector<std::string> where;
  for (std::uint32_t o : seen) {
    std::string name = trace.inputs[trace.messages[o].input].name;
    where.push_back(name.substr(name.rfind('/') + 1) +
                    (trace.messages[o].record.direction == formats::Direction::sent ? " sent" : " received"));
  }
  EXPECT_EQ(where, (Ids{"client.uccapilog sent", "fe1.log received", "fe1.log sent", "fe2.log received", "fe2.log sent"}));
  EXPECT_EQ(model::hop_path(trace, seen.front()),
            (Ids{"192.168.10.50", "10.0.0.11", "10.0.0.12", "192.168.20.60"}));
  // Each proxy's 100 Trying is its own message, one hop long.
  int trying = 0;
  for (const auto& event : trace.hop_events) {
    const auto& m = trace.messages[event.observations.front()];
    if (m.call == *id && m.sip.status() == 100) {
      ++trying;
      EXPECT_EQ(event.observations.size(), 2u);
    }
  }
  EXPECT_EQ(trying, 2);
}

TEST(Hops, ClockOffsetsAreEstimatedFromCausality) {
  auto trace = testing::load_paths({kHops});
  std::map<std::string, double> offsets;
  for (const auto& c : trace.clocks) {
    std::string name = trace.inputs[c.input].name;
    offsets[name.substr(name.rfind('/') + 1)] = static_cast<double>(c.offset_micros) / 1e6;
    EXPECT_TRUE(c.consistent) << name;
    EXPECT_EQ(trace.inputs[c.reference].name.substr(trace.inputs[c.reference].name.rfind('/') + 1), "fe1.log");
  }
  ASSERT_EQ(offsets.size(), 3u);
  // The skews the fixture was written with, within the millisecond the logs resolve.
  EXPECT_NEAR(offsets["fe2.log"], -2.5, 0.002);
  EXPECT_NEAR(offsets["edge.log"], 1.2, 0.002);
  EXPECT_NEAR(offsets["client.uccapilog"], 3600.35, 0.002);
}

TEST(Hops, AlignedClocksPutEveryCallInOrder) {
  model::LoadOptions options;
  options.align_clocks = true;
  auto trace = model::load(io::open_inputs({kHops}), options);
  ASSERT_TRUE(trace.clocks_aligned);
  for (const auto& call : trace.calls) {
    EXPECT_LT(call.end.micros - call.start.micros, 70'000'000) << call.call_id;  // no hour-long calls from a time zone
    for (const auto& event : trace.hop_events) {
      const auto& ids = event.observations;
      for (std::size_t i = 1; i < ids.size(); ++i) {
        EXPECT_LE(trace.messages[ids[i - 1]].record.time.micros, trace.messages[ids[i]].record.time.micros + 1000)
            << "an observation later on the path reads earlier";
      }
    }
  }
}

}  // namespace
}  // namespace sipsleuth
