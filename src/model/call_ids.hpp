// Call-IDs to call numbers, for grouping messages into calls (load() and
// load_batched()). Internal to the model layer.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "model/trace.hpp"

namespace sipsleuth::model {

// Numbers Call-IDs 0, 1, 2... in the order they are first added: open
// addressing over hashes the caller computed (on every core, so the one
// serial pass only probes). The Call-IDs are kept as the views given, or,
// with `copy_keys`, copied once each, so the input's pages need not stay
// for the comparison.
class CallIdIndex {
 public:
  CallIdIndex(std::size_t expected, bool copy_keys) : copy_keys_(copy_keys) {
    std::size_t size = 16;
    while (size < expected * 2) size <<= 1;
    slots_.assign(size, kNoId);
    hashes_.assign(size, 0);
  }

  // The number of `call_id`, and whether it was added now.
  std::pair<std::uint32_t, bool> find_or_add(std::string_view call_id, std::size_t hash) {
    if (keys_.size() * 2 >= slots_.size()) grow();
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      if (slots_[i] == kNoId) {
        slots_[i] = static_cast<std::uint32_t>(keys_.size());
        hashes_[i] = hash;
        keys_.push_back(copy_keys_ ? store(call_id) : call_id);
        return {slots_[i], true};
      }
      if (hashes_[i] == hash && keys_[slots_[i]] == call_id) return {slots_[i], false};
    }
  }
  std::size_t size() const { return keys_.size(); }

 private:
  std::string_view store(std::string_view text) {
    constexpr std::size_t kBlock = std::size_t{1} << 20;
    if (blocks_.empty() || left_ < text.size()) {
      std::size_t size = std::max(kBlock, text.size());
      blocks_.push_back(std::make_unique<char[]>(size));
      next_ = blocks_.back().get();
      left_ = size;
    }
    std::copy(text.begin(), text.end(), next_);
    std::string_view stored(next_, text.size());
    next_ += text.size();
    left_ -= text.size();
    return stored;
  }
  void grow() {
    std::vector<std::uint32_t> slots(slots_.size() * 2, kNoId);
    std::vector<std::size_t> hashes(slots.size(), 0);
    std::size_t mask = slots.size() - 1;
    for (std::size_t k = 0; k < slots_.size(); ++k) {
      if (slots_[k] == kNoId) continue;
      std::size_t i = hashes_[k] & mask;
      while (slots[i] != kNoId) i = (i + 1) & mask;
      slots[i] = slots_[k];
      hashes[i] = hashes_[k];
    }
    slots_.swap(slots);
    hashes_.swap(hashes);
  }

  bool copy_keys_;
  std::vector<std::uint32_t> slots_;
  std::vector<std::size_t> hashes_;
  std::vector<std::string_view> keys_;           // by number
  std::vector<std::unique_ptr<char[]>> blocks_;  // copies, with copy_keys
  char* next_ = nullptr;
  std::size_t left_ = 0;
};

}  // namespace sipsleuth::model
