#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include "io/input.hpp"
#include "support/helpers.hpp"

namespace sipsleuth {
namespace {

using testing::TempDir;

std::string compress(const std::string& member, const std::string& data, bool zip) {
  std::string out;
  struct archive* a = archive_write_new();
  if (zip) {
    archive_write_set_format_zip(a);
  } else {
    archive_write_add_filter_gzip(a);
    archive_write_set_format_raw(a);
  }
  std::vector<char> buffer(1 << 20);
  size_t used = 0;
  archive_write_open_memory(a, buffer.data(), buffer.size(), &used);
  struct archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, member.c_str());
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
  archive_write_header(a, e);
  archive_write_data(a, data.data(), data.size());
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  return std::string(buffer.data(), used);
}

TEST(Io, MissingFileIsAnErrorNamingThePath) {
  auto opened = io::open_inputs({"/nonexistent/trace.log"});
  ASSERT_EQ(opened.errors.size(), 1u);
  EXPECT_EQ(opened.errors[0].name, "/nonexistent/trace.log");
  EXPECT_NE(opened.errors[0].message.find("No such file"), std::string::npos);
}

TEST(Io, ReadsPlainFileThroughMemoryMap) {
  TempDir dir;
  auto path = dir.file("a.sip", "OPTIONS sip:a@b SIP/2.0\r\n\r\n");
  auto opened = io::open_inputs({path});
  ASSERT_EQ(opened.inputs.size(), 1u);
  EXPECT_EQ(opened.inputs[0].data->bytes(), "OPTIONS sip:a@b SIP/2.0\r\n\r\n");
}

// A search gives back the pages of what it skipped; the bytes must still
// read the same afterwards (the kernel maps them again from the file).
TEST(Io, ReleasedRangesStillReadTheSame) {
  TempDir dir;
  std::string text;
  for (int i = 0; text.size() < 64 * 1024; ++i) text += "line " + std::to_string(i) + "\n";
  auto path = dir.file("big.txt", text);
  auto opened = io::open_inputs({path});
  ASSERT_EQ(opened.inputs.size(), 1u);
  const auto& buffer = *opened.inputs[0].data;
  ASSERT_EQ(buffer.bytes(), text);
  buffer.release(100, 40000);
  buffer.release(0, text.size());
  buffer.release(text.size() - 10, 1000);  // past the end
  EXPECT_EQ(buffer.bytes(), text);
  auto owned = io::make_owned_buffer(text);
  owned->release(0, text.size());
  EXPECT_EQ(owned->bytes(), text);
}

TEST(Io, ExpandsGzip) {
  TempDir dir;
  auto path = dir.file("a.sip.gz", compress("a.sip", "hello trace", false));
  auto opened = io::open_inputs({path});
  ASSERT_EQ(opened.inputs.size(), 1u) << (opened.errors.empty() ? "" : opened.errors[0].message);
  EXPECT_EQ(opened.inputs[0].data->bytes(), "hello trace");
  EXPECT_EQ(opened.inputs[0].name, path);
}

TEST(Io, ExpandsZipMembersWithTheirNames) {
  TempDir dir;
  auto path = dir.file("logs.zip", compress("client.uccapilog", "zipped text", true));
  auto opened = io::open_inputs({path});
  ASSERT_EQ(opened.inputs.size(), 1u);
  EXPECT_EQ(opened.inputs[0].name, path + ":client.uccapilog");
  EXPECT_EQ(opened.inputs[0].data->bytes(), "zipped text");
}

TEST(Io, CorruptGzipIsReported) {
  TempDir dir;
  std::string gz = compress("a", std::string(5000, 'x'), false);
  auto path = dir.file("bad.gz", gz.substr(0, gz.size() / 2));
  auto opened = io::open_inputs({path});
  EXPECT_FALSE(opened.errors.empty());
}

TEST(Io, WalksDirectoriesInSortedOrder) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "sub");
  dir.file("b.log", "b");
  dir.file("sub/a.log", "a");
  auto opened = io::open_inputs({dir.path().string()});
  ASSERT_EQ(opened.inputs.size(), 2u);
  EXPECT_TRUE(opened.inputs[0].from_directory);
  EXPECT_LT(opened.inputs[0].name, opened.inputs[1].name);
}

TEST(Io, EmptyDirectoryIsAnError) {
  TempDir dir;
  auto opened = io::open_inputs({dir.path().string()});
  ASSERT_EQ(opened.errors.size(), 1u);
  EXPECT_NE(opened.errors[0].message.find("no files"), std::string::npos);
}

}  // namespace
}  // namespace sipsleuth
