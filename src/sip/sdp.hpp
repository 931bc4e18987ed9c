// Message bodies: multipart/* splitting and SDP (media lines and ICE candidates
// in both the RFC 5245 form and the older MS-ICE form Lync/OCS 2007 send).
#pragma once

#include <string_view>
#include <vector>

#include "sip/text.hpp"

namespace sipsleuth::sip {

struct BodyPart {
  std::string_view content_type;  // "application/sdp"; empty when the part has none
  std::string_view headers;
  std::string_view body;
};

// Splits a body by its Content-Type. A non-multipart body is one part.
std::vector<BodyPart> split_body(std::string_view content_type, std::string_view body);

struct Candidate {
  std::string_view foundation;
  std::string_view component;
  std::string_view transport;   // "UDP", "TCP-PASS", "TCP-ACT", "tcp"...
  std::string_view priority;
  std::string_view address;
  std::string_view port;
  std::string_view type;        // "host", "srflx", "relay", "prflx"; empty for MS-ICE
  std::string_view related_address;
  std::string_view related_port;
  bool ms_ice = false;          // "a=candidate:<ufrag> 1 <pwd> UDP 0.830 addr port"
  bool ipv6 = false;            // from a=x-candidate-ipv6
};

struct MediaLine {
  std::string_view media;       // "audio", "video", "applicationsharing", "message", ...
  std::string_view port;
  std::string_view protocol;
  std::string_view formats;
  std::string_view connection;  // c= address of this media, or the session's
  std::vector<Candidate> candidates;
  std::string_view remote_candidates;  // a=remote-candidates value
  bool has_crypto = false;
};

struct Sdp {
  std::string_view origin_address;
  std::string_view connection;
  std::vector<MediaLine> media;
};

bool looks_like_sdp(std::string_view body);
// The media lines of a message body: its SDP part (also inside multipart/*), or none.
std::vector<MediaLine> message_media(std::string_view content_type, std::string_view body);
// Gives visit() the media of each m= line, as parse_sdp(body).media gives
// them, without reading anything else: a call's kind needs only these.
template <typename Visit>
void for_each_sdp_media_type(std::string_view body, Visit&& visit) {
  LineCursor lines(body);
  std::string_view line;
  while (lines.next(line)) {
    line = trim(line);
    if (line.size() < 2 || line[0] != 'm' || line[1] != '=') continue;
    std::string_view rest = line.substr(2);
    visit(pop_word(rest));
  }
}
Sdp parse_sdp(std::string_view body);
bool parse_candidate(std::string_view value, Candidate& out);

}  // namespace sipsleuth::sip
