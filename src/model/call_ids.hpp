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
    slots_.assign(size, Slot{});
  }

  // The number of `call_id`, and whether it was added now.
  std::pair<std::uint32_t, bool> find_or_add(std::string_view call_id, std::size_t hash) {
    if (count_ * 2 >= slots_.size()) grow();
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.number == kNoId) {
        const std::string_view key = copy_keys_ ? store(call_id) : call_id;
        slot = {key.data(), key.size(), static_cast<std::uint32_t>(hash), static_cast<std::uint32_t>(count_++)};
        return {slot.number, true};
      }
      if (slot.hash == static_cast<std::uint32_t>(hash) && std::string_view(slot.key, slot.size) == call_id) {
        return {slot.number, false};
      }
    }
  }
  std::size_t size() const { return count_; }

  // Asks for the slot a find_or_add() of `hash` looks at first, and, once
  // that slot is in the cache, for the key it holds: a table of a few
  // hundred thousand calls and its keys are far larger than the cache, and
  // a caller with many Call-IDs to look up can have both on their way while
  // it looks up earlier ones.
  void prefetch_slot(std::size_t hash) const { __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]); }
  void prefetch_key(std::size_t hash) const {
    const Slot& slot = slots_[hash & (slots_.size() - 1)];
    if (slot.hash == static_cast<std::uint32_t>(hash)) __builtin_prefetch(slot.key);
  }

 private:
  // Key, hash and number side by side: most messages belong to a call met
  // before, and finding it then reads one slot and the key's bytes, where
  // separate lists cost a cache miss each. The hash's low half is all a slot
  // keeps: it places the key (no table has 2^32 slots) and turns away most
  // others before their bytes are compared.
  struct Slot {
    const char* key = nullptr;
    std::size_t size = 0;
    std::uint32_t hash = 0;
    std::uint32_t number = kNoId;
  };

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
    std::vector<Slot> slots(slots_.size() * 2);
    std::size_t mask = slots.size() - 1;
    for (const Slot& slot : slots_) {
      if (slot.number == kNoId) continue;
      std::size_t i = slot.hash & mask;
      while (slots[i].number != kNoId) i = (i + 1) & mask;
      slots[i] = slot;
    }
    slots_.swap(slots);
  }

  bool copy_keys_;
  std::vector<Slot> slots_;
  std::size_t count_ = 0;
  std::vector<std::unique_ptr<char[]>> blocks_;  // copies, with copy_keys
  char* next_ = nullptr;
  std::size_t left_ = 0;
};

}  // namespace sipsleuth::model
