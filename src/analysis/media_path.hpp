// The media path a call negotiated, checked against what captures saw: the
// addresses each side offered (ICE candidates, relay addresses, the media
// relays of ms-client-diagnostics MediaDebug) matched to TCP connection
// attempts and UDP flows, with NAT'd addresses matched by port.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/diagnose.hpp"
#include "formats/flows.hpp"
#include "model/trace.hpp"

namespace sipsleuth::analysis {

enum class MediaAddressKind : std::uint8_t {
  host,          // a=candidate typ host (or an MS-ICE candidate)
  reflexive,     // typ srflx / prflx
  relay,         // typ relay: an Edge media relay address
  relay_base,    // raddr/rport of a relay candidate: the client's socket towards its relay
  media_relay,   // LocalMR / RemoteMR of MediaDebug
  connection,    // c= address and m= port
};

struct SignalledAddress {
  formats::NetEndpoint address;
  bool tcp = false;
  MediaAddressKind kind = MediaAddressKind::host;
  model::Role side = model::Role::caller;  // whose address it is
  std::string media;                       // "audio", "applicationsharing" (MediaDebug's dashes removed)
  std::string role;                        // "the callee's media relay (LocalMR)"
  std::uint32_t message = model::kNoId;    // where the signalling says so
};

// Every media address the call's SIP messages name, first mention first.
std::vector<SignalledAddress> signalled_media(const model::Trace& trace, const model::Call& call);

struct MediaPathReport {
  std::vector<CallFinding> findings;
  bool checked = false;       // a capture had flows to compare with
  bool media_failed = false;  // the capture shows attempts on the relay path and none connected
};

// Edge A/V ports (seed 000's port table): UDP 3478 and TCP 443 for clients,
// 50000-59999 for relay to relay.
inline constexpr std::uint16_t kEdgeMediaFirstPort = 50000;
inline constexpr std::uint16_t kEdgeMediaLastPort = 59999;

MediaPathReport check_media_path(const model::Trace& trace, const model::Call& call);

}  // namespace sipsleuth::analysis
