// Tests over the public traces in ../shared/corpus (see its SOURCES.tsv).
// The corpus is not part of this repository; when it is absent these tests
// say so and skip. tshark, installed by .ci/run, is the oracle for captures.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "formats/sniff.hpp"
#include "support/helpers.hpp"

namespace sipsleuth {
namespace {

namespace fs = std::filesystem;

fs::path corpus_dir() {
  if (const char* env = std::getenv("SIPSLEUTH_CORPUS")) return env;
  return fs::path(SIPSLEUTH_SOURCE_DIR) / ".." / "shared" / "corpus";
}

std::vector<fs::path> corpus_files(const std::string& extension) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(corpus_dir())) {
    if (entry.is_regular_file() && (extension.empty() || entry.path().extension() == extension)) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

#define REQUIRE_CORPUS()                                                                                   \
  if (!fs::is_directory(corpus_dir())) {                                                                   \
    GTEST_SKIP() << "corpus not found at " << corpus_dir() << " (set SIPSLEUTH_CORPUS); corpus tests skipped"; \
  }

bool have_tshark() { return std::system("command -v tshark > /dev/null 2>&1") == 0; }

// Call-IDs of every SIP message tshark dissects, one entry per message.
std::multiset<std::string> tshark_call_ids(const fs::path& pcap) {
  std::string command = "tshark -r '" + pcap.string() +
                        "' -Y sip -T fields -E occurrence=a -E aggregator='\\n' -e sip.Call-ID 2>/dev/null";
  std::multiset<std::string> ids;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return ids;
  char line[8192];
  while (fgets(line, sizeof line, pipe)) {
    std::string id(line);
    while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) id.pop_back();
    if (!id.empty()) ids.insert(id);
  }
  pclose(pipe);
  return ids;
}

TEST(Corpus, EveryPcapMatchesTsharkCallIdsAndMessageCounts) {
  REQUIRE_CORPUS();
  if (!have_tshark()) GTEST_SKIP() << "tshark is not installed (.ci/run installs it)";
  auto pcaps = corpus_files(".pcap");
  ASSERT_FALSE(pcaps.empty());
  for (const auto& pcap : pcaps) {
    SCOPED_TRACE(pcap.string());
    model::Trace trace = testing::load_paths({pcap.string()});
    EXPECT_TRUE(trace.errors.empty());
    std::multiset<std::string> ours;
    for (const auto& m : trace.messages) {
      if (!m.sip.call_id().empty()) ours.insert(std::string(m.sip.call_id()));
    }
    std::multiset<std::string> theirs = tshark_call_ids(pcap);
    EXPECT_EQ(std::set<std::string>(ours.begin(), ours.end()), std::set<std::string>(theirs.begin(), theirs.end()));
    EXPECT_EQ(ours.size(), theirs.size());
  }
}

TEST(Corpus, HttpOnTheSipPortIsNotParsedAsSip) {
  REQUIRE_CORPUS();
  auto path = corpus_dir() / "pcap" / "ndpi" / "http_on_sip_port.pcap";
  if (!fs::exists(path)) GTEST_SKIP() << path << " not in this corpus";
  model::Trace trace = testing::load_paths({path.string()});
  EXPECT_TRUE(trace.messages.empty());
}

TEST(Corpus, EveryRfc4475MessageIsParsedOrNamedInAFinding) {
  REQUIRE_CORPUS();
  auto files = corpus_files(".dat");
  ASSERT_FALSE(files.empty());
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    model::Trace trace = testing::load_paths({file.string()});
    bool parsed = !trace.calls.empty();
    bool named = !trace.findings.empty() || !trace.errors.empty();
    EXPECT_TRUE(parsed || named);
    for (const auto& f : trace.findings) EXPECT_NE(f.code.find('.'), std::string::npos) << f.code;
  }
}

TEST(Corpus, KnownTortureMessagesGetTheRightFinding) {
  REQUIRE_CORPUS();
  const std::map<std::string, std::string> expected = {
      {"badvers.dat", "sip.bad_version"},
      {"bigcode.dat", "sip.bad_status_code"},
      {"clerr.dat", "sip.content_length_mismatch"},
      {"ncl.dat", "sip.content_length_invalid"},
      {"lwsruri.dat", "sip.request_uri_whitespace"},
  };
  for (const auto& [name, code] : expected) {
    auto path = corpus_dir() / "sip-text" / "rfc4475" / name;
    if (!fs::exists(path)) continue;
    model::Trace trace = testing::load_paths({path.string()});
    EXPECT_TRUE(testing::has_finding(trace, code)) << name << " should report " << code;
  }
}

TEST(Corpus, LyncServerExcerptsGiveMessagesAndDiagnostics) {
  REQUIRE_CORPUS();
  auto dir = corpus_dir() / "lync-server" / "doc-excerpts";
  if (!fs::is_directory(dir)) GTEST_SKIP() << dir << " not in this corpus";
  model::Trace trace = testing::load_paths({dir.string()});
  EXPECT_TRUE(trace.errors.empty());
  EXPECT_EQ(trace.messages.size(), 1u);
  EXPECT_EQ(trace.events.size(), 3u);
  auto cert = trace.find_call("e144704c", nullptr);
  ASSERT_TRUE(cert);
  EXPECT_EQ(trace.calls[*cert].events.size(), 1u);
}

TEST(Corpus, EveryFileIsReadWithoutErrors) {
  REQUIRE_CORPUS();
  for (const auto& file : corpus_files("")) {
    if (file.filename() == "SOURCES.tsv") continue;
    SCOPED_TRACE(file.string());
    auto r = testing::run_cli({"calls", "--json", file.string()});
    EXPECT_NE(r.status, 2) << r.err;
  }
}

// `calls`, `diagnose` and `report` build calls a batch at a time; on every
// real trace their output must be what building them all at once gives.
TEST(Corpus, CallsDiagnoseAndReportInBatchesMatchThemInMemory) {
  REQUIRE_CORPUS();
  auto files = corpus_files("");
  ASSERT_FALSE(files.empty());
  for (const auto& file : files) {
    if (file.filename() == "SOURCES.tsv") continue;
    SCOPED_TRACE(file.string());
    for (const char* command : {"calls", "diagnose"}) {
      for (const char* format : {"--json", "--no-color"}) {
        SCOPED_TRACE(std::string(command) + " " + format);
        auto batched = testing::run_cli({command, format, file.string()});
        auto in_memory = testing::run_cli({command, format, "--in-memory", file.string()});
        EXPECT_EQ(batched.status, in_memory.status);
        EXPECT_EQ(batched.out, in_memory.out);
        EXPECT_EQ(batched.err, in_memory.err);
      }
    }
    auto batched = testing::run_cli({"report", "-o", "-", file.string()});
    auto in_memory = testing::run_cli({"report", "--in-memory", "-o", "-", file.string()});
    EXPECT_EQ(batched.status, in_memory.status);
    EXPECT_EQ(testing::without_nonce(batched.out), testing::without_nonce(in_memory.out));
    EXPECT_EQ(batched.err, in_memory.err);
  }
}

}  // namespace
}  // namespace sipsleuth
