// Addresses in SIP headers: name-addr / addr-spec (From, To, Contact, P-Asserted-Identity),
// URIs with their parameters, and Via.
#pragma once

#include <optional>
#include <string_view>

namespace sipsleuth::sip {

struct Uri {
  std::string_view scheme;    // "sip", "sips", "tel", ...
  std::string_view user;      // user part, or the number of a tel: URI
  std::string_view host;      // without brackets for IPv6
  std::string_view port;
  std::string_view params;    // ";transport=tls;user=phone", leading ';' kept
  std::string_view headers;   // "?..." part without '?'
  std::string_view whole;
};

// Parses "sip:user@host:port;params?headers" and "tel:+123;phone-context=x".
Uri parse_uri(std::string_view text);

struct NameAddr {
  std::string_view display_name;  // unquoted
  std::string_view uri;           // inside <...>, or the bare addr-spec
  std::string_view params;        // header parameters after the URI (";tag=..;epid=..")
};

// From/To/Contact values; a bare addr-spec's ';' parameters are header parameters
// (RFC 3261 §20.10).
NameAddr parse_name_addr(std::string_view value);

std::optional<std::string_view> uri_param(const Uri& uri, std::string_view name);

// A header parameter of a From/To/Contact value ("tag", "epid"), or empty.
std::string_view name_addr_param(std::string_view header_value, std::string_view name);
// A From or To value's tag and epid, as name_addr_param(value, "tag") and
// name_addr_param(value, "epid") give them, in one walk of its parameters.
struct TagAndEpid {
  std::string_view tag, epid;
};
TagAndEpid tag_and_epid(std::string_view header_value);

// Lync's Contact carries the endpoint id inside the GRUU: ";opaque=user:epid:XXXX;gruu".
std::string_view gruu_epid(const Uri& uri);

struct Via {
  std::string_view protocol;   // "SIP/2.0"
  std::string_view transport;  // "UDP", "TCP", "TLS", ...
  std::string_view sent_by;    // host[:port]
  std::string_view params;
  std::optional<std::string_view> branch() const;
};

// Parses the first Via in a value that may hold several, comma-separated.
Via parse_via(std::string_view value);

// The host of a transport address as logs and Vias write it: "10.0.0.1:5061"
// -> "10.0.0.1", "[2001:db8::1]:5060" -> "2001:db8::1"; an address with
// several colons and no brackets is an IPv6 address without a port and stays whole.
std::string_view address_host(std::string_view address);

// "sip:alice@example.com" from a URI: scheme, user and host, no parameters.
// Used to show who called whom without the noise of ";user=phone" etc.
std::string_view uri_address_of_record(std::string_view uri_text);

}  // namespace sipsleuth::sip
