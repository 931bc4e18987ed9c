// Writes tests/fixtures/hops/: the same four calls as seen by alice's Lync
// client (client.uccapilog), by the two Front Ends of the path (fe1.log,
// fe2.log) and by the Edge (edge.log), for the search and hop-merging tests.
//
// Every observation is derived from one true time line, then written with its
// source's clock: FE1 is the reference; FE2 runs 2.500 s behind, the Edge
// 1.200 s ahead, and the client writes local time (UTC+1) 0.350 s ahead.
//
//   A  alice -> bob, internal, answered: client -> FE1 -> FE2 -> bob
//   B  alice dials 4255550100 (translated to +14255550100), PSTN, busy:
//      client -> FE1 -> Mediation, with TF_DIAG records on FE1
//   C  carol@fabrikam.com -> alice, federated, cancelled: fabrikam Edge -> Edge -> FE1 -> client
//   D  alice joins a meeting: client -> FE1 -> the conferencing focus (answered)
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace {

struct Node {
  std::string address;  // ip:port as peers see it
  std::string host;     // FQDN for Via/Record-Route
  std::string log;      // "" when nobody logs on this node
  double skew = 0;      // seconds this node's clock is ahead of the reference
  bool local_time = false;  // writes local time (UTC+1) instead of UTC
};

const std::map<std::string, Node> kNodes = {
    {"alice", {"192.168.10.50:51000", "192.168.10.50", "client", 0.350, true}},
    {"fe1", {"10.0.0.11:5061", "fe1.contoso.com", "fe1", 0.0}},
    {"fe2", {"10.0.0.12:5061", "fe2.contoso.com", "fe2", -2.5}},
    {"bob", {"192.168.20.60:52000", "192.168.20.60", "", 0}},
    {"edge", {"10.0.1.20:5061", "edge.contoso.com", "edge", 1.2}},
    {"fabrikam", {"198.51.100.30:5061", "sip.fabrikam.com", "", 0}},
    {"mediation", {"10.0.0.30:5068", "med.contoso.com", "", 0}},
    {"focus", {"10.0.0.11:444", "fe1.contoso.com", "", 0}},
};

// 2024-03-05 14:00:00 UTC plus `seconds`, written as a log of `node` writes it.
std::string stamp(const Node& node, double seconds, bool server_style) {
  std::tm tm{};
  tm.tm_year = 124;
  tm.tm_mon = 2;
  tm.tm_mday = 5;
  tm.tm_hour = 14;
  double t = static_cast<double>(timegm(&tm)) + seconds + node.skew + (node.local_time ? 3600 : 0);
  std::time_t whole = static_cast<std::time_t>(t);
  int millis = static_cast<int>((t - static_cast<double>(whole)) * 1000 + 0.5);
  if (millis == 1000) {
    ++whole;
    millis = 0;
  }
  std::tm parts{};
  gmtime_r(&whole, &parts);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, server_style ? "%02d/%02d/%04d-%02d:%02d:%02d.%03d" : "%02d/%02d/%04d|%02d:%02d:%02d.%03d",
                parts.tm_mon + 1, parts.tm_mday, parts.tm_year + 1900, parts.tm_hour, parts.tm_min, parts.tm_sec, millis);
  return buffer;
}

struct Message {
  std::string start;
  std::vector<std::string> headers;  // without Content-Length
  std::string body;
  std::string text() const {
    std::string t = start + "\n";
    for (const auto& h : headers) t += h + "\n";
    t += "Content-Length: " + std::to_string(body.size()) + "\n\n" + body;
    return t;
  }
};

class Logs {
 public:
  // One transmission from node `from` to node `to`, sent at true time `t`,
  // arriving `latency` later; each end that keeps a log records it.
  void send(const std::string& from, const std::string& to, const Message& m, double t, double latency = 0.004,
            const std::string& correlation = "") {
    write(from, to, m, t, true, correlation);
    write(to, from, m, t + latency, false, correlation);
  }
  // A TF_DIAG record on a server.
  void diag(const std::string& node_name, double t, const std::string& level, const std::string& correlation,
            const std::vector<std::string>& fields) {
    const Node& node = kNodes.at(node_name);
    std::string& out = files_[node.log + ".log"];
    out += level + "(TF_DIAG) [" + node_name + "\\" + node_name + "]0C3C.0F78::" + stamp(node, t, true) +
           ".0001B" + std::to_string(++instance_) + " (SIPStack,SIPAdminLog::WriteDiagnosticEvent:SIPAdminLog.cpp(830)) [" +
           correlation + "] $$begin_record\n";
    for (const auto& f : fields) out += f + "\n";
    out += "$$end_record\n";
  }
  void save(const std::filesystem::path& dir) const {
    std::filesystem::create_directories(dir);
    for (const auto& [name, text] : files_) {
      std::ofstream(dir / (name == "client.log" ? "client.uccapilog" : name), std::ios::binary) << text;
    }
  }

