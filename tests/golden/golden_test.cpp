// Whole-command golden tests: the exact stdout, stderr and exit status of
// sipsleuth on the bundled samples. Regenerate after an intended change with
//   SIPSLEUTH_UPDATE_GOLDEN=1 ctest -R Golden
// and review the diff.
#include <gtest/gtest.h>

#include <cstdlib>

#include "support/helpers.hpp"

namespace sipsleuth {
namespace {

struct GoldenCase {
  const char* name;
  std::vector<std::string> args;
};

// Keeps ctest's test names readable instead of a byte dump of the struct.
void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.name; }

class Golden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, MatchesFile) {
  const GoldenCase& c = GetParam();
  auto r = testing::run_cli(c.args);
  std::string actual = "exit: " + std::to_string(r.status) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
  std::filesystem::path path = std::filesystem::path("tests/golden/expected") / c.name;
  if (std::getenv("SIPSLEUTH_UPDATE_GOLDEN")) {
    std::filesystem::create_directories(path.parent_path());
    testing::write_file(path, actual);
    GTEST_SKIP() << "updated " << path;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " is missing; run with SIPSLEUTH_UPDATE_GOLDEN=1";
  EXPECT_EQ(actual, testing::read_file(path)) << "golden file " << path;
}

// `calls` and `diagnose` build calls a batch at a time (in bounded memory);
// their output must be byte for byte what building every call at once
// gives, stderr included.
TEST(Commands, CallsAndDiagnoseInBatchesMatchThemInMemory) {
  std::vector<std::vector<std::string>> inputs = {
      {"samples"},
      {"tests/fixtures/hops"},
      {"--offset", "fe2.log=-2.5", "tests/fixtures/hops", "samples", "tests/fixtures/conversation-hostile.uccapilog"},
      {"samples/trunk-capture.pcap", "README.md", "tests/no-such-file.pcap"},
      {"-q", "tests/fixtures/hops"}};
  for (const auto& input : inputs) {
    for (const auto& [command, format] : {std::pair{"calls", "--json"}, std::pair{"calls", "--no-color"},
                                          std::pair{"diagnose", "--json"}, std::pair{"diagnose", "--no-color"}}) {
      std::vector<std::string> args = {command, format};
      args.insert(args.end(), input.begin(), input.end());
      std::vector<std::string> in_memory = args;
      in_memory.insert(in_memory.begin() + 1, "--in-memory");
      SCOPED_TRACE(std::string(command) + " " + format + " " + args.back());
      auto a = testing::run_cli(args);
      auto b = testing::run_cli(in_memory);
      EXPECT_EQ(a.status, b.status);
      EXPECT_EQ(a.out, b.out);
      EXPECT_EQ(a.err, b.err);
      EXPECT_FALSE(a.out.empty());
    }
  }
}

// `report` of every call too, but for the script nonce each report draws afresh.
TEST(Commands, ReportInBatchesMatchesReportInMemory) {
  std::vector<std::vector<std::string>> inputs = {
      {"samples"},
      {"--offset", "fe2.log=-2.5", "tests/fixtures/hops", "samples", "tests/fixtures/conversation-hostile.uccapilog"},
      {"samples/trunk-capture.pcap", "README.md", "tests/no-such-file.pcap"}};
  for (const auto& input : inputs) {
    std::vector<std::string> args = {"report", "-o", "-"};
    args.insert(args.end(), input.begin(), input.end());
    std::vector<std::string> in_memory = args;
    in_memory.insert(in_memory.begin() + 1, "--in-memory");
    SCOPED_TRACE(args.back());
    auto a = testing::run_cli(args);
    auto b = testing::run_cli(in_memory);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(testing::without_nonce(a.out), testing::without_nonce(b.out));
    EXPECT_EQ(a.err, b.err);
    EXPECT_NE(a.out.find("\"texts\":{\"0\":"), std::string::npos);  // arrows name their messages by row
  }
}

// A report of very many calls is a page of hundreds of megabytes: said before it is written.
TEST(Commands, AReportOfVeryManyCallsIsToldToBeLarge) {
  testing::TempDir dir;
  std::string text;
  for (int i = 0; i < 20000; ++i) {
    text += "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: c" + std::to_string(i) +
            "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
  }
  std::string many = dir.file("many.sip", text);
  auto r = testing::run_cli({"report", "-o", (dir.path() / "many.html").string(), many});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("note: the report will hold"), std::string::npos) << r.err;
  std::string more =
      dir.file("more.sip", text + "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: one-more\r\nCSeq: 1 OPTIONS\r\n\r\n");
  r = testing::run_cli({"report", "-o", (dir.path() / "more.html").string(), more});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("note: the report will hold 20001 calls, about 200 MB"), std::string::npos) << r.err;
  r = testing::run_cli({"report", "-q", "-o", (dir.path() / "more.html").string(), more});
  EXPECT_EQ(r.err, "");
}

