#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string_view>

#include "sip/message.hpp"
#include "sip/text.hpp"

namespace sipsleuth::sip {
namespace {

struct HeaderName {
  HeaderId id;
  std::string_view canonical;
  std::string_view lower;
  char compact;  // RFC 3261 §7.3.3 and later RFCs' single-letter forms; 0 if none
};

// clang-format off
constexpr HeaderName kHeaders[] = {
  {HeaderId::accept_contact, "Accept-Contact", "accept-contact", 'a'},
  {HeaderId::allow, "Allow", "allow", 0},
  {HeaderId::allow_events, "Allow-Events", "allow-events", 'u'},
  {HeaderId::authentication_info, "Authentication-Info", "authentication-info", 0},
  {HeaderId::authorization, "Authorization", "authorization", 0},
  {HeaderId::call_id, "Call-ID", "call-id", 'i'},
  {HeaderId::contact, "Contact", "contact", 'm'},
  {HeaderId::content_disposition, "Content-Disposition", "content-disposition", 0},
  {HeaderId::content_encoding, "Content-Encoding", "content-encoding", 'e'},
  {HeaderId::content_length, "Content-Length", "content-length", 'l'},
  {HeaderId::content_transfer_encoding, "Content-Transfer-Encoding", "content-transfer-encoding", 0},
  {HeaderId::content_type, "Content-Type", "content-type", 'c'},
  {HeaderId::cseq, "CSeq", "cseq", 0},
  {HeaderId::event, "Event", "event", 'o'},
  {HeaderId::expires, "Expires", "expires", 0},
  {HeaderId::from, "From", "from", 'f'},
  {HeaderId::max_forwards, "Max-Forwards", "max-forwards", 0},
  {HeaderId::ms_client_diagnostics, "ms-client-diagnostics", "ms-client-diagnostics", 0},
  {HeaderId::ms_client_diagnostics_public, "ms-client-diagnostics-public", "ms-client-diagnostics-public", 0},
  {HeaderId::ms_conversation_id, "Ms-Conversation-ID", "ms-conversation-id", 0},
  {HeaderId::ms_diagnostics, "ms-diagnostics", "ms-diagnostics", 0},
  {HeaderId::ms_diagnostics_public, "ms-diagnostics-public", "ms-diagnostics-public", 0},
  {HeaderId::ms_endpoint_location_data, "ms-endpoint-location-data", "ms-endpoint-location-data", 0},
  {HeaderId::ms_user_logon_data, "ms-user-logon-data", "ms-user-logon-data", 0},
  {HeaderId::p_asserted_identity, "P-Asserted-Identity", "p-asserted-identity", 0},
  {HeaderId::p_preferred_identity, "P-Preferred-Identity", "p-preferred-identity", 0},
  {HeaderId::proxy_authenticate, "Proxy-Authenticate", "proxy-authenticate", 0},
  {HeaderId::proxy_authorization, "Proxy-Authorization", "proxy-authorization", 0},
  {HeaderId::rack, "RAck", "rack", 0},
  {HeaderId::reason, "Reason", "reason", 0},
  {HeaderId::record_route, "Record-Route", "record-route", 0},
  {HeaderId::refer_to, "Refer-To", "refer-to", 'r'},
  {HeaderId::referred_by, "Referred-By", "referred-by", 'b'},
  {HeaderId::reject_contact, "Reject-Contact", "reject-contact", 'j'},
  {HeaderId::require, "Require", "require", 0},
  {HeaderId::route, "Route", "route", 0},
  {HeaderId::rseq, "RSeq", "rseq", 0},
  {HeaderId::server, "Server", "server", 0},
  {HeaderId::session_expires, "Session-Expires", "session-expires", 'x'},
  {HeaderId::subject, "Subject", "subject", 's'},
  {HeaderId::supported, "Supported", "supported", 'k'},
  {HeaderId::to, "To", "to", 't'},
  {HeaderId::user_agent, "User-Agent", "user-agent", 0},
  {HeaderId::via, "Via", "via", 'v'},
  {HeaderId::warning, "Warning", "warning", 0},
  {HeaderId::www_authenticate, "WWW-Authenticate", "www-authenticate", 0},
  {HeaderId::identity, "Identity", "identity", 'y'},
  {HeaderId::identity_info, "Identity-Info", "identity-info", 'n'},
  {HeaderId::request_disposition, "Request-Disposition", "request-disposition", 'd'},
};
// clang-format on

// Every message has a dozen headers: a name is read as at most four words
// loaded straight from it, with no copy (whose overlapping stores a load
// could not take its bytes from), and compared as written, then, only if
// that fails, lowered eight letters at a time. The longest known name has
// 28 characters.
constexpr std::size_t kLongestName = 28;
constexpr std::size_t kNameWords = (kLongestName + 7) / 8;
using NameWords = std::array<std::uint64_t, kNameWords>;

// `size` bytes of `text` from `at`, as a load of that size from memory gives them.
constexpr std::uint64_t word_of(std::string_view text, std::size_t at, std::size_t size) {
  std::uint64_t word = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const std::size_t shift = std::endian::native == std::endian::little ? 8 * i : 8 * (size - 1 - i);
    word |= std::uint64_t{static_cast<unsigned char>(text[at + i])} << shift;
  }
  return word;
}

// The words a name of 2 to kLongestName bytes is compared by: eight bytes
// from 0, 8 and 16, as far as they lie in the name, the last eight ending
// where it ends; a name shorter than eight, its first and last four (two,
// if shorter than four) side by side. Bytes may be read twice, never past
// the end. The same for a name in memory (name_words_at()) and for a known
// one (name_words(), when compiling).
template <typename Load>
constexpr NameWords words_by(std::size_t n, Load&& load) {
  NameWords words{};
  if (n >= 8) {
    for (std::size_t k = 0; k < (n + 7) / 8; ++k) words[k] = load(std::min(8 * k, n - 8), 8);
  } else if (n >= 4) {
    words[0] = load(0, 4) | load(n - 4, 4) << 32;
  } else {
    words[0] = load(0, 2) | load(n - 2, 2) << 16;
  }
  return words;
}
constexpr NameWords name_words(std::string_view text) {
  return words_by(text.size(), [&](std::size_t at, std::size_t size) { return word_of(text, at, size); });
}
inline NameWords name_words_at(std::string_view name) {
  return words_by(name.size(), [&](std::size_t at, std::size_t size) {
    std::uint64_t word = 0;
    if (size == 8) {
      std::memcpy(&word, name.data() + at, 8);
    } else if (size == 4) {
      std::uint32_t half;
      std::memcpy(&half, name.data() + at, 4);
      word = half;
    } else {
      std::uint16_t quarter;
      std::memcpy(&quarter, name.data() + at, 2);
      word = quarter;
    }
    return word;
  });
}

// Each known name has a slot of its own among 128, given by its length and
// its first, second and last bytes with 0x20 set (a letter's lower case;
// another byte may come to share a letter's slot, and is then told apart by
// the comparison): a name is compared with one known name at most. The
// multiplier is one found (by trying random odd numbers) to put no two known
// names in the same slot; make_by_slot() checks that it still does.
constexpr std::uint64_t kSlotMultiplier = 0x72e5804a6d7698a1ull;
constexpr unsigned kSlotBits = 7;
constexpr std::uint8_t kNoEntry = 0xff;

constexpr std::size_t slot_of(std::size_t length, char first, char second, char last) {
  const std::uint64_t key = (length | std::uint64_t{static_cast<unsigned char>(first)} << 8 |
                             std::uint64_t{static_cast<unsigned char>(second)} << 16 |
                             std::uint64_t{static_cast<unsigned char>(last)} << 24) |
                            0x20202000u;
  return static_cast<std::size_t>((key * kSlotMultiplier) >> (64 - kSlotBits));
}

// A known name's words as written in kHeaders, which is how nearly every
// trace writes it, and lowered, for the rest.
struct KnownWords {
  NameWords canonical{}, lower{};
};

struct BySlot {
  std::array<std::uint8_t, std::size_t{1} << kSlotBits> entries{};  // indexes into kHeaders
  std::array<KnownWords, std::size(kHeaders)> words{};
  bool shared = false;  // two names in one slot
};

constexpr BySlot make_by_slot() {
  BySlot table;
  for (auto& e : table.entries) e = kNoEntry;
  for (std::size_t i = 0; i < std::size(kHeaders); ++i) {
    const std::string_view name = kHeaders[i].lower;
    std::uint8_t& entry = table.entries[slot_of(name.size(), name[0], name[1], name.back())];
    if (entry != kNoEntry) table.shared = true;
    entry = static_cast<std::uint8_t>(i);
    table.words[i] = {name_words(kHeaders[i].canonical), name_words(name)};
  }
  return table;
}
constexpr BySlot kBySlot = make_by_slot();
static_assert(!kBySlot.shared, "two known header names share a slot: choose another kSlotMultiplier");

static_assert(to_lower_word(word_of("CONTENT-", 0, 8)) == word_of("content-", 0, 8));
// Just outside 'A'-'Z' on both sides, and bytes over 0x7f whose low seven bits are a capital, stay.
static_assert(to_lower_word(word_of("@[`{\x7f\x80\xc1Z", 0, 8)) == word_of("@[`{\x7f\x80\xc1z", 0, 8));

HeaderId compact_id(char c) {
  c = to_lower(c);
  if (c < 'a' || c > 'z') return HeaderId::other;  // 0 in kHeaders means no compact form
  for (const auto& h : kHeaders) {
    if (h.compact == c) return h.id;
  }
  return HeaderId::other;
}

}  // namespace