 private:
  void write(const std::string& self, const std::string& peer, const Message& m, double t, bool sent,
             const std::string& correlation) {
    const Node& node = kNodes.at(self);
    if (node.log.empty()) return;
    const Node& other = kNodes.at(peer);
    std::string text = m.text();
    if (node.local_time) {  // a Lync client log
      std::string& out = files_["client.log"];
      std::string prefix = stamp(node, t, false) + " 1A2B:3C4D INFO  :: ";
      std::string marker = sent ? "Sending Packet - " + other.address + " (From Local Address: " + node.address + ") " +
                                      std::to_string(text.size()) + " bytes"
                                : "Data Received - " + other.address + " (To Local Address: " + node.address + ") " +
                                      std::to_string(text.size()) + " bytes";
      out += prefix + marker + ":\n" + prefix + text;
      if (!text.empty() && text.back() != '\n') out += "\n";
      out += prefix + "End of " + marker + "\n";
      return;
    }
    std::string& out = files_[node.log + ".log"];
    out += "TL_INFO(TF_PROTOCOL) [" + self + "\\" + self + "]0C3C.0F78::" + stamp(node, t, true) + ".0001A" +
           std::to_string(++instance_) + " (SIPStack,SIPAdminLog::TraceProtocolRecord:SIPAdminLog.cpp(125))$$begin_record\n";
    out += "Trace-Correlation-Id: " + correlation + "\n";
    out += "Instance-Id: 0000" + std::to_string(1000 + instance_) + "\n";
    out += sent ? "Direction: outgoing;source=\"local\";destination=\"" + other.host + "\"\n"
                : "Direction: incoming;source=\"" + other.host + "\";destination=\"local\"\n";
    out += "Peer: " + other.address + "\n";
    bool request = m.start.rfind("SIP/2.0", 0) != 0;
    out += std::string("Message-Type: ") + (request ? "request" : "response") + "\n";
    out += "Start-Line: " + m.start + "\n";
    for (const auto& h : m.headers) out += h + "\n";
    out += "Content-Length: " + std::to_string(m.body.size()) + "\n";
    out += "Message-Body: " + (m.body.empty() ? std::string("-") + "\n" : m.body);
    if (out.back() != '\n') out += "\n";
    out += "$$end_record\n";
  }

  std::map<std::string, std::string> files_;
  int instance_ = 0;
};

std::string sdp(const std::string& ip, int port) {
  return "v=0\no=- 0 0 IN IP4 " + ip + "\ns=session\nc=IN IP4 " + ip + "\nt=0 0\nm=audio " + std::to_string(port) +
         " RTP/SAVP 0 8 101\na=candidate:1 1 UDP 2130706431 " + ip + " " + std::to_string(port) +
         " typ host\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:W2hpdGUtcmFiYml0LWtleS1tYXRlcmlhbC0xMjM0|2^31\n"
         "a=rtpmap:101 telephone-event/8000\n";
}

std::string via(const std::string& node, const std::string& branch) {
  return "Via: SIP/2.0/TLS " + kNodes.at(node).address + ";branch=z9hG4bK" + branch;
}

// A request as it leaves each hop: the hop's Via goes on top.
Message hop(Message m, const std::string& node, const std::string& branch, const std::string& record_route = "") {
  m.headers.insert(m.headers.begin(), via(node, branch));
  if (!record_route.empty()) m.headers.insert(m.headers.begin() + 1, record_route);
  return m;
}

