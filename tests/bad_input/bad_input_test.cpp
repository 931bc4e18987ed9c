// Every kind of bad input ends with a clear message that names the file and
// the line, packet or byte offset; the other inputs are still analysed;
// nothing crashes or hangs; the exit status says what happened.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "support/helpers.hpp"
#include "support/pcap_writer.hpp"

namespace sipsleuth {
namespace {

using testing::run_cli;
using testing::TempDir;

const char* kGood = "samples/pasted-im-and-options.sip";

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(BadInput, MissingFileIsNamedAndTheOthersAreStillRead) {
  auto r = run_cli({"calls", "--no-color", "/no/such/trace.uccapilog", kGood});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, "/no/such/trace.uccapilog: cannot open: No such file or directory")) << r.err;
  EXPECT_TRUE(contains(r.out, "9a1c7e2f4b6d4e8fa0b2c4d6e8f0a1b3"));
}

TEST(BadInput, UnreadableFile) {
  // Reading /proc/self/mem at offset 0 fails with EIO for every user, root included.
  auto r = run_cli({"calls", "/proc/self/mem", kGood});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, "/proc/self/mem: cannot read")) << r.err;
  EXPECT_TRUE(contains(r.out, "017b06f397b14886bba5edf97ea206bd"));
}

TEST(BadInput, FileWithoutReadPermission) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads files whatever their permissions; covered by UnreadableFile";
  TempDir dir;
  auto path = dir.file("secret.log", "x");
  chmod(path.c_str(), 0);
  auto r = run_cli({"calls", path});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, "Permission denied")) << r.err;
}

TEST(BadInput, DirectoryWithoutTraces) {
  TempDir dir;
  dir.file("notes.txt", "meeting notes, nothing to see\n");
  dir.file("image.bin", std::string("\x89PNG\r\n\x1a\n\0\0\0", 11));
  auto r = run_cli({"calls", dir.path().string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, dir.path().string() + ": no trace files found in this directory (2 file(s) skipped)"))
      << r.err;
}

TEST(BadInput, DirectoryMixingTracesAndOtherFilesSkipsTheOthers) {
  TempDir dir;
  dir.file("notes.txt", "meeting notes\n");
  dir.file("trace.sip", testing::read_file(kGood));
  auto r = run_cli({"calls", dir.path().string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "notes.txt: skipped, text that contains no SIP messages"));
}

TEST(BadInput, BinaryGarbage) {
  TempDir dir;
  std::string garbage;
  for (int i = 0; i < 5000; ++i) garbage.push_back(static_cast<char>((i * 7919) % 256));
  auto path = dir.file("garbage.uccapilog", garbage);
  auto r = run_cli({"calls", path});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, path + ": not a trace sipsleuth can read: binary data")) << r.err;
}

TEST(BadInput, EmptyFile) {
  TempDir dir;
  auto path = dir.file("empty.log", "");
  auto r = run_cli({"calls", path, kGood});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, path + ": not a trace sipsleuth can read: the file is empty")) << r.err;
  EXPECT_TRUE(contains(r.out, "9a1c7e2f"));
}

TEST(BadInput, ClientLogTruncatedInsideAMessage) {
  std::string log = testing::read_file("samples/seed001-mpop-call.uccapilog");
  TempDir dir;
  auto path = dir.file("cut.uccapilog", log.substr(0, log.find("a=candidate:3 1 UDP 16648703 200.1.1.20 52279 typ relay raddr 200.1.1.20 rport 52279\r\na=crypto")));
  auto r = run_cli({"calls", "--no-color", path});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.err, path + ":108: the log ends inside this message (file truncated?) [lync.client_message_unterminated]"))
      << r.err;
  EXPECT_TRUE(contains(r.err, "[sip.content_length_mismatch]"));
  EXPECT_TRUE(contains(r.out, "e34305289c3b4c368c583f531fddeff3"));
}

TEST(BadInput, ServerLogTruncatedInsideARecord) {
  std::string log = testing::read_file("samples/seed004-fe-outbound-routing.log");
  TempDir dir;
  auto path = dir.file("cut.log", log.substr(0, log.find("$$end_record")));
  auto r = run_cli({"calls", path});
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(contains(r.err, path + ":1: record has no $$end_record line")) << r.err;
}

TEST(BadInput, ContentLengthLongerAndShorterThanTheBody) {
  TempDir dir;
  auto path = dir.file("cl.sip",
                       "INVITE sip:a@b SIP/2.0\r\nCall-ID: cl\r\nCSeq: 1 INVITE\r\nContent-Length: 5000\r\n\r\nv=0\r\n"
                       "SIP/2.0 200 OK\r\nCall-ID: cl\r\nCSeq: 1 INVITE\r\nContent-Length: 2\r\n\r\nv=0\r\nm=x\r\n");
  auto r = run_cli({"calls", path});
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(contains(r.err, path + ":1: Content-Length 5000 is longer than the body")) << r.err;
  EXPECT_TRUE(contains(r.err, path + ":7: Content-Length 2 is shorter than the body")) << r.err;
}

TEST(BadInput, TenMegabyteHeaderLine) {
  TempDir dir;
  std::string huge(10 * 1024 * 1024, 'A');
  auto path = dir.file("huge.sip", "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: huge\r\nX-Long: " + huge +
                                       "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
  auto r = run_cli({"calls", "--json", path});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "\"call_id\":\"huge\""));
}

