#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string_view>
#include <type_traits>

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

// Names by length: every message has a dozen headers, so the lookup is a
// length index and a few compares of eight letters at a time, with no
// hashing and no lowered copy. The longest known name has 28 characters.
constexpr std::size_t kLongestName = 28;
constexpr std::size_t kNameWords = (kLongestName + 7) / 8;
using NameWords = std::array<std::uint64_t, kNameWords>;

// `text` (at most kLongestName bytes) in words as a load from memory gives
// them, the bytes after it zero.
constexpr NameWords name_words(std::string_view text) {
  NameWords words{};
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::size_t shift = std::endian::native == std::endian::little ? 8 * (i % 8) : 8 * (7 - i % 8);
    words[i / 8] |= std::uint64_t{static_cast<unsigned char>(text[i])} << shift;
  }
  return words;
}

struct ByLength {
  std::array<std::array<std::uint8_t, 8>, kLongestName + 1> entries{};  // indexes into kHeaders
  std::array<std::uint8_t, kLongestName + 1> count{};
  std::array<NameWords, std::size(kHeaders)> lower_words{};  // each known name, lower case
};

constexpr ByLength make_by_length() {
  ByLength table;
  for (std::size_t i = 0; i < std::size(kHeaders); ++i) {
    std::size_t n = kHeaders[i].lower.size();
    table.entries[n][table.count[n]++] = static_cast<std::uint8_t>(i);
    table.lower_words[i] = name_words(kHeaders[i].lower);
  }
  return table;
}
constexpr ByLength kByLength = make_by_length();

static_assert(to_lower_word(name_words("CONTENT-")[0]) == name_words("content-")[0]);
// Just outside 'A'-'Z' on both sides, and bytes over 0x7f whose low seven bits are a capital, stay.
static_assert(to_lower_word(name_words("@[`{\x7f\x80\xc1Z")[0]) == name_words("@[`{\x7f\x80\xc1z")[0]);

HeaderId compact_id(char c) {
  c = to_lower(c);
  for (const auto& h : kHeaders) {
    if (h.compact == c) return h.id;
  }
  return HeaderId::other;
}

// memcpy(words, name.data(), name.size()) for 2 to kLongestName bytes, in
// two copies of a fixed size that overlap: a copy of a size known only when
// running is a call, and every header of every message comes through here.
inline void copy_name(std::string_view name, NameWords& words) {
  static_assert(kLongestName <= 32);
  auto* out = reinterpret_cast<unsigned char*>(words.data());
  const char* in = name.data();
  const std::size_t n = name.size();
  auto both_ends = [&](auto width) {
    std::memcpy(out, in, width);
    std::memcpy(out + n - width, in + n - width, width);
  };
  if (n >= 16) {
    both_ends(std::integral_constant<std::size_t, 16>{});
  } else if (n >= 8) {
    both_ends(std::integral_constant<std::size_t, 8>{});
  } else if (n >= 4) {
    both_ends(std::integral_constant<std::size_t, 4>{});
  } else {
    both_ends(std::integral_constant<std::size_t, 2>{});
  }
}

}  // namespace

HeaderId header_id(std::string_view name) {
  if (name.size() == 1) return compact_id(name[0]);
  if (name.empty() || name.size() > kLongestName) return HeaderId::other;
  const std::size_t words = (name.size() + 7) / 8;
  NameWords lowered{};
  copy_name(name, lowered);
  for (std::size_t w = 0; w < words; ++w) lowered[w] = to_lower_word(lowered[w]);
  for (std::uint8_t k = 0; k < kByLength.count[name.size()]; ++k) {
    const std::uint8_t entry = kByLength.entries[name.size()][k];
    const NameWords& known = kByLength.lower_words[entry];
    bool same = true;
    for (std::size_t w = 0; w < words && same; ++w) same = lowered[w] == known[w];
    if (same) return kHeaders[entry].id;
  }
  return HeaderId::other;
}

std::string_view canonical_header_name(HeaderId id) {
  for (const auto& h : kHeaders) {
    if (h.id == id) return h.canonical;
  }
  return {};
}

}  // namespace sipsleuth::sip