// A response to `request` (as received at some hop): its Vias, From, To (with tag), Call-ID, CSeq.
Message answer(const Message& request, const std::string& status, const std::string& to_params,
               std::vector<std::string> extra = {}, std::string body = "") {
  Message r{"SIP/2.0 " + status, {}, std::move(body)};
  for (const auto& h : request.headers) {
    if (h.rfind("Via:", 0) == 0 || h.rfind("From:", 0) == 0 || h.rfind("Call-ID:", 0) == 0 || h.rfind("CSeq:", 0) == 0 ||
        h.rfind("Record-Route:", 0) == 0) {
      r.headers.push_back(h);
    } else if (h.rfind("To:", 0) == 0) {
      r.headers.push_back(h + to_params);
    }
  }
  for (auto& e : extra) r.headers.push_back(std::move(e));
  return r;
}

// Drops the top Via (what a proxy does to a response before passing it on).
Message pop_via(Message m) {
  for (auto it = m.headers.begin(); it != m.headers.end(); ++it) {
    if (it->rfind("Via:", 0) == 0) {
      m.headers.erase(it);
      break;
    }
  }
  return m;
}

const std::string kAliceUa = "User-Agent: UCCAPI/16.0.4849.1000 OC/16.0.4849.1000 (Skype for Business)";
const std::string kRr1 = "Record-Route: <sip:fe1.contoso.com:5061;transport=tls;lr>";
const std::string kRr2 = "Record-Route: <sip:fe2.contoso.com:5061;transport=tls;lr>";

void call_a(Logs& logs) {  // alice -> bob via FE1 and FE2, answered, alice hangs up
  const double t = 0;
  Message invite{"INVITE sip:bob@contoso.com SIP/2.0",
                 {"Max-Forwards: 70", "From: \"Alice Alvarez\"<sip:alice@contoso.com>;tag=a1a1a1;epid=a11ce00001",
                  "To: <sip:bob@contoso.com>", "Call-ID: hopcall-a-0001", "CSeq: 1 INVITE",
                  "Contact: <sip:alice@contoso.com;opaque=user:epid:aliceAAA;gruu>", kAliceUa,
                  "Ms-Conversation-ID: AdqConvAlphaBravo==", "Content-Type: application/sdp"},
                 sdp("192.168.10.50", 50010)};
  Message at_client = hop(invite, "alice", "c1");
  Message at_fe1 = hop(at_client, "fe1", "f1", kRr1);
  Message at_fe2 = hop(at_fe1, "fe2", "f2", kRr2);
  at_fe2.start = "INVITE sip:bob@contoso.com;opaque=user:epid:bobBBB;gruu SIP/2.0";
  logs.send("alice", "fe1", at_client, t + 0.000, 0.004, "1001");
  logs.send("fe1", "alice", answer(at_client, "100 Trying", ""), t + 0.010, 0.004, "1001");
  logs.send("fe1", "fe2", at_fe1, t + 0.020, 0.003, "1001");
  logs.send("fe2", "fe1", answer(at_fe1, "100 Trying", ""), t + 0.030, 0.003, "2001");
  logs.send("fe2", "bob", at_fe2, t + 0.040, 0.005, "2001");
  std::string to_tag = ";tag=b0b0b0;epid=b0b00001";
  std::vector<std::string> bob_ua = {"Contact: <sip:bob@contoso.com;opaque=user:epid:bobBBB;gruu>",
                                     "User-Agent: UCCAPI/16.0.4849.1000 OC/16.0.4849.1000 (Skype for Business)"};
  Message ringing = answer(at_fe2, "180 Ringing", to_tag, bob_ua);
  logs.send("bob", "fe2", ringing, t + 0.300, 0.005, "2001");
  logs.send("fe2", "fe1", pop_via(ringing), t + 0.310, 0.003, "2001");
  logs.send("fe1", "alice", pop_via(pop_via(ringing)), t + 0.320, 0.004, "1001");
  std::vector<std::string> ok_headers = bob_ua;
  ok_headers.push_back("Content-Type: application/sdp");
  Message ok = answer(at_fe2, "200 OK", to_tag, ok_headers, sdp("192.168.20.60", 50020));
  logs.send("bob", "fe2", ok, t + 4.000, 0.005, "2001");
  logs.send("fe2", "fe1", pop_via(ok), t + 4.010, 0.003, "2001");
  logs.send("fe1", "alice", pop_via(pop_via(ok)), t + 4.020, 0.004, "1001");
  Message ack{"ACK sip:bob@contoso.com;opaque=user:epid:bobBBB;gruu SIP/2.0",
              {"Route: <sip:fe1.contoso.com:5061;transport=tls;lr>", "Max-Forwards: 70",
               "From: \"Alice Alvarez\"<sip:alice@contoso.com>;tag=a1a1a1;epid=a11ce00001",
               "To: <sip:bob@contoso.com>" + to_tag, "Call-ID: hopcall-a-0001", "CSeq: 1 ACK", kAliceUa},
              ""};
  Message ack_client = hop(ack, "alice", "c2");
  logs.send("alice", "fe1", ack_client, t + 4.100, 0.004, "1001");
  Message ack_fe1 = hop(ack_client, "fe1", "f3");
  logs.send("fe1", "fe2", ack_fe1, t + 4.110, 0.003, "1001");
  logs.send("fe2", "bob", hop(ack_fe1, "fe2", "f4"), t + 4.120, 0.005, "2001");
  Message bye = ack;
  bye.start = "BYE sip:bob@contoso.com;opaque=user:epid:bobBBB;gruu SIP/2.0";
  bye.headers[5] = "CSeq: 2 BYE";
  Message bye_client = hop(bye, "alice", "c3");
  Message bye_fe1 = hop(bye_client, "fe1", "f5");
  Message bye_fe2 = hop(bye_fe1, "fe2", "f6");
  logs.send("alice", "fe1", bye_client, t + 64.000, 0.004, "1001");
  logs.send("fe1", "fe2", bye_fe1, t + 64.010, 0.003, "1001");
  logs.send("fe2", "bob", bye_fe2, t + 64.020, 0.005, "2001");
  Message bye_ok = answer(bye_fe2, "200 OK", "", bob_ua);
  logs.send("bob", "fe2", bye_ok, t + 64.100, 0.005, "2001");
  logs.send("fe2", "fe1", pop_via(bye_ok), t + 64.110, 0.003, "2001");
  logs.send("fe1", "alice", pop_via(pop_via(bye_ok)), t + 64.120, 0.004, "1001");
}

