#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "analysis/decode.hpp"
#include "analysis/diagnose.hpp"
#include "analysis/tables.hpp"
#include "analysis/verdict.hpp"
#include "support/helpers.hpp"

namespace sipsleuth::analysis {
namespace {

namespace fs = std::filesystem;

TEST(Tables, CopiesInDataEqualSharedResearch) {
  fs::path research = fs::path(SIPSLEUTH_SOURCE_DIR) / ".." / "shared" / "research";
  if (!fs::is_directory(research)) GTEST_SKIP() << research << " not found; cannot compare the copies";
  for (const char* name : {"ms-diagnostics.tsv", "ms-diagnostics-ranges.tsv", "ms-client-diagnostics.tsv", "icewarn-flags.tsv"}) {
    EXPECT_EQ(testing::read_file(fs::path(SIPSLEUTH_SOURCE_DIR) / "data" / name), testing::read_file(research / name))
        << name << " in data/ differs from shared/research/; copy it again";
  }
}

TEST(Tables, EveryRowOfTheDiagnosticsTableIsDecodable) {
  std::ifstream in(fs::path(SIPSLEUTH_SOURCE_DIR) / "data" / "ms-diagnostics.tsv");
  std::string line;
  std::getline(in, line);  // header
  std::size_t rows = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++rows;
    unsigned code = static_cast<unsigned>(std::stoul(line.substr(0, line.find('\t'))));
    EXPECT_FALSE(ms_diagnostic_info(code).empty()) << code;
  }
  EXPECT_EQ(ms_diagnostic_rows(), rows);
}

TEST(Decode, InboundRoutingFork) {
  auto d = decode_ms_diagnostic(
      "13004;reason=\"Request was proxied to one or more registered endpoints\";source=\"R2EE01.uclab.org\";"
      "appName=\"InboundRouting\"");
  EXPECT_EQ(d.parsed.code, 13004u);
  EXPECT_TRUE(d.reason_from_wire);
  EXPECT_EQ(d.source, "R2EE01.uclab.org");
  EXPECT_EQ(d.app_name, "InboundRouting");
  EXPECT_EQ(d.component, "VoIP – inbound call routing");
  ASSERT_FALSE(d.known.empty());
}

TEST(Decode, UnknownCodeKeepsItsOwnReasonAndRange) {
  auto d = decode_ms_diagnostic("12999;reason=\"Something new\"");
  EXPECT_TRUE(d.known.empty());
  EXPECT_EQ(d.reason, "Something new");
  EXPECT_EQ(d.component, "VoIP – outbound call routing");
}

TEST(Decode, TableReasonWhenTheWireHasNone) {
  auto d = decode_ms_diagnostic("1003");
  EXPECT_FALSE(d.reason_from_wire);
  EXPECT_EQ(d.reason, "User does not exist.");
}

TEST(Decode, ClientIceWarnAndQoeFlagsAreDifferentTables) {
  auto client = decode_ice_warnings(IceFlagTable::client_icewarn, 0x40003a0);
  std::vector<std::uint32_t> bits;
  for (const auto* f : client.flags) bits.push_back(f->bit);
  EXPECT_EQ(bits, (std::vector<std::uint32_t>{0x20, 0x80, 0x100, 0x200, 0x4000000}));
  EXPECT_EQ(client.unknown_bits, 0u);
  auto qoe = decode_ice_warnings(IceFlagTable::qoe_ice_warning_flags, 0x10);
  ASSERT_EQ(qoe.flags.size(), 1u);
  EXPECT_EQ(qoe.flags[0]->meaning, "TURN server is unreachable.");
  auto client_same_bits = decode_ice_warnings(IceFlagTable::client_icewarn, 0x10);
  ASSERT_EQ(client_same_bits.flags.size(), 1u);
  EXPECT_EQ(client_same_bits.flags[0]->meaning, "An attempt to send TCP on the TURN server failed.");
  auto none = decode_ice_warnings(IceFlagTable::client_icewarn, 0);
  ASSERT_EQ(none.flags.size(), 1u);
  EXPECT_EQ(none.flags[0]->bit, 0u);
}

TEST(Decode, ClientDiagnosticWithMediaDebug) {
  auto d = decode_ms_client_diagnostic(
      "51004; reason=\"Action initiated by User\";CalleeMediaDebug=\"audio:ICEWarn=0x40003a0,LocalSite=192.168.100.1:50034,"
      "LocalMR=192.168.100.1::58503,RemoteMR=80.60.22.20:58091,PortRange=50020:50039\"");
  EXPECT_EQ(d.parsed.code, 51004u);
  EXPECT_FALSE(d.is_error());
  ASSERT_EQ(d.media.size(), 1u);
  EXPECT_EQ(d.media[0].side, "CalleeMediaDebug");
  ASSERT_TRUE(d.media[0].ice);
  EXPECT_EQ(d.media[0].ice->flags.size(), 5u);
  EXPECT_TRUE(decode_ms_client_diagnostic("52001;reason=\"x\"").is_error());
}

TEST(Decode, FlatMediaDebugFieldsOfLaterClients) {
  // Seed 000's form: the MediaDebug fields as top-level quoted values.
  auto d = decode_ms_client_diagnostic(
      "51007;reason=\"Callee media connectivity diagnosis info\";UserType=\"Callee\";MediaType=\"audio\";"
      "ICEWarn=\"0x0\";LocalSite=\"10.6.0.5:9450\";LocalMR=\"188.111.10.69:56186\";RemoteMR=\"195.145.140.92:54427\";"
      "PortRange=\"1025:65000\"");
  ASSERT_EQ(d.media.size(), 1u);
  EXPECT_EQ(d.media[0].side, "CalleeMediaDebug");
  EXPECT_EQ(d.media[0].media.media, "audio");
  EXPECT_EQ(d.media[0].media.field("LocalMR"), "188.111.10.69:56186");
  ASSERT_TRUE(d.media[0].ice);
  EXPECT_EQ(d.media[0].ice->value, 0u);
}

TEST(Decode, ReasonAndWarningHeaders) {
  auto reasons = decode_reason("Q.850;cause=16;text=\"Normal call clearing\", SIP;cause=480;text=\"Gone\"");
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[0].cause, 16u);
  EXPECT_EQ(reasons[0].meaning, "Normal call clearing");
  EXPECT_EQ(reasons[1].protocol, "SIP");
  EXPECT_FALSE(reasons[1].meaning);
  auto warnings = decode_warning("399 edge.contoso.com \"Media relay unreachable\"");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].code, 399u);
  EXPECT_EQ(warnings[0].agent, "edge.contoso.com");
  EXPECT_EQ(warnings[0].text, "Media relay unreachable");
}

