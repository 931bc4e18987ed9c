#pragma once

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "io/input.hpp"
#include "model/trace.hpp"
#include "support/text.hpp"

namespace sipsleuth::testing {

struct RunResult {
  int status = 0;
  std::string out;
  std::string err;
};

// Runs the command line in-process, as a user would type it.
inline RunResult run_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "sipsleuth");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  RunResult r;
  r.status = cli::run(static_cast<int>(argv.size()), argv.data(), out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

inline model::Trace load_text(const std::string& name, std::string data) {
  io::OpenedInputs opened;
  opened.inputs.push_back(io::Input{name, io::make_owned_buffer(std::move(data)), false, false, name});
  return model::load(std::move(opened));
}

inline model::Trace load_paths(const std::vector<std::string>& paths) { return model::load(io::open_inputs(paths)); }

// Gives each case to `check` in order, then in reverse, so that each follows
// a different one the second time: for readers that remember what they read
// last and must read every input as itself whatever came before.
template <typename Cases, typename Check>
void forwards_then_backwards(const Cases& cases, Check&& check) {
  for (const auto& c : cases) check(c);
  for (auto it = cases.rbegin(); it != cases.rend(); ++it) check(*it);
}

// An HTML report with its script nonce (fresh in every report) blanked, for
// comparing two reports.
inline std::string without_nonce(std::string html) {
  for (const std::string mark : {"nonce-", "nonce=\""}) {
    for (std::size_t at = html.find(mark); at != std::string::npos; at = html.find(mark, at + mark.size())) {
      std::size_t end = at + mark.size();
      while (end < html.size() && std::isxdigit(static_cast<unsigned char>(html[end]))) ++end;
      html.erase(at + mark.size(), end - at - mark.size());
    }
  }
  return html;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
}

inline bool has_finding(const model::Trace& trace, const std::string& code) {
  for (const auto& f : trace.findings) {
    if (f.code == code) return true;
  }
  return false;
}

// A fresh temporary directory, removed when the object goes.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sipsleuth-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name, const std::string& data) const {
    write_file(path_ / name, data);
    return (path_ / name).string();
  }

 private:
  std::filesystem::path path_;
};

}  // namespace sipsleuth::testing
