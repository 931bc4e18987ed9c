// Steps of reading inputs into a trace that load() and load_batched() share.
// Internal to the model layer.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "formats/record.hpp"
#include "io/input.hpp"
#include "model/trace.hpp"

namespace sipsleuth::model::loading {

// Shifts every time a result holds (messages, events, flows) by `micros`.
void shift_times(formats::ReadResult& result, std::int64_t micros);

// The --offset given for an input, by its name as given or its file name.
std::optional<std::int64_t> offset_for(const std::map<std::string, std::int64_t>& offsets, const std::string& name);

// Pages of an input done with are given back this many bytes at a time, not
// as each small part is done: each madvise() has every other core running
// this process flush its TLB, and giving back each 1 MB piece was thousands
// of those interruptions a gigabyte.
inline constexpr std::size_t kGiveBackBytes = std::size_t{8} << 20;

// The parts of one input done with, given in order of where they start, and
// given back kGiveBackBytes at a time.
class GiveBackInOrder {
 public:
  // [begin, end) is done with. A part that overlaps or adjoins those pending
  // joins them; one that lies apart has them given back first.
  void done(const io::Buffer& data, std::size_t begin, std::size_t end);
  // Gives back what is pending, through `end` if that lies farther.
  void finish(const io::Buffer& data, std::size_t end = 0);

 private:
  std::size_t begin_ = 0, end_ = 0;  // pending: [begin_, end_), none when empty
};

// Where a log can be cut into `parts` pieces (formats::record_boundaries),
// for a reading that gives each piece's pages back once read: finding a cut
// reads a little, but the kernel may map a whole folio of the page cache
// about it, up to 2 MB (5 GB over the cuts of a 10 GB log read from disk);
// that is given back soon after (kGiveBackBytes).
std::vector<std::size_t> cuts_given_back(const io::Input& input, formats::Format format, std::size_t parts);

// Records what became of each input, in input order.
class InputRegistry {
 public:
  // An input that is not a trace becomes an error (or a note, when found in a
  // directory) and gets no id. A trace gets an InputInfo, numbered in order,
  // taking `result`'s capture counters, flows, rebuilt text and findings
  // (shifted by `offset`), and a finding when it holds no SIP. `found`: the
  // messages and records its reader found; `messages`: those kept.
  std::optional<std::uint32_t> add(Trace& trace, const io::Input& input, formats::Format format,
                                   formats::ReadResult& result, std::size_t found, std::uint64_t messages,
                                   std::optional<std::int64_t> offset);
  // A directory none of whose files was a trace is an error.
  void add_directory_errors(Trace& trace) const;

 private:
  std::map<std::string, std::pair<int, int>> per_directory_;  // origin -> (traces, skipped)
};

}  // namespace sipsleuth::model::loading
