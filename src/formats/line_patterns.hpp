// Line recognisers shared by the sniffer and the Lync readers.
#pragma once

#include <optional>
#include <string_view>

#include "formats/record.hpp"

namespace sipsleuth::formats {

// "04/16/2013|03:17:30.168 1F68:C14 INFO  :: text"
struct ClientPrefix {
  Timestamp time;
  std::string_view level;
  std::string_view text;       // after "::" and one optional space
};
std::optional<ClientPrefix> parse_client_prefix(std::string_view line);

// "TL_INFO(TF_PROTOCOL) [0]06E4.0EB4::01/18/2012-05:00:43.101.00005386 (SIPStack,Fn:File.cpp(125))$$begin_record"
struct ServerHeader {
  std::string_view level;       // TL_INFO
  std::string_view flag;        // TF_PROTOCOL
  std::string_view machine;     // text in [...] unless it is a CPU number
  Timestamp time;
  std::string_view component;
  std::string_view function;
  std::string_view text;        // free text after the source location
  bool begins_record = false;   // ends with $$begin_record
};
bool is_server_header_line(std::string_view line);
std::optional<ServerHeader> parse_server_header(std::string_view line);

}  // namespace sipsleuth::formats
