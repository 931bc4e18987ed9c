// Writes a large synthetic trace for whole-process benchmarks:
//   gen_traces client|server|pcap|pcap-tcp SIZE_MB OUTPUT [SEED [CLIENTS]]
// A fixed mix of calls from a fixed seed: registrations challenged once
// (NTLM), answered calls with SDP and a BYE, calls forked to two devices,
// cancelled calls, busy and failed calls, and IM. Each call has a unique
// Call-ID "gen-<seed>-<n>"; the program prints the Call-ID of the call in
// the middle of the file, for searches. Output is streamed: sizes up to tens
// of gigabytes need no more memory than a few calls. "pcap" carries SIP over
// UDP; "pcap-tcp" over one TCP connection, in segments of at most 1,400 bytes
// so that messages must be reassembled.
// CLIENTS (default 1) spreads the users over that many client addresses, as
// a server log or a capture on a server sees them: the default, one client
// (10.1.2.3:51000), puts all of a server log or a capture on one pair of
// addresses, one UDP flow or one TCP connection, which flatters whatever
// looks addresses or flows up. A client log is one client's view, so it
// keeps one address. With the default, the output is what it always was.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <queue>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "support/pcap_writer.hpp"

namespace {

struct Message {
  bool from_client;
  double at;  // seconds after the call start
  std::string text;
  std::string client_ip;  // the calling user's address
};

std::string sdp(const std::string& ip, int port) {
  return "v=0\r\no=- 0 0 IN IP4 " + ip + "\r\ns=session\r\nc=IN IP4 " + ip + "\r\nt=0 0\r\nm=audio " +
         std::to_string(port) + " RTP/SAVP 114 0 8 101\r\na=candidate:1 1 UDP 2130706431 " + ip + " " +
         std::to_string(port) + " typ host\r\na=candidate:2 1 UDP 16648703 203.0.113.7 " + std::to_string(port + 1) +
         " typ relay raddr " + ip + " rport " + std::to_string(port) + "\r\na=rtpmap:114 x-msrta/16000\r\n";
}

class CallWriter {
 public:
  CallWriter(unsigned seed, unsigned clients) : random_(seed), seed_(seed), clients_(clients) {}

  std::vector<Message> next(std::string& call_id) {
    call_id = "gen-" + std::to_string(seed_) + "-" + std::to_string(++count_);
    int kind = pick(0, 99);
    const int user_number = pick(1, 5000);
    std::string user = "user" + std::to_string(user_number);
    std::string peer = "user" + std::to_string(pick(1, 5000));
    std::string tag = hex(10);
    client_ip_ = client_ip(user_number);
    std::vector<Message> messages = kind < 15   ? registration(call_id, user, tag)
                                    : kind < 25 ? im(call_id, user, peer, tag)
                                                : call(call_id, user, peer, tag, kind);
    for (auto& m : messages) m.client_ip = client_ip_;
    return messages;
  }