HeaderId header_id(std::string_view name) {
  const std::size_t n = name.size();
  if (n == 1) return compact_id(name[0]);
  if (n == 0 || n > kLongestName) return HeaderId::other;
  const std::uint8_t entry = kBySlot.entries[slot_of(n, name[0], name[1], name[n - 1])];
  if (entry == kNoEntry || kHeaders[entry].lower.size() != n) return HeaderId::other;
  const NameWords words = name_words_at(name);
  const KnownWords& known = kBySlot.words[entry];
  const std::size_t count = (n + 7) / 8;
  std::uint64_t differ = 0;
  for (std::size_t k = 0; k < count; ++k) differ |= words[k] ^ known.canonical[k];
  if (differ == 0) return kHeaders[entry].id;
  for (std::size_t k = 0; k < count; ++k) {
    if (to_lower_word(words[k]) != known.lower[k]) return HeaderId::other;
  }
  return kHeaders[entry].id;
}

namespace {
// Every message's Call-ID lookup (FirstHeaderValue) asks for a name's length.
constexpr auto make_by_id() {
  std::array<std::string_view, static_cast<std::size_t>(HeaderId::count_)> names{};
  for (const auto& h : kHeaders) names[static_cast<std::size_t>(h.id)] = h.canonical;
  return names;
}
constexpr auto kCanonicalById = make_by_id();
}  // namespace

std::string_view canonical_header_name(HeaderId id) {
  const auto index = static_cast<std::size_t>(id);
  return index < kCanonicalById.size() ? kCanonicalById[index] : std::string_view{};
}

}  // namespace sipsleuth::sip