// A header name longer than the index holds (64 KiB) is reported and
// skipped; the headers after it are still read.
TEST(BadInput, HeaderNameTooLongToIndex) {
  TempDir dir;
  std::string name(70000, 'X');
  auto path = dir.file("longname.sip", "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: longname\r\n" + name +
                                           ": v\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
  auto r = run_cli({"calls", "--json", path});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.err, path + ":1: header \"XXXX")) << r.err.substr(0, 300);
  EXPECT_TRUE(contains(r.err, "is too long to index [sip.header_too_long]")) << r.err.substr(0, 300);
  EXPECT_TRUE(contains(r.out, "\"call_id\":\"longname\""));
  EXPECT_TRUE(contains(r.out, "\"first_method\":\"OPTIONS\""));
}

TEST(BadInput, NulBytesAreShownEscaped) {
  TempDir dir;
  auto path = dir.file("nul.sip", std::string("OPTIONS sip:a@b SIP/2.0\r\nCall-ID: nul\r\nX-Odd: a\0b\r\n\r\n", 50));
  auto r = run_cli({"show", "--no-color", "--call", "nul", path});
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(contains(r.out, "X-Odd: a\\x00b"));
  EXPECT_TRUE(contains(r.err, "[sip.nul_byte]"));
}

TEST(BadInput, InvalidUtf8StillGivesValidJson) {
  TempDir dir;
  auto path = dir.file("utf8.sip", "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: u\xff\xfe\r\nFrom: \"Bj\xf6rn\" <sip:bjorn@x>;tag=1\r\n\r\n");
  auto r = run_cli({"calls", "--json", path});
  EXPECT_EQ(r.status, 0);
  std::istringstream lines(r.out);
  std::string line;
  int parsed = 0;
  while (std::getline(lines, line)) {
    EXPECT_NO_THROW({
      auto value = nlohmann::json::parse(line);
      (void)value;
    }) << line;
    ++parsed;
  }
  EXPECT_EQ(parsed, 2);
  EXPECT_TRUE(contains(r.err, "[sip.invalid_utf8]"));
}

TEST(BadInput, PcapWhoseLastPacketIsCut) {
  testing::PcapWriter w;
  w.udp(1, {"10.0.0.1", 5060}, {"10.0.0.2", 5060}, "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: p1\r\nContent-Length: 0\r\n\r\n");
  w.truncated_tail(2, 400, "partial");
  TempDir dir;
  auto path = dir.file("cut.pcap", w.bytes());
  auto r = run_cli({"calls", "--no-color", path});
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(contains(r.err, path + " packet 2: capture ends inside packet 2")) << r.err;
  EXPECT_TRUE(contains(r.out, "p1"));
}

TEST(BadInput, CompressedInputs) {
  TempDir dir;
  std::string source = std::string(SIPSLEUTH_SOURCE_DIR) + "/" + kGood;
  auto gz = (dir.path() / "pasted.sip.gz").string();
  ASSERT_EQ(std::system(("gzip -c '" + source + "' > '" + gz + "'").c_str()), 0);
  auto r = run_cli({"calls", "--no-color", gz});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "9a1c7e2f4b6d4e8fa0b2c4d6e8f0a1b3"));
}

TEST(BadInput, StandardInput) {
  std::string command = std::string("'") + SIPSLEUTH_BINARY + "' calls --json - < '" + SIPSLEUTH_SOURCE_DIR + "/" +
                        kGood + "' > /dev/null";
  EXPECT_EQ(std::system(command.c_str()), 0);
}

TEST(BadInput, UsageErrorsExplainThemselves) {
  auto r = run_cli({"calls"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, "sipsleuth --help"));
  auto show = run_cli({"show", kGood});
  EXPECT_EQ(show.status, 2);
  EXPECT_TRUE(contains(show.err, "--call"));
}

TEST(BadInput, NoCallsMeansNothingMatched) {
  TempDir dir;
  auto path = dir.file("nocall.sip", "OPTIONS sip:a@b SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n");
  auto r = run_cli({"calls", path});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "no calls found"));
}

TEST(BadInput, AmbiguousOrUnknownCallId) {
  auto ambiguous = run_cli({"show", "--call", "trunk", "samples/trunk-capture.pcap"});
  EXPECT_EQ(ambiguous.status, 1);
  EXPECT_TRUE(contains(ambiguous.err, "matches 2 calls"));
  auto unknown = run_cli({"show", "--call", "zzz", "samples/trunk-capture.pcap"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_TRUE(contains(unknown.err, "no call has a Call-ID starting with \"zzz\""));
  auto diagnose = run_cli({"diagnose", "--call", "trunk", "samples/trunk-capture.pcap"});
  EXPECT_EQ(diagnose.status, 1);
  EXPECT_TRUE(contains(diagnose.err, "matches 2 calls"));
}

// An output file that cannot be written is an error naming the path, for
// every command that writes one; nothing is half-written elsewhere.
TEST(BadInput, UnwritableOutputNamesThePath) {
  const std::string nowhere = "/nonexistent-dir/out";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"report", "-o", nowhere + ".html", "samples/seed001-mpop-call.uccapilog"},
        std::vector<std::string>{"flow", "-f", "svg", "-o", nowhere + ".svg", "samples/seed001-mpop-call.uccapilog"},
        std::vector<std::string>{"search", "--call-id", "e343", "-o", nowhere + ".log",
                                 "samples/seed001-mpop-call.uccapilog"}}) {
    auto r = run_cli(args);
    EXPECT_EQ(r.status, 2) << args[0];
    EXPECT_TRUE(contains(r.err, "cannot write /nonexistent-dir/out")) << r.err;
  }
}

}  // namespace
}  // namespace sipsleuth