void call_b(Logs& logs) {  // alice dials 4255550100 from Redmond; busy at the PSTN
  const double t = 120;
  Message invite{"INVITE sip:4255550100;phone-context=redmond@contoso.com;user=phone SIP/2.0",
                 {"Max-Forwards: 70", "From: \"Alice Alvarez\"<sip:alice@contoso.com>;tag=a2a2a2;epid=a11ce00001",
                  "To: <sip:4255550100;phone-context=redmond@contoso.com;user=phone>", "Call-ID: hopcall-b-0002",
                  "CSeq: 1 INVITE", "Contact: <sip:alice@contoso.com;opaque=user:epid:aliceAAA;gruu>", kAliceUa,
                  "Ms-Conversation-ID: AdqConvCharlieDelta==", "Content-Type: application/sdp"},
                 sdp("192.168.10.50", 50030)};
  Message at_client = hop(invite, "alice", "c10");
  logs.send("alice", "fe1", at_client, t, 0.004, "1002");
  logs.send("fe1", "alice", answer(at_client, "100 Trying", ""), t + 0.010, 0.004, "1002");
  logs.send("fe1", "alice",
            answer(at_client, "101 Progress Report", "",
                   {"ms-diagnostics: 14011;reason=\"Translated the dialed number\";source=\"fe1.contoso.com\";"
                    "CalledNumber=\"4255550100\";TranslatedNumber=\"+14255550100\";RuleName=\"Redmond local\";"
                    "appName=\"TranslationService\""}),
            t + 0.030, 0.004, "1002");
  logs.send("fe1", "alice",
            answer(at_client, "101 Progress Report", "",
                   {"ms-diagnostics: 12006;reason=\"Trying next hop\";source=\"fe1.contoso.com\";"
                    "PhoneUri=\"tel:+14255550100\";PhoneRoute=\"US Local\";Gateway=\"med.contoso.com:5068\";"
                    "appName=\"OutboundRouting\""}),
            t + 0.040, 0.004, "1002");
  Message out = hop(at_client, "fe1", "f10", kRr1);
  out.start = "INVITE sip:+14255550100@med.contoso.com:5068;user=phone SIP/2.0";
  for (auto& h : out.headers) {
    if (h.rfind("To:", 0) == 0) h = "To: <sip:+14255550100@contoso.com;user=phone>";
  }
  out.headers.push_back("P-Asserted-Identity: \"Alice Alvarez\"<sip:alice@contoso.com>,<tel:+14255550123>");
  logs.send("fe1", "mediation", out, t + 0.050, 0.002, "1002");
  logs.diag("fe1", t + 0.051, "TL_INFO", "1002",
            {"Severity: information", "Text: Routing the call to the gateway of route US Local",
             "Result-Code: 0x0 S_OK", "SIP-Start-Line: " + out.start, "SIP-Call-ID: hopcall-b-0002", "SIP-CSeq: 1 INVITE",
             "Peer: med.contoso.com:5068"});
  Message busy = answer(out, "486 Busy Here", ";tag=m3d1a7;epid=med0000001",
                        {"Server: RTCC/7.0.0.0 MediationServer", "Reason: Q.850;cause=17;text=\"User busy\"",
                         "P-Asserted-Identity: <tel:+14255550100>",
                         "ms-diagnostics: 1003;reason=\"User is busy\";source=\"med.contoso.com\""});
  logs.send("mediation", "fe1", busy, t + 3.500, 0.002, "1002");
  logs.diag("fe1", t + 3.503, "TL_WARN", "1002",
            {"Severity: warning", "Text: The gateway answered busy", "Result-Code: 0xc3e93d6b SIPPROXY_E_GATEWAY_BUSY",
             "SIP-Start-Line: SIP/2.0 486 Busy Here", "SIP-Call-ID: hopcall-b-0002", "SIP-CSeq: 1 INVITE",
             "Peer: med.contoso.com:5068"});
  logs.send("fe1", "alice", pop_via(busy), t + 3.510, 0.004, "1002");
  Message ack{"ACK sip:4255550100;phone-context=redmond@contoso.com;user=phone SIP/2.0",
              {via("alice", "c10"), "Max-Forwards: 70",
               "From: \"Alice Alvarez\"<sip:alice@contoso.com>;tag=a2a2a2;epid=a11ce00001",
               "To: <sip:4255550100;phone-context=redmond@contoso.com;user=phone>;tag=m3d1a7;epid=med0000001",
               "Call-ID: hopcall-b-0002", "CSeq: 1 ACK"},
              ""};
  logs.send("alice", "fe1", ack, t + 3.600, 0.004, "1002");
}

