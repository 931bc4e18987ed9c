#include "io/input.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace sipsleuth::io {
namespace {

class OwnedBuffer final : public Buffer {
 public:
  explicit OwnedBuffer(std::string data) : data_(std::move(data)) {}
  std::string_view bytes() const override { return data_; }

 private:
  std::string data_;
};

class MappedBuffer final : public Buffer {
 public:
  MappedBuffer(void* address, std::size_t size) : address_(address), size_(size) {}
  ~MappedBuffer() override { munmap(address_, size_); }
  MappedBuffer(const MappedBuffer&) = delete;
  MappedBuffer& operator=(const MappedBuffer&) = delete;
  std::string_view bytes() const override { return {static_cast<const char*>(address_), size_}; }
  void release(std::size_t offset, std::size_t length) const override {
    // Whole pages inside the range only: a page it shares with bytes still in use stays.
    const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    std::size_t begin = (offset + page - 1) / page * page;
    std::size_t end = std::min(size_, offset + length) / page * page;
    if (begin < end) madvise(static_cast<char*>(address_) + begin, end - begin, MADV_DONTNEED);
  }

 private:
  void* address_;
  std::size_t size_;
};

std::string errno_text(int error) { return std::generic_category().message(error); }

// Reads a descriptor to the end; used for pipes, stdin and files mmap refuses.
bool read_all(int fd, std::string& out, int& error) {
  char chunk[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n == 0) return true;
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno;
      return false;
    }
    out.append(chunk, static_cast<std::size_t>(n));
  }
}

void add_bytes(const std::string& name, std::shared_ptr<const Buffer> buffer, bool from_directory,
               const OpenOptions& options, OpenedInputs& out) {
  std::string_view bytes = buffer->bytes();
  if (looks_compressed(bytes)) {
    std::size_t before = out.inputs.size();
    expand_archive(name, bytes, options, out);
    for (std::size_t i = before; i < out.inputs.size(); ++i) out.inputs[i].from_directory = from_directory;
    return;
  }
  out.inputs.push_back(Input{name, std::move(buffer), from_directory, false});
}

void open_file(const std::string& path, bool from_directory, const OpenOptions& options,
               OpenedInputs& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    out.errors.push_back({path, "cannot open: " + errno_text(errno)});
    return;
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    out.errors.push_back({path, "cannot stat: " + errno_text(errno)});
    ::close(fd);
    return;
  }
  std::shared_ptr<const Buffer> buffer;
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    void* address = mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (address != MAP_FAILED) {
      madvise(address, static_cast<std::size_t>(st.st_size), MADV_SEQUENTIAL);
      buffer = std::make_shared<MappedBuffer>(address, static_cast<std::size_t>(st.st_size));
    }
  }
  if (!buffer) {
    std::string data;
    int error = 0;
    if (!read_all(fd, data, error)) {
      out.errors.push_back({path, "cannot read: " + errno_text(error)});
      ::close(fd);
      return;
    }
    buffer = make_owned_buffer(std::move(data));
  }
  ::close(fd);
  add_bytes(path, std::move(buffer), from_directory, options, out);
}

void open_directory(const std::string& path, const OpenOptions& options, OpenedInputs& out) {
  std::vector<std::string> files;
  std::error_code ec;
  auto it = std::filesystem::recursive_directory_iterator(
      path, std::filesystem::directory_options::skip_permission_denied, ec);
  if (ec) {
    out.errors.push_back({path, "cannot read directory: " + ec.message()});
    return;
  }
  for (; it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      out.errors.push_back({path, "cannot read directory entry: " + ec.message()});
      break;
    }
    std::error_code type_error;
    if (it->is_regular_file(type_error)) files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    out.errors.push_back({path, "directory contains no files"});
    return;
  }
  for (const auto& file : files) {
    std::size_t before = out.inputs.size();
    open_file(file, true, options, out);
    for (std::size_t i = before; i < out.inputs.size(); ++i) out.inputs[i].origin = path;
  }
}

}  // namespace

std::shared_ptr<const Buffer> make_owned_buffer(std::string data) {
  return std::make_shared<OwnedBuffer>(std::move(data));
}

