// Property tests: for generated calls of every outcome, with 1-4 forks and
// several authentication schemes, written as client logs and as server logs,
// the verdict, the forks and the answering endpoint are what was generated.
#include <gtest/gtest.h>

#include "analysis/diagnose.hpp"
#include "analysis/verdict.hpp"
#include "support/helpers.hpp"
#include "support/scenario.hpp"

namespace sipsleuth {
namespace {

void expect_matches(const model::Trace& trace, const std::vector<testing::ScenarioCall>& expected, const char* format) {
  ASSERT_EQ(trace.calls.size(), expected.size()) << format;
  EXPECT_TRUE(trace.findings.empty()) << format << ": " << trace.findings.front().code << " " << trace.findings.front().detail;
  for (const auto& want : expected) {
    auto id = trace.find_call(want.call_id, nullptr);
    ASSERT_TRUE(id) << format << " " << want.call_id;
    const model::Call& call = trace.calls[*id];
    analysis::Verdict verdict = analysis::judge(trace, call);
    EXPECT_EQ(analysis::outcome_name(verdict.outcome), want.outcome) << format << " " << want.call_id;
    EXPECT_EQ(static_cast<int>(call.forks.size()), want.forks) << format << " " << want.call_id;
    EXPECT_EQ(verdict.answered_by_epid, want.answered_by) << format << " " << want.call_id;
    auto findings = analysis::diagnose(trace, call, verdict);
    ASSERT_FALSE(findings.empty());
    EXPECT_EQ(findings.front().code, "call." + want.outcome);
    bool forked = std::any_of(findings.begin(), findings.end(), [](const auto& f) { return f.code == "call.forked"; });
    EXPECT_EQ(forked, want.forks > 1) << format << " " << want.call_id;
  }
}

class Scenarios : public ::testing::TestWithParam<unsigned> {};

TEST_P(Scenarios, VerdictsMatchWhatWasGenerated) {
  testing::ScenarioGenerator generator(GetParam());
  testing::GeneratedLogs logs = generator.generate(4);
  expect_matches(testing::load_text("generated.uccapilog", logs.client_log), logs.calls, "client log");
  expect_matches(testing::load_text("generated-fe.log", logs.server_log), logs.calls, "server log");
}

INSTANTIATE_TEST_SUITE_P(Seeds, Scenarios, ::testing::Values(1u, 7u, 42u, 2024u));

}  // namespace
}  // namespace sipsleuth