// A client log of one call, message by message: (seconds, sent?, SIP text).
struct Step {
  double at;
  bool sent;
  std::string text;
};

std::string client_log(const std::vector<Step>& steps) {
  std::string log;
  for (const auto& s : steps) {
    int ms = static_cast<int>(s.at * 1000);
    char prefix[64];
    std::snprintf(prefix, sizeof prefix, "01/05/2010|14:%02d:%02d.%03d 418:D8 INFO  :: ", ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
    std::string marker = s.sent ? "Sending Packet - 10.0.0.2:5061 (From Local Address: 10.0.0.1:5061) 1 bytes"
                                : "Data Received - 10.0.0.2:5061 (To Local Address: 10.0.0.1:5061) 1 bytes";
    log += prefix + marker + ":\n" + s.text + "\n" + prefix + "End of " + marker + "\n";
  }
  return log;
}

std::string request(const std::string& method, int cseq, const std::string& extra = "", bool in_dialog = false) {
  return method + " sip:bob@contoso.com SIP/2.0\nFrom: <sip:alice@contoso.com>;tag=a1\nTo: <sip:bob@contoso.com>" +
         (in_dialog ? ";tag=b1" : "") + "\nCall-ID: v1\nCSeq: " + std::to_string(cseq) + " " + method + "\n" + extra +
         "Content-Length: 0\n";
}

std::string response(int status, const std::string& reason, int cseq, const std::string& method,
                     const std::string& extra = "") {
  return "SIP/2.0 " + std::to_string(status) + " " + reason +
         "\nFrom: <sip:alice@contoso.com>;tag=a1\nTo: <sip:bob@contoso.com>;tag=b1;epid=e1\nCall-ID: v1\nCSeq: " +
         std::to_string(cseq) + " " + method + "\nUser-Agent: Phone/1\n" + extra + "Content-Length: 0\n";
}

// The verdict's text fields are views into the trace, so both travel together.
struct Judged {
  model::Trace trace;
  Verdict verdict;
  const Verdict* operator->() const { return &verdict; }
};

Judged judge_log(const std::vector<Step>& steps) {
  Judged j{testing::load_text("verdict.uccapilog", client_log(steps)), {}};
  EXPECT_EQ(j.trace.calls.size(), 1u);
  j.verdict = judge(j.trace, j.trace.calls.at(0));
  return j;
}

TEST(Verdict, EveryOutcomeOfTheVocabulary) {
  auto invite_ending = [](int status, const std::string& reason) {
    return judge_log({{0, true, request("INVITE", 1)}, {1, false, response(180, "Ringing", 1, "INVITE")},
                      {5, false, response(status, reason, 1, "INVITE")}})
        ->outcome;
  };
  EXPECT_EQ(invite_ending(486, "Busy Here"), Outcome::busy);
  EXPECT_EQ(invite_ending(600, "Busy Everywhere"), Outcome::busy);
  EXPECT_EQ(invite_ending(603, "Decline"), Outcome::declined);
  EXPECT_EQ(invite_ending(480, "Temporarily Unavailable"), Outcome::no_answer);
  EXPECT_EQ(invite_ending(408, "Request Timeout"), Outcome::no_answer);
  EXPECT_EQ(invite_ending(404, "Not Found"), Outcome::failed);
  EXPECT_EQ(invite_ending(487, "Request Terminated"), Outcome::cancelled);

  auto timeout_diag = judge_log({{0, true, request("INVITE", 1)}, {1, false, response(183, "Session Progress", 1, "INVITE")},
                                    {30, false, response(504, "Server time-out", 1, "INVITE",
                                                         "ms-diagnostics: 5001;reason=\"Request timed out\"\n")}});
  EXPECT_EQ(timeout_diag->outcome, Outcome::no_answer);

  auto answered = judge_log({{0, true, request("INVITE", 1)}, {2, false, response(180, "Ringing", 1, "INVITE")},
                                {6, false, response(200, "OK", 1, "INVITE")}, {6.1, true, request("ACK", 1, "", true)},
                                {66, false, "BYE sip:alice@contoso.com SIP/2.0\nFrom: <sip:bob@contoso.com>;tag=b1\n"
                                            "To: <sip:alice@contoso.com>;tag=a1\nCall-ID: v1\nCSeq: 5 BYE\nContent-Length: 0\n"}});
  EXPECT_EQ(answered->outcome, Outcome::answered);
  EXPECT_EQ(answered->to_first_provisional_ms, 2000);
  EXPECT_EQ(answered->to_answer_ms, 6000);
  EXPECT_EQ(answered->ring_ms, 4000);
  EXPECT_EQ(answered->talk_ms, 60000);
  EXPECT_EQ(answered->ended_by, model::Role::callee);
  EXPECT_EQ(answered->answered_by_epid, "e1");

  auto media_failed = judge_log(
      {{0, true, request("INVITE", 1)}, {3, false, response(200, "OK", 1, "INVITE")},
       {3.1, true, request("ACK", 1, "", true)},
       {10, true, request("BYE", 2, "ms-client-diagnostics: 52001;reason=\"Call failed to establish due to a media connectivity failure\"\n", true)}});
  EXPECT_EQ(media_failed->outcome, Outcome::media_failed);
  EXPECT_EQ(media_failed->ended_by, model::Role::caller);
  EXPECT_NE(media_failed->end_diagnostic.find("52001"), std::string_view::npos);

  EXPECT_EQ(judge_log({{0, true, request("INVITE", 1)}, {1, false, response(183, "Session Progress", 1, "INVITE")}})->outcome,
            Outcome::in_progress);

  auto registered = judge_log({{0, true, request("REGISTER", 1)},
                                  {0.1, false, response(401, "Unauthorized", 1, "REGISTER", "WWW-Authenticate: NTLM realm=\"SIP\"\n")},
                                  {0.2, true, request("REGISTER", 2, "Proxy-Authorization: NTLM gssapi-data=\"abc\"\n")},
                                  {0.3, false, response(200, "OK", 2, "REGISTER")}});
  EXPECT_EQ(registered->outcome, Outcome::registered);
  EXPECT_EQ(registered->auth_rounds, 1u);

  EXPECT_EQ(judge_log({{0, true, request("REGISTER", 1, "Authorization: Digest username=\"a\", response=\"x\"\n")},
                       {0.1, false, response(403, "Forbidden", 1, "REGISTER")}})
                ->outcome,
            Outcome::auth_failed);
  EXPECT_EQ(judge_log({{0, true, request("REGISTER", 1)}, {0.1, false, response(401, "Unauthorized", 1, "REGISTER")}})->outcome,
            Outcome::failed);  // challenged, but no credentials were ever sent
  EXPECT_EQ(judge_log({{0, true, request("SUBSCRIBE", 1)}, {0.1, false, response(200, "OK", 1, "SUBSCRIBE")}})->outcome,
            Outcome::subscribed);
}

TEST(Verdict, Seed001MpopAnsweredByThePhone) {
  model::Trace trace = testing::load_paths({"samples/seed001-mpop-call.uccapilog"});
  Verdict v = judge(trace, trace.calls.at(0));
  EXPECT_EQ(v.outcome, Outcome::answered);
  EXPECT_EQ(v.answered_by_epid, "2798f0b3cc");
  EXPECT_NE(v.answered_by_user_agent.find("OCPhone"), std::string_view::npos);
}

}  // namespace
}  // namespace sipsleuth::analysis