bool looks_compressed(std::string_view head) {
  auto starts = [&](std::string_view magic) { return head.substr(0, magic.size()) == magic; };
  return starts("\x1f\x8b") ||                                  // gzip
         starts(std::string_view("PK\x03\x04", 4)) ||           // zip
         starts("BZh") ||                                       // bzip2
         starts("\xfd" "7zXZ") ||                               // xz
         starts("\x28\xb5\x2f\xfd");                            // zstd
}

void expand_archive(const std::string& name, std::string_view bytes, const OpenOptions& options,
                    OpenedInputs& out) {
  struct archive* reader = archive_read_new();
  archive_read_support_filter_all(reader);
  archive_read_support_format_all(reader);
  // "raw" makes a compressed single file (trace.log.gz) readable as one entry.
  archive_read_support_format_raw(reader);
  if (archive_read_open_memory(reader, bytes.data(), bytes.size()) != ARCHIVE_OK) {
    out.errors.push_back({name, std::string("cannot open compressed file: ") + archive_error_string(reader)});
    archive_read_free(reader);
    return;
  }
  struct archive_entry* entry = nullptr;
  int members = 0;
  for (;;) {
    int status = archive_read_next_header(reader, &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN) {
      out.errors.push_back({name, std::string("corrupt archive: ") + archive_error_string(reader)});
      break;
    }
    if (archive_entry_filetype(entry) != AE_IFREG && archive_format(reader) != ARCHIVE_FORMAT_RAW) {
      continue;
    }
    bool raw = archive_format(reader) == ARCHIVE_FORMAT_RAW;
    const char* member_name = archive_entry_pathname(entry);
    std::string display = raw ? name : name + ":" + (member_name ? member_name : "?");
    std::string data;
    bool failed = false;
    char chunk[1 << 16];
    for (;;) {
      la_ssize_t n = archive_read_data(reader, chunk, sizeof chunk);
      if (n == 0) break;
      if (n < 0) {
        out.errors.push_back({display, std::string("decompression failed after ") + std::to_string(data.size()) +
                                           " bytes: " + archive_error_string(reader)});
        failed = true;
        break;
      }
      if (data.size() + static_cast<std::size_t>(n) > options.max_decompressed_bytes) {
        out.errors.push_back({display, "decompressed size exceeds the limit of " +
                                           std::to_string(options.max_decompressed_bytes) + " bytes"});
        failed = true;
        break;
      }
      data.append(chunk, static_cast<std::size_t>(n));
    }
    ++members;
    // A truncated .gz still yields what was decompressed before the damage.
    if (!data.empty() || !failed) {
      out.inputs.push_back(Input{display, make_owned_buffer(std::move(data)), false, true});
    }
    if (failed) break;
  }
  if (members == 0) out.errors.push_back({name, "archive contains no files"});
  archive_read_free(reader);
}

OpenedInputs open_inputs(const std::vector<std::string>& paths, const OpenOptions& options) {
  OpenedInputs out;
  for (const auto& path : paths) {
    if (path == "-") {
      std::string data;
      int error = 0;
      if (!read_all(STDIN_FILENO, data, error)) {
        out.errors.push_back({"-", "cannot read standard input: " + errno_text(error)});
        continue;
      }
      std::size_t before = out.inputs.size();
      add_bytes("-", make_owned_buffer(std::move(data)), false, options, out);
      for (std::size_t i = before; i < out.inputs.size(); ++i) out.inputs[i].origin = "-";
      continue;
    }
    std::error_code ec;
    auto status = std::filesystem::status(path, ec);
    if (ec || status.type() == std::filesystem::file_type::not_found) {
      out.errors.push_back({path, "cannot open: " + (ec ? ec.message() : std::string("No such file or directory"))});
      continue;
    }
    std::size_t before = out.inputs.size();
    if (status.type() == std::filesystem::file_type::directory) {
      open_directory(path, options, out);
    } else {
      open_file(path, false, options, out);
      for (std::size_t i = before; i < out.inputs.size(); ++i) out.inputs[i].origin = path;
    }
  }
  return out;
}

}  // namespace sipsleuth::io
