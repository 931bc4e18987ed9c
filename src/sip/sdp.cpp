#include "sip/sdp.hpp"

#include "sip/text.hpp"
#include "sip/uri.hpp"

namespace sipsleuth::sip {
namespace {

// "IN IP4 1.2.3.4" -> "1.2.3.4"
std::string_view connection_address(std::string_view value) {
  pop_word(value);
  pop_word(value);
  std::string_view address = pop_word(value);
  std::size_t slash = address.find('/');
  return address.substr(0, slash);
}

}  // namespace

std::vector<BodyPart> split_body(std::string_view content_type, std::string_view body) {
  std::vector<BodyPart> parts;
  std::string_view type = trim(content_type.substr(0, content_type.find(';')));
  if (!istarts_with(type, "multipart/")) {
    parts.push_back({type, {}, body});
    return parts;
  }
  auto boundary = find_param(content_type.substr(content_type.find(';') == std::string_view::npos
                                                     ? content_type.size()
                                                     : content_type.find(';')),
                             "boundary");
  if (!boundary || boundary->empty()) {
    parts.push_back({type, {}, body});
    return parts;
  }
  std::string delimiter = "--";
  delimiter.append(*boundary);
  std::size_t pos = body.find(delimiter);
  while (pos != std::string_view::npos) {
    std::size_t after = pos + delimiter.size();
    if (body.substr(after, 2) == "--") break;  // closing delimiter
    std::size_t line_end = body.find('\n', after);
    if (line_end == std::string_view::npos) break;
    std::size_t part_begin = line_end + 1;
    std::size_t next = body.find(delimiter, part_begin);
    std::string_view part = body.substr(part_begin, next == std::string_view::npos ? std::string_view::npos
                                                                                   : next - part_begin);
    // Part headers end at the first empty line.
    BodyPart bp;
    LineCursor lines(part);
    std::string_view line;
    std::size_t headers_end = 0;
    bool found = false;
    while (lines.next(line)) {
      if (line.empty()) {
        found = true;
        break;
      }
      headers_end = lines.position();
      std::size_t colon = line.find(':');
      if (colon != std::string_view::npos && iequals(trim(line.substr(0, colon)), "Content-Type")) {
        bp.content_type = trim(line.substr(colon + 1));
        bp.content_type = trim(bp.content_type.substr(0, bp.content_type.find(';')));
      }
    }
    bp.headers = part.substr(0, headers_end);
    bp.body = found ? part.substr(lines.position()) : std::string_view{};
    // The CRLF before the next delimiter belongs to the delimiter.
    if (bp.body.size() >= 2 && bp.body.substr(bp.body.size() - 2) == "\r\n") bp.body.remove_suffix(2);
    else if (!bp.body.empty() && bp.body.back() == '\n') bp.body.remove_suffix(1);
    parts.push_back(bp);
    pos = next;
  }
  return parts;
}

bool looks_like_sdp(std::string_view body) {
  body = trim(body);
  return body.substr(0, 3) == "v=0";
}

bool parse_candidate(std::string_view value, Candidate& c) {
  std::string_view rest = value;
  std::string_view f[8];
  for (auto& field : f) field = pop_word(rest);
  if (f[5].empty()) return false;
  // RFC 5245 puts an integer priority in the fourth field; MS-ICE (draft-6)
  // puts the transport there, after the password: "ufrag 1 pwd UDP 0.830 10.0.0.1 5000".
  if (!parse_uint(f[3])) {
    c.ms_ice = true;
    c.foundation = f[0];
    c.component = f[1];
    c.transport = f[3];
    c.priority = f[4];
    c.address = f[5];
    c.port = f[6];
    return !c.port.empty();
  }
  c.foundation = f[0];
  c.component = f[1];
  c.transport = f[2];
  c.priority = f[3];
  c.address = f[4];
  c.port = f[5];
  if (f[6] == "typ") c.type = f[7];
  for (std::string_view key = pop_word(rest); !key.empty(); key = pop_word(rest)) {
    std::string_view val = pop_word(rest);
    if (key == "raddr") c.related_address = val;
    else if (key == "rport") c.related_port = val;
  }
  return true;
}

Sdp parse_sdp(std::string_view body) {
  Sdp sdp;
  LineCursor lines(body);
  std::string_view line;
  MediaLine* current = nullptr;
  while (lines.next(line)) {
    line = trim(line);
    if (line.size() < 2 || line[1] != '=') continue;
    char kind = line[0];
    std::string_view value = line.substr(2);
    switch (kind) {
      case 'o': {
        std::string_view rest = value;
        for (int i = 0; i < 5; ++i) pop_word(rest);
        sdp.origin_address = pop_word(rest);
        break;
      }
      case 'c':
        if (current) current->connection = connection_address(value);
        else sdp.connection = connection_address(value);
        break;
      case 'm': {
        MediaLine media;
        std::string_view rest = value;
        media.media = pop_word(rest);
        media.port = pop_word(rest);
        media.protocol = pop_word(rest);
        media.formats = trim(rest);
        media.connection = sdp.connection;
        sdp.media.push_back(media);
        current = &sdp.media.back();
        break;
      }
      case 'a': {
        if (!current) break;
        std::size_t colon = value.find(':');
        std::string_view name = value.substr(0, colon);
        std::string_view attr = colon == std::string_view::npos ? std::string_view{} : value.substr(colon + 1);
        if (name == "candidate" || name == "x-candidate-ipv6") {
          Candidate c;
          if (parse_candidate(attr, c)) {
            c.ipv6 = name == "x-candidate-ipv6";
            current->candidates.push_back(c);
          }
        } else if (name == "remote-candidates") {
          current->remote_candidates = attr;
        } else if (name == "crypto") {
          current->has_crypto = true;
        }
        break;
      }
      default:
        break;
    }
  }
  return sdp;
}

std::vector<MediaLine> message_media(std::string_view content_type, std::string_view body) {
  std::vector<MediaLine> media;
  for (const auto& part : split_body(content_type, body)) {
    if (iequals(part.content_type, "application/sdp") || looks_like_sdp(part.body)) media = parse_sdp(part.body).media;
  }
  return media;
}

}  // namespace sipsleuth::sip
