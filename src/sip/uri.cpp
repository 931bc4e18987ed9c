#include "sip/uri.hpp"

#include "sip/text.hpp"

namespace sipsleuth::sip {

Uri parse_uri(std::string_view text) {
  Uri uri;
  text = trim(text);
  uri.whole = text;
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return uri;
  uri.scheme = text.substr(0, colon);
  std::string_view rest = text.substr(colon + 1);
  std::size_t question = rest.find('?');
  if (question != std::string_view::npos) {
    uri.headers = rest.substr(question + 1);
    rest = rest.substr(0, question);
  }
  if (iequals(uri.scheme, "tel")) {
    std::size_t semi = rest.find(';');
    uri.user = rest.substr(0, semi);
    if (semi != std::string_view::npos) uri.params = rest.substr(semi);
    return uri;
  }
  // The user part may itself contain ';' (phone-context, RFC 3261 §19.1.1:
  // "sip:3123456;phone-context=x@example.org"), so find '@' first.
  std::size_t at = rest.rfind('@');
  std::string_view hostport = rest;
  if (at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    std::size_t password = userinfo.find(':');
    uri.user = userinfo.substr(0, password);
    hostport = rest.substr(at + 1);
  }
  std::size_t semi = hostport.find(';');
  if (semi != std::string_view::npos) {
    uri.params = hostport.substr(semi);
    hostport = hostport.substr(0, semi);
  }
  if (!hostport.empty() && hostport.front() == '[') {
    std::size_t close = hostport.find(']');
    uri.host = hostport.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
    if (close != std::string_view::npos && close + 1 < hostport.size() && hostport[close + 1] == ':') {
      uri.port = hostport.substr(close + 2);
    }
  } else {
    std::size_t port_colon = hostport.find(':');
    // More than one colon is a bare IPv6 literal (seen in real traces), not host:port.
    if (port_colon != std::string_view::npos && hostport.find(':', port_colon + 1) == std::string_view::npos) {
      uri.host = hostport.substr(0, port_colon);
      uri.port = hostport.substr(port_colon + 1);
    } else {
      uri.host = hostport;
    }
  }
  return uri;
}

namespace {

// Where a (trimmed) name-addr's '<' and '>' are, npos when absent: the first
// '<' outside a quoted display name.
struct AngleBrackets {
  std::size_t open = std::string_view::npos, close = std::string_view::npos;
};

AngleBrackets angle_brackets(std::string_view value) {
  AngleBrackets at;
  bool quoted = false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (quoted) {
      if (c == '\\') ++i;
      else if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '<') {
      at.open = i;
      break;
    }
  }
  // A broken quote (\"name\" escaped outside quotes) must not hide the URI.
  if (at.open == std::string_view::npos && quoted) at.open = value.find('<');
  if (at.open != std::string_view::npos) at.close = value.find('>', at.open);
  return at;
}

// parse_name_addr(header_value).params, without the display name and URI,
// which callers of this (tags and epids, several per message) do not need.
std::string_view name_addr_params(std::string_view value) {
  value = trim(value);
  AngleBrackets at = angle_brackets(value);
  if (at.open != std::string_view::npos) {
    return at.close == std::string_view::npos ? std::string_view{} : value.substr(at.close + 1);
  }
  std::size_t semi = value.find(';');
  return semi == std::string_view::npos ? std::string_view{} : value.substr(semi);
}

}  // namespace

NameAddr parse_name_addr(std::string_view value) {
  NameAddr result;
  value = trim(value);
  AngleBrackets at = angle_brackets(value);
  if (at.open != std::string_view::npos) {
    result.display_name = unquote(value.substr(0, at.open));
    if (at.close == std::string_view::npos) {
      result.uri = trim(value.substr(at.open + 1));
    } else {
      result.uri = trim(value.substr(at.open + 1, at.close - at.open - 1));
      result.params = value.substr(at.close + 1);
    }
    return result;
  }
  std::size_t semi = value.find(';');
  result.uri = trim(value.substr(0, semi));
  if (semi != std::string_view::npos) result.params = value.substr(semi);
  return result;
}

std::string_view name_addr_param(std::string_view header_value, std::string_view name) {
  return find_param(name_addr_params(header_value), name).value_or(std::string_view{});
}

TagAndEpid tag_and_epid(std::string_view header_value) {
  TagAndEpid found;
  bool tag = false, epid = false;  // the first of each counts, as in find_param()
  walk_params(name_addr_params(header_value), [&](std::string_view name, std::string_view value) {
    if (!tag && iequals(name, "tag")) {
      found.tag = value;
      tag = true;
    } else if (!epid && iequals(name, "epid")) {
      found.epid = value;
      epid = true;
    }
    return !(tag && epid);
  });
  return found;
}

std::optional<std::string_view> uri_param(const Uri& uri, std::string_view name) {
  return find_param(uri.params, name);
}

std::string_view gruu_epid(const Uri& uri) {
  auto opaque = uri_param(uri, "opaque");
  if (!opaque) return {};
  constexpr std::string_view prefix = "user:epid:";
  if (!istarts_with(*opaque, prefix)) return {};
  return opaque->substr(prefix.size());
}

std::optional<std::string_view> Via::branch() const { return find_param(params, "branch"); }

Via parse_via(std::string_view value) {
  ListCursor list(value);
  std::string_view first;
  list.next(first);
  Via via;
  std::size_t space = find_blank(first);
  std::string_view protocol = first.substr(0, space);
  std::size_t slash = protocol.rfind('/');
  if (slash != std::string_view::npos) {
    via.protocol = trim(protocol.substr(0, slash));
    via.transport = trim(protocol.substr(slash + 1));
  }
  if (space == std::string_view::npos) return via;
  std::string_view rest = trim(first.substr(space));
  std::size_t semi = rest.find(';');
  via.sent_by = trim(rest.substr(0, semi));
  if (semi != std::string_view::npos) via.params = rest.substr(semi);
  return via;
}

std::string_view uri_address_of_record(std::string_view uri_text) {
  uri_text = trim(uri_text);
  Uri uri = parse_uri(uri_text);
  if (uri.scheme.empty()) return uri_text;
  // Keep "scheme:user@host" as one view: it is a prefix of the URI text unless
  // a password or port sits in between, in which case the whole URI is shown.
  const char* begin = uri_text.data();
  std::string_view tail = uri.host.empty() ? uri.user : uri.host;
  if (tail.empty()) return uri_text;
  const char* end = tail.data() + tail.size();
  if (!uri.host.empty() && end < uri_text.data() + uri_text.size() && *end == ']') ++end;
  return std::string_view(begin, static_cast<std::size_t>(end - begin));
}

std::string_view address_host(std::string_view address) {
  if (!address.empty() && address.front() == '[') {
    auto close = address.find(']');
    return close == std::string_view::npos ? address : address.substr(1, close - 1);
  }
  auto colon = address.rfind(':');
  if (colon == std::string_view::npos || address.find(':') != colon) return address;
  return address.substr(0, colon);
}

}  // namespace sipsleuth::sip