INSTANTIATE_TEST_SUITE_P(
    Commands, Golden,
    ::testing::Values(
        GoldenCase{"calls_samples.txt", {"calls", "--no-color", "samples"}},
        GoldenCase{"calls_samples.jsonl", {"calls", "--json", "samples"}},
        GoldenCase{"calls_seed001_mpop.txt", {"calls", "--no-color", "samples/seed001-mpop-call.uccapilog"}},
        GoldenCase{"show_seed001_mpop.txt", {"show", "--no-color", "--call", "e343", "samples/seed001-mpop-call.uccapilog"}},
        GoldenCase{"show_seed003_app_sharing.txt", {"show", "--no-color", "--call", "a622d7b9", "samples"}},
        GoldenCase{"show_seed003_app_sharing.json", {"show", "--json", "--call", "a622d7b9", "samples/seed003-app-sharing.uccapilog"}},
        GoldenCase{"show_seed004_registration.txt", {"show", "--no-color", "--call", "7e1c2b9f", "samples/seed004-remote-user.uccapilog"}},
        GoldenCase{"show_seed004_server_diag.txt", {"show", "--no-color", "--call", "a308fa72", "samples/seed004-fe-outbound-routing.log"}},
        GoldenCase{"show_trunk_tcp.txt", {"show", "--no-color", "--call", "trunk-tcp", "samples/trunk-capture.pcap"}},
        GoldenCase{"show_pasted_options.txt", {"show", "--no-color", "--call", "017b06f3", "samples/pasted-im-and-options.sip"}},
        GoldenCase{"decode_icewarn.txt", {"decode", "icewarn", "0x40003a0"}},
        GoldenCase{"decode_icewarn_qoe.txt", {"decode", "icewarn", "--qoe", "0x8010"}},
        GoldenCase{"decode_ms_diagnostics_12006.txt",
                   {"decode", "ms-diagnostics",
                    "12006;reason=\"Trying next hop\";source=\"R2EE01.uclab.org\";PhoneRoute=\"Local Calls\";"
                    "Gateway=\"R2MS01.uclab.org:5061\";appName=\"OutboundRouting\""}},
        GoldenCase{"decode_ms_client_diagnostics_51007.txt",
                   {"decode", "ms-client-diagnostics",
                    "51007;reason=\"Callee media connectivity diagnosis info\";CalleeMediaDebug=\"application-sharing:"
                    "ICEWarn=0x0,LocalSite=10.166.24.59:8541,LocalMR=1.1.1.1:50704,RemoteSite=10.98.2.1:21916,"
                    "RemoteMR=2.2.2.2:58138,PortRange=50040:50059,LocalMRTCPPort=50704,RemoteMRTCPPort=58138\""}},
        GoldenCase{"decode_reason_q850.txt", {"decode", "reason", "Q.850;cause=17;text=\"User busy\""}},
        GoldenCase{"decode_not_a_number.txt", {"decode", "icewarn", "zero"}},
        GoldenCase{"diagnose_seed000_federated.txt", {"diagnose", "--no-color", "samples/seed000-federated-mpop.uccapilog"}},
        GoldenCase{"diagnose_samples.txt", {"diagnose", "--no-color", "samples"}},
        GoldenCase{"diagnose_seed001.jsonl", {"diagnose", "--json", "samples/seed001-mpop-call.uccapilog"}},
        GoldenCase{"diagnose_one_call.txt", {"diagnose", "--no-color", "--call", "017b", "samples"}},
        GoldenCase{"flow_seed001_by_address.txt", {"flow", "--ascii", "--width", "140", "samples/seed001-mpop-call.uccapilog"}},
        GoldenCase{"flow_seed001_by_endpoint.txt",
                   {"flow", "--unicode", "--width", "160", "--by", "endpoint", "samples/seed001-mpop-call.uccapilog"}},
        GoldenCase{"flow_seed000_four_devices.txt",
                   {"flow", "--ascii", "--width", "180", "--by", "endpoint", "samples/seed000-federated-mpop.uccapilog"}},
        GoldenCase{"flow_seed000_narrow.txt",
                   {"flow", "--ascii", "--width", "80", "--by", "endpoint", "samples/seed000-federated-mpop.uccapilog"}},
        GoldenCase{"flow_seed004_server_log.txt", {"flow", "--ascii", "--call", "f2f1", "samples/seed004-fe-outbound-routing.log"}},
        GoldenCase{"flow_trunk_udp_pcap.txt", {"flow", "--ascii", "--call", "trunk-udp", "samples/trunk-capture.pcap"}},
        GoldenCase{"flow_pasted_sip.txt", {"flow", "--ascii", "--call", "017b", "samples/pasted-im-and-options.sip"}},
        GoldenCase{"flow_conversation_messages.txt",
                   {"flow", "--ascii", "--conversation", "AdXconv", "--show-messages", "tests/fixtures/conversation-hostile.uccapilog"}},
        GoldenCase{"flow_two_calls.txt",
                   {"flow", "--ascii", "--call", "trunk-udp", "--call", "trunk-tcp", "samples/trunk-capture.pcap"}},
        GoldenCase{"flow_mermaid_seed001.txt", {"flow", "--format", "mermaid", "--by", "endpoint", "samples/seed001-mpop-call.uccapilog"}},
        GoldenCase{"flow_needs_a_call.txt", {"flow", "samples"}},
        GoldenCase{"flow_unknown_conversation.txt", {"flow", "--conversation", "nope", "samples"}},
        GoldenCase{"diagnose_seed003_with_edge_capture.txt",
                   {"diagnose", "--no-color", "samples/seed003-app-sharing.uccapilog", "samples/seed003-edge.pcap"}},
        GoldenCase{"calls_seed003_with_edge_capture.jsonl",
                   {"calls", "--json", "samples/seed003-app-sharing.uccapilog", "samples/seed003-edge.pcap"}},
        GoldenCase{"diagnose_seed003_offset.txt",
                   {"diagnose", "--no-color", "-q", "--offset", "seed003-edge.pcap=-3600",
                    "samples/seed003-app-sharing.uccapilog", "samples/seed003-edge.pcap"}},
        GoldenCase{"offset_malformed.txt", {"calls", "--offset", "edge.pcap", "samples"}},
        GoldenCase{"search_phone.txt", {"search", "--no-color", "--phone", "+1 (425) 555-0100", "tests/fixtures/hops"}},
        GoldenCase{"search_uri_match_all.jsonl",
                   {"search", "--json", "--uri", "alice@contoso.com", "--status", "4xx", "--match-all", "tests/fixtures/hops"}},
        GoldenCase{"search_any_of_two.txt",
                   {"search", "--no-color", "--conference-id", "K7P2Q9XW", "--method", "CANCEL", "tests/fixtures/hops"}},
        GoldenCase{"search_since_utc.txt",
                   {"search", "--no-color", "--since", "2024-03-05T14:04:00Z", "--uri", "alice@contoso.com", "tests/fixtures/hops"}},
        GoldenCase{"search_nothing.txt", {"search", "--no-color", "--call-id", "no-such-call", "tests/fixtures/hops"}},
        GoldenCase{"search_no_criteria.txt", {"search", "tests/fixtures/hops"}},
        GoldenCase{"search_bad_regex.txt", {"search", "--regex", "(a+", "tests/fixtures/hops"}},
        GoldenCase{"show_merged_hops.txt",
                   {"show", "--no-color", "--align-clocks", "--call", "hopcall-c", "tests/fixtures/hops"}},
        GoldenCase{"flow_merged_hops.txt",
                   {"flow", "--ascii", "--align-clocks", "--call", "hopcall-a", "tests/fixtures/hops"}},
        GoldenCase{"flow_raw_observations.txt",
                   {"flow", "--ascii", "--raw", "--align-clocks", "--call", "hopcall-b", "tests/fixtures/hops"}},
        GoldenCase{"calls_hops_clock_note.txt", {"calls", "--no-color", "tests/fixtures/hops"}},
        GoldenCase{"show_secrets_shown.txt", {"show", "--no-color", "--show-secrets", "--call", "e343", "samples/seed001-mpop-call.uccapilog"}}),
    [](const ::testing::TestParamInfo<GoldenCase>& param_info) {
      std::string name = param_info.param.name;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace sipsleuth
