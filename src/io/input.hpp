// Input sources: turn what the user named (files, directories, archives, "-")
// into byte buffers. Nothing here knows about trace formats.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sipsleuth::io {

// Bytes of one input, either memory-mapped (the common case: no copy) or held
// in memory (stdin, decompressed data). The bytes never move while it lives.
class Buffer {
 public:
  virtual ~Buffer() = default;
  virtual std::string_view bytes() const = 0;
  // Says that bytes [offset, offset + length) are not needed now (a search
  // scanned past them): a mapped file gives their pages back, so they stop
  // counting in the process's memory. The bytes stay readable: a page read
  // again is mapped again from the file. Other buffers ignore it.
  virtual void release(std::size_t /*offset*/, std::size_t /*length*/) const {}
};

std::shared_ptr<const Buffer> make_owned_buffer(std::string data);

struct Input {
  std::string name;               // what messages show: a path, "archive.zip:member" or "-"
  std::shared_ptr<const Buffer> data;
  bool from_directory = false;    // found by walking a directory the user named
  bool from_archive = false;      // extracted from gzip/zip/...
  std::string origin;             // the path the user named that led here
};

struct InputError {
  std::string name;
  std::string message;
};

struct OpenedInputs {
  std::vector<Input> inputs;
  std::vector<InputError> errors;
  std::vector<std::string> notes;  // not errors: e.g. a directory entry skipped
};

struct OpenOptions {
  // Decompressed archives are held in memory; refuse members bigger than this
  // rather than exhausting memory on a decompression bomb.
  std::uint64_t max_decompressed_bytes = std::uint64_t{16} << 30;
};

// Opens every path; directories are walked recursively (sorted, so output is
// stable); compressed files and archives are expanded. Errors never stop the
// other paths from being opened.
OpenedInputs open_inputs(const std::vector<std::string>& paths, const OpenOptions& options = {});

// Exposed for tests and for callers that already hold bytes.
bool looks_compressed(std::string_view head);
void expand_archive(const std::string& name, std::string_view bytes, const OpenOptions& options,
                    OpenedInputs& out);

}  // namespace sipsleuth::io