 private:
  int pick(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }
  // A user's client address; with one client, everyone's is 10.1.2.3.
  std::string client_ip(int user_number) const {
    if (clients_ <= 1) return "10.1.2.3";
    const unsigned k = static_cast<unsigned>(user_number) % clients_;
    return "10.1." + std::to_string(k / 250) + "." + std::to_string(k % 250 + 1);
  }
  std::string hex(int digits) {
    std::string s;
    for (int i = 0; i < digits; ++i) s.push_back("0123456789abcdef"[pick(0, 15)]);
    return s;
  }
  std::string headers(const std::string& start, const std::string& call_id, const std::string& from,
                      const std::string& to, const std::string& cseq, const std::string& extra,
                      const std::string& body) {
    std::string m = start + "\r\nVia: SIP/2.0/TLS " + client_ip_ + ":51000;branch=z9hG4bK" + hex(12) +
                    ";ms-received-port=51000;ms-received-cid=" + hex(6) + "\r\nMax-Forwards: 70\r\nFrom: " + from +
                    "\r\nTo: " + to + "\r\nCall-ID: " + call_id + "\r\nCSeq: " + cseq +
                    "\r\nUser-Agent: UCCAPI/16.0.4849.1000 OC/16.0.4849.1000 (Skype for "
                    "Business)\r\n" +
                    extra;
    if (!body.empty()) m += "Content-Type: application/sdp\r\n";
    return m + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  std::vector<Message> registration(const std::string& id, const std::string& user, const std::string& tag) {
    std::string aor = "<sip:" + user + "@contoso.com>";
    std::string from = aor + ";tag=" + tag + ";epid=" + hex(10);
    std::vector<Message> out;
    out.push_back({true, 0,
                   headers("REGISTER sip:contoso.com SIP/2.0", id, from, aor, "1 REGISTER",
                           "Contact: <sip:" + client_ip_ +
                               ":51000;transport=tls>;methods=\"INVITE, "
                               "MESSAGE, INFO\"\r\n",
                           "")});
    out.push_back({false, 0.02,
                   headers("SIP/2.0 401 Unauthorized", id, from, aor + ";tag=" + hex(32), "1 REGISTER",
                           "WWW-Authenticate: NTLM opaque=\"" + hex(8) +
                               "\", gssapi-data=\"TlRMTVNTUAACAAAAAAAAADgAAADzgpji" + hex(16) +
                               "\", targetname=\"fe01.contoso.com\", realm=\"SIP "
                               "Communications Service\"\r\n",
                           "")});
    out.push_back({true, 0.05,
                   headers("REGISTER sip:contoso.com SIP/2.0", id, from, aor, "2 REGISTER",
                           "Authorization: NTLM qop=\"auth\", realm=\"SIP Communications "
                           "Service\", opaque=\"" +
                               hex(8) + "\", crand=\"" + hex(8) + "\", cnum=\"1\", response=\"" + hex(32) + "\"\r\n",
                           "")});
    out.push_back(
        {false, 0.09,
         headers("SIP/2.0 200 OK", id, from, aor + ";tag=" + hex(32), "2 REGISTER", "Expires: 7200\r\n", "")});
    return out;
  }

  std::vector<Message> im(const std::string& id, const std::string& user, const std::string& peer,
                          const std::string& tag) {
    std::string from = "<sip:" + user + "@contoso.com>;tag=" + tag + ";epid=" + hex(10);
    std::string to = "<sip:" + peer + "@contoso.com>";
    std::string body = "Hello, are you free for a call about ticket " + std::to_string(pick(1000, 9999)) + "?";
    std::vector<Message> out;
    std::string request = headers("MESSAGE sip:" + peer + "@contoso.com SIP/2.0", id, from, to, "1 MESSAGE", "", "");
    request.replace(request.find("Content-Length: 0"), 17,
                    "Content-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()));
    request += body;
    out.push_back({true, 0, request});
    out.push_back({false, 0.03, headers("SIP/2.0 200 OK", id, from, to + ";tag=" + hex(10), "1 MESSAGE", "", "")});
    return out;
  }

  std::vector<Message> call(const std::string& id, const std::string& user, const std::string& peer,
                            const std::string& tag, int kind) {
    std::string from = "\"" + user + "\" <sip:" + user + "@contoso.com>;tag=" + tag + ";epid=" + hex(10);
    std::string to = "<sip:" + peer + "@contoso.com>";
    std::string ruri = "INVITE sip:" + peer + "@contoso.com SIP/2.0";
    std::string conv = "Ms-Conversation-ID: " + hex(24) + "==\r\n";
    std::vector<Message> out;
    out.push_back({true, 0, headers(ruri, id, from, to, "1 INVITE", conv, sdp(client_ip_, 50000 + pick(0, 9000)))});
    out.push_back({false, 0.05, headers("SIP/2.0 100 Trying", id, from, to, "1 INVITE", "", "")});
    std::string tag_a = ";tag=" + hex(10) + ";epid=" + hex(10);
    std::string tag_b = ";tag=" + hex(10) + ";epid=" + hex(10);
    bool forked = kind % 3 == 0;
    out.push_back({false, 0.4, headers("SIP/2.0 180 Ringing", id, from, to + tag_a, "1 INVITE", "", "")});
    if (forked) out.push_back({false, 0.5, headers("SIP/2.0 180 Ringing", id, from, to + tag_b, "1 INVITE", "", "")});
    if (kind < 70) {  // answered
      out.push_back(
          {false, 4.0,
           headers("SIP/2.0 200 OK", id, from, to + tag_a, "1 INVITE", "", sdp("10.9.8.7", 50000 + pick(0, 9000)))});
      out.push_back(
          {true, 4.1, headers("ACK sip:" + peer + "@contoso.com SIP/2.0", id, from, to + tag_a, "1 ACK", "", "")});
      out.push_back({true, 60.0 + pick(0, 600),
                     headers("BYE sip:" + peer + "@contoso.com SIP/2.0", id, from, to + tag_a, "2 BYE",
                             "ms-client-diagnostics: 51004; reason=\"Action "
                             "initiated by user\"\r\n",
                             "")});
      out.push_back({false, out.back().at + 0.05, headers("SIP/2.0 200 OK", id, from, to + tag_a, "2 BYE", "", "")});
    } else if (kind < 85) {  // cancelled
      out.push_back(
          {true, 9.0, headers("CANCEL sip:" + peer + "@contoso.com SIP/2.0", id, from, to, "1 CANCEL", "", "")});
      out.push_back({false, 9.05, headers("SIP/2.0 200 OK", id, from, to + tag_a, "1 CANCEL", "", "")});
      out.push_back({false, 9.06, headers("SIP/2.0 487 Request Terminated", id, from, to + tag_a, "1 INVITE", "", "")});
      out.push_back(
          {true, 9.1, headers("ACK sip:" + peer + "@contoso.com SIP/2.0", id, from, to + tag_a, "1 ACK", "", "")});
    } else {  // busy or failed
      bool busy = kind < 93;
      out.push_back({false, 2.0,
                     headers(busy ? "SIP/2.0 486 Busy Here" : "SIP/2.0 480 Temporarily Unavailable", id, from,
                             to + tag_a, "1 INVITE",
                             busy ? ""
                                  : "ms-diagnostics: 15024;reason=\"Callee is not "
                                    "reachable\";source=\"fe01.contoso.com\"\r\n",
                             "")});
      out.push_back(
          {true, 2.05, headers("ACK sip:" + peer + "@contoso.com SIP/2.0", id, from, to + tag_a, "1 ACK", "", "")});
    }
    return out;
  }

  std::mt19937 random_;
  unsigned seed_;
  unsigned clients_;
  std::string client_ip_;
  unsigned long count_ = 0;
};

std::string clock_text(double t, bool server) {
  long whole = static_cast<long>(t);
  int ms = static_cast<int>((t - static_cast<double>(whole)) * 1000);
  char buffer[64];
  int day = 5 + static_cast<int>(whole / 86400);
  long s = whole % 86400;
  std::snprintf(buffer, sizeof buffer,
                server ? "03/%02d/2024-%02ld:%02ld:%02ld.%03d" : "03/%02d/2024|%02ld:%02ld:%02ld.%03d", day, s / 3600,
                s / 60 % 60, s % 60, ms);
  return buffer;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: gen_traces client|server|pcap|pcap-tcp SIZE_MB OUTPUT [SEED [CLIENTS]]\n");
    return 2;
  }
  std::string format = argv[1];
  const double target = std::atof(argv[2]) * 1024 * 1024;
  unsigned seed = argc > 4 ? static_cast<unsigned>(std::atoi(argv[4])) : 1;
  const int clients = argc > 5 ? std::atoi(argv[5]) : 1;
  if (clients < 1 || clients > 5000) {  // one address a user at most
    std::fprintf(stderr, "gen_traces: CLIENTS must be from 1 to 5000\n");
    return 2;
  }
  const bool capture = format == "pcap" || format == "pcap-tcp";
  if (format != "client" && format != "server" && !capture) {
    std::fprintf(stderr, "gen_traces: format must be client, server, pcap or pcap-tcp\n");
    return 2;
  }
  CallWriter writer(seed, format == "client" ? 1u : static_cast<unsigned>(clients));
  std::ofstream out(argv[3], std::ios::binary);
  sipsleuth::testing::PcapWriter pcap;  // for captures, flushed to `out` after every call
  using Endpoint = sipsleuth::testing::PcapWriter::Endpoint;
  const Endpoint server{"10.0.0.11", 5060};
  // pcap-tcp: one connection a client, opened before its first message, and
  // the next sequence number each way.
  struct Connection {
    std::uint32_t client_seq = 1000, server_seq = 5000;
  };
  std::unordered_map<std::string, Connection> connections;
  std::size_t written = 0;
  std::string middle_call;
  double start = 8 * 3600;
  auto connection = [&](const Endpoint& client, double t) -> Connection& {
    auto [it, opened] = connections.try_emplace(client.ip);
    if (opened) {
      using W = sipsleuth::testing::PcapWriter;
      Connection& c = it->second;
      pcap.tcp(1709625600.0 + t, client, server, c.client_seq - 1, W::kSyn);
      pcap.tcp(1709625600.0 + t, server, client, c.server_seq - 1, W::kSyn | W::kAck);
      pcap.tcp(1709625600.0 + t, client, server, c.client_seq, W::kAck);
    }
    return it->second;
  };
  // With one client its connection opens at the start, as it always did.
  if (format == "pcap-tcp" && clients == 1) connection({"10.1.2.3", 51000}, start);
  std::string call_id;
  std::string chunk;
  // Calls overlap, so messages wait here until no later call can come before
  // them: logs are in time order.
  using Timed = std::pair<double, Message>;
  auto later = [](const Timed& a, const Timed& b) { return a.first > b.first; };
  std::priority_queue<Timed, std::vector<Timed>, decltype(later)> pending(later);
  auto write = [&](double t, const Message& m) {
    const Endpoint client{m.client_ip, 51000};
    if (format == "client") {
      std::string marker = m.from_client ? "Sending Packet - 10.0.0.11:5061 (From Local "
                                           "Address: 10.1.2.3:51000) " +
                                               std::to_string(m.text.size()) + " bytes"
                                         : "Data Received - 10.0.0.11:5061 (To Local "
                                           "Address: 10.1.2.3:51000) " +
                                               std::to_string(m.text.size()) + " bytes";
      std::string prefix = clock_text(t, false) + " 1A2B:3C4D INFO  :: ";
      chunk += prefix + marker + ":\r\n" + m.text + (m.text.back() == '\n' ? "" : "\r\n") + prefix + "End of " +
               marker + "\r\n";
      chunk += prefix + "CUccSession::UpdateSessionState - state changed\r\n";
    } else if (format == "server") {
      auto line_end = m.text.find("\r\n");
      auto body_at = m.text.find("\r\n\r\n");
      std::string body = m.text.substr(body_at + 4);
      chunk += "TL_INFO(TF_PROTOCOL) [fe01\\fe01]0C3C.0F78::" + clock_text(t, true) +
               ".0001A2F3 "
               "(SIPStack,SIPAdminLog::TraceProtocolRecord:SIPAdminLog.cpp(125))$$"
               "begin_record\r\n"
               "Trace-Correlation-Id: " +
               std::to_string(written % 1000000007) + "\r\nInstance-Id: 00003E21\r\n" +
               (m.from_client ? "Direction: incoming;source=\"" + m.client_ip + "\";destination=\"local\"\r\n"
                              : "Direction: outgoing;source=\"local\";destination=\"" + m.client_ip + "\"\r\n") +
               "Peer: " + m.client_ip +
               ":51000\r\nMessage-Type: " + (m.text.rfind("SIP/2.0", 0) == 0 ? "response" : "request") +
               "\r\nStart-Line: " + m.text.substr(0, line_end) + "\r\n" +
               m.text.substr(line_end + 2, body_at + 2 - line_end - 2) +
               "Message-Body: " + (body.empty() ? "-\r\n" : body) +
               (body.empty() || body.back() == '\n' ? "" : "\r\n") + "$$end_record\r\n";
    } else if (format == "pcap") {
      pcap.udp(1709625600.0 + t, m.from_client ? client : server, m.from_client ? server : client, m.text);
    } else {
      constexpr std::size_t kSegment = 1400;
      Connection& c = connection(client, t);
      std::uint32_t& seq = m.from_client ? c.client_seq : c.server_seq;
      for (std::size_t at = 0; at < m.text.size(); at += kSegment) {
        std::string_view piece = std::string_view(m.text).substr(at, kSegment);
        pcap.tcp(1709625600.0 + t, m.from_client ? client : server, m.from_client ? server : client, seq,
                 sipsleuth::testing::PcapWriter::kPsh | sipsleuth::testing::PcapWriter::kAck, piece);
        seq += static_cast<std::uint32_t>(piece.size());
      }
    }
  };
  bool done = false;
  while (!done) {
    done = static_cast<double>(written) >= target;
    if (!done) {
      std::vector<Message> messages = writer.next(call_id);
      if (middle_call.empty() && static_cast<double>(written) >= target / 2) middle_call = call_id;
      start += 0.05;
      for (auto& m : messages) pending.push({start + m.at, std::move(m)});
    }
    while (!pending.empty() && (done || pending.top().first <= start)) {
      write(pending.top().first, pending.top().second);
      pending.pop();
    }
    if (capture) chunk = pcap.take();
    written += chunk.size();
    out << chunk;
    chunk.clear();
  }
  std::printf("%s\n", middle_call.c_str());
  return 0;
}