void call_c(Logs& logs) {  // carol@fabrikam.com calls alice through the Edge; carol gives up
  const double t = 300;
  Message invite{"INVITE sip:alice@contoso.com SIP/2.0",
                 {"Via: SIP/2.0/TLS 10.8.0.5:49152;branch=z9hG4bKcarol1", "Max-Forwards: 68",
                  "From: \"Carol Chen\"<sip:carol@fabrikam.com>;tag=c4c4c4;epid=ca101f0001", "To: <sip:alice@contoso.com>",
                  "Call-ID: hopcall-c-0003", "CSeq: 1 INVITE",
                  "Contact: <sip:carol@fabrikam.com;opaque=user:epid:carolCCC;gruu>",
                  "User-Agent: UCCAPI/16.0.4849.1000 OC/16.0.4849.1000 (Skype for Business)",
                  "Ms-Conversation-ID: AdqConvEchoFoxtrot==", "Content-Type: application/sdp"},
                 sdp("203.0.113.99", 54000)};
  Message from_partner = hop(invite, "fabrikam", "p1");
  logs.send("fabrikam", "edge", from_partner, t, 0.030, "3003");
  Message at_edge = hop(from_partner, "edge", "e1");
  logs.send("edge", "fe1", at_edge, t + 0.040, 0.002, "3003");
  Message at_fe1 = hop(at_edge, "fe1", "f20", kRr1);
  at_fe1.start = "INVITE sip:alice@contoso.com;opaque=user:epid:aliceAAA;gruu SIP/2.0";
  logs.send("fe1", "alice", at_fe1, t + 0.050, 0.004, "1003");
  std::string to_tag = ";tag=a3a3a3;epid=a11ce00001";
  Message ringing = answer(at_fe1, "180 Ringing", to_tag, {kAliceUa});
  logs.send("alice", "fe1", ringing, t + 0.400, 0.004, "1003");
  logs.send("fe1", "edge", pop_via(ringing), t + 0.410, 0.002, "1003");
  logs.send("edge", "fabrikam", pop_via(pop_via(ringing)), t + 0.420, 0.030, "3003");
  Message cancel{"CANCEL sip:alice@contoso.com SIP/2.0",
                 {via("fabrikam", "p1"), "Max-Forwards: 68",
                  "From: \"Carol Chen\"<sip:carol@fabrikam.com>;tag=c4c4c4;epid=ca101f0001", "To: <sip:alice@contoso.com>",
                  "Call-ID: hopcall-c-0003", "CSeq: 1 CANCEL"},
                 ""};
  logs.send("fabrikam", "edge", cancel, t + 9.000, 0.030, "3003");
  Message cancel_edge = cancel;
  cancel_edge.headers[0] = via("edge", "e1");
  logs.send("edge", "fe1", cancel_edge, t + 9.040, 0.002, "3003");
  Message cancel_fe1 = cancel;
  cancel_fe1.start = "CANCEL sip:alice@contoso.com;opaque=user:epid:aliceAAA;gruu SIP/2.0";
  cancel_fe1.headers[0] = via("fe1", "f20");
  logs.send("fe1", "alice", cancel_fe1, t + 9.050, 0.004, "1003");
  logs.send("alice", "fe1", answer(cancel_fe1, "200 OK", to_tag), t + 9.100, 0.004, "1003");
  Message terminated = answer(at_fe1, "487 Request Terminated", to_tag,
                              {kAliceUa, "Reason: SIP;cause=487;text=\"Request terminated\""});
  logs.send("alice", "fe1", terminated, t + 9.110, 0.004, "1003");
  logs.send("fe1", "edge", pop_via(terminated), t + 9.120, 0.002, "1003");
  logs.send("edge", "fabrikam", pop_via(pop_via(terminated)), t + 9.130, 0.030, "3003");
}