namespace sipsleuth::analysis {
namespace {

std::vector<std::string> finding_codes(const model::Trace& trace, std::string_view call_prefix) {
  auto id = trace.find_call(call_prefix, nullptr);
  EXPECT_TRUE(id) << call_prefix;
  std::vector<std::string> codes;
  if (!id) return codes;
  const model::Call& call = trace.calls[*id];
  for (const auto& f : diagnose(trace, call, judge(trace, call))) {
    codes.push_back(f.code);
    EXPECT_FALSE(f.message.empty());
    EXPECT_TRUE(!f.messages.empty() || !f.events.empty()) << f.code;
  }
  return codes;
}

bool has(const std::vector<std::string>& codes, const std::string& code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

TEST(Diagnose, SeedVoiceRoutingIsExplained) {
  model::Trace trace = testing::load_paths({"samples/seed004-remote-user.uccapilog", "samples/seed001-mpop-call.uccapilog"});
  auto e164 = finding_codes(trace, "036f5404");
  EXPECT_TRUE(has(e164, "routing.outbound_gateway"));
  auto non_e164 = finding_codes(trace, "2b5ae96b");
  EXPECT_TRUE(has(non_e164, "routing.number_translated"));
  EXPECT_TRUE(has(non_e164, "routing.outbound_gateway"));
  auto mpop = finding_codes(trace, "e3430528");
  EXPECT_TRUE(has(mpop, "call.answered"));
  EXPECT_TRUE(has(mpop, "call.forked"));
  EXPECT_TRUE(has(mpop, "routing.inbound_forked"));
  auto id = trace.find_call("7e1c2b9f", nullptr);
  ASSERT_TRUE(id);
  const model::Call& reg = trace.calls[*id];
  for (const auto& f : diagnose(trace, reg, judge(trace, reg))) {
    if (f.code == "registration.authentication") {
      EXPECT_NE(f.message.find("home server R2EE01.uclab.org"), std::string::npos) << f.message;
      EXPECT_NE(f.message.find("RemoteUser"), std::string::npos) << f.message;
    }
  }
  auto registration = finding_codes(trace, "7e1c2b9f");
  EXPECT_TRUE(has(registration, "call.registered"));
  EXPECT_TRUE(has(registration, "registration.authentication"));
}

TEST(Diagnose, Seed000FederatedCallRingsFourDevices) {
  model::Trace trace = testing::load_paths({"samples/seed000-federated-mpop.uccapilog"});
  const model::Call& call = trace.calls.at(0);
  EXPECT_EQ(call.forks.size(), 4u);
  Verdict v = judge(trace, call);
  EXPECT_EQ(v.outcome, Outcome::answered);
  EXPECT_EQ(v.answered_by_epid, "a606e73c89");
  auto codes = finding_codes(trace, "ab5a007c");
  EXPECT_TRUE(has(codes, "call.forked"));
  EXPECT_TRUE(has(codes, "media.relays"));
  EXPECT_TRUE(has(codes, "transport.repeated_responses"));  // the 101 sent twice, as the guide shows
}

TEST(Diagnose, Seed001ReInviteFixesTheFinalPair) {
  model::Trace trace = testing::load_paths({"samples/seed001-mpop-call.uccapilog"});
  auto codes = finding_codes(trace, "e3430528");
  EXPECT_TRUE(has(codes, "media.final_pair"));
  EXPECT_TRUE(has(codes, "media.offer_answer"));
}

TEST(Diagnose, VoiceDetails) {
  model::Trace trace = testing::load_paths({"samples/seed004-remote-user.uccapilog"});
  auto non_e164 = finding_codes(trace, "2b5ae96b");
  EXPECT_TRUE(has(non_e164, "voice.dialed_number"));
  EXPECT_TRUE(has(non_e164, "voice.mediation_server"));
}

TEST(Diagnose, ServerRecordsBecomeFindingsWithTheirResultCode) {
  model::Trace trace = testing::load_paths({"samples/seed004-fe-outbound-routing.log"});
  auto codes = finding_codes(trace, "a308fa72");
  EXPECT_TRUE(has(codes, "server.sipproxy_e_connection_failed"));
  auto untrusted = finding_codes(trace, "c00bc618");
  EXPECT_TRUE(has(untrusted, "server.sipproxy_e_routing"));
}

TEST(Diagnose, MediaRelaysOfSeed003) {
  model::Trace trace = testing::load_paths({"samples/seed003-app-sharing.uccapilog"});
  const model::Call& call = trace.calls.at(0);
  auto findings = diagnose(trace, call, judge(trace, call));
  auto relays = std::find_if(findings.begin(), findings.end(), [](const CallFinding& f) { return f.code == "media.relays"; });
  ASSERT_NE(relays, findings.end());
  EXPECT_NE(relays->message.find("local relay 1.1.1.1:50704"), std::string::npos);
  EXPECT_NE(relays->message.find("remote relay 2.2.2.2:58138"), std::string::npos);
}

}  // namespace
}  // namespace sipsleuth::analysis