void call_d(Logs& logs) {  // alice joins the meeting K7P2Q9XW
  const double t = 600;
  const std::string focus = "sip:alice@contoso.com;gruu;opaque=app:conf:focus:id:K7P2Q9XW";
  Message invite{"INVITE " + focus + " SIP/2.0",
                 {"Max-Forwards: 70", "From: \"Alice Alvarez\"<sip:alice@contoso.com>;tag=a4a4a4;epid=a11ce00001",
                  "To: <" + focus + ">", "Call-ID: hopcall-d-0004", "CSeq: 1 INVITE",
                  "Contact: <sip:alice@contoso.com;opaque=user:epid:aliceAAA;gruu>", kAliceUa,
                  "Ms-Conversation-ID: AdqConvGolfHotel==", "Content-Type: application/sdp"},
                 sdp("192.168.10.50", 50040)};
  Message at_client = hop(invite, "alice", "c30");
  logs.send("alice", "fe1", at_client, t, 0.004, "1004");
  Message at_fe1 = hop(at_client, "fe1", "f30", kRr1);
  logs.send("fe1", "focus", at_fe1, t + 0.010, 0.001, "1004");
  Message ok = answer(at_fe1, "200 OK", ";tag=f0c0s0",
                      {"Contact: <" + focus + ">", "Server: RTC/7.0", "Content-Type: application/sdp"},
                      sdp("10.0.0.15", 49200));
  logs.send("focus", "fe1", ok, t + 0.600, 0.001, "1004");
  logs.send("fe1", "alice", pop_via(ok), t + 0.610, 0.004, "1004");
  Message ack{"ACK " + focus + " SIP/2.0",
              {via("alice", "c31"), "Max-Forwards: 70",
               "From: \"Alice Alvarez\"<sip:alice@contoso.com>;tag=a4a4a4;epid=a11ce00001", "To: <" + focus + ">;tag=f0c0s0",
               "Call-ID: hopcall-d-0004", "CSeq: 1 ACK"},
              ""};
  logs.send("alice", "fe1", ack, t + 0.700, 0.004, "1004");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_hop_fixtures OUTPUT_DIRECTORY\n");
    return 2;
  }
  Logs logs;
  call_a(logs);
  call_b(logs);
  call_c(logs);
  call_d(logs);
  logs.save(argv[1]);
  return 0;
}
