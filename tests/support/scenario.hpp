// Writes Lync client logs and server logs of calls whose outcome is known,
// for property tests of the verdicts: every outcome of the vocabulary, 1-4
// forks, registrations with NTLM, Kerberos and TLS-DSK, from a fixed seed.
#pragma once

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "support/text.hpp"

namespace sipsleuth::testing {

struct ScenarioCall {
  std::string call_id;
  std::string outcome;     // the verdict the call must get
  int forks = 0;           // endpoints that sent 18x/2xx
  std::string answered_by; // epid of the answering fork, if any
};

struct GeneratedLogs {
  std::string client_log;
  std::string server_log;
  std::vector<ScenarioCall> calls;
};

class ScenarioGenerator {
 public:
  explicit ScenarioGenerator(unsigned seed) : random_(seed) {}

  GeneratedLogs generate(int calls_per_outcome) {
    GeneratedLogs logs;
    const char* outcomes[] = {"answered", "media-failed", "cancelled", "busy",       "declined",  "no-answer",
                              "failed",   "in-progress",  "registered", "auth-failed", "subscribed"};
    for (int round = 0; round < calls_per_outcome; ++round) {
      for (const char* outcome : outcomes) add_call(outcome, logs);
    }
    return logs;
  }

 private:
  struct Step {
    double at;
    bool sent;  // by the caller (client log: "Sending Packet"; server log: incoming from the client)
    std::string text;
  };

  int pick(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }

  std::string hex(int digits) {
    std::string s;
    for (int i = 0; i < digits; ++i) s.push_back("0123456789abcdef"[pick(0, 15)]);
    return s;
  }

  static std::string sdp(const std::string& address, int port) {
    return "v=0\no=- 0 0 IN IP4 " + address + "\ns=session\nc=IN IP4 " + address + "\nt=0 0\nm=audio " +
           std::to_string(port) + " RTP/SAVP 114 0 8 101\na=candidate:1 1 UDP 2130706431 " + address + " " +
           std::to_string(port) + " typ host\n";
  }

  std::string message(const std::string& start, const std::string& call_id, const std::string& from_tag,
                      const std::string& to_params, const std::string& cseq, const std::string& extra,
                      const std::string& body = "") {
    std::string m = start + "\nVia: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK" + hex(8) +
                    "\nFrom: <sip:alice@contoso.com>;tag=" + from_tag + ";epid=1488039028\nTo: <sip:bob@contoso.com>" +
                    to_params + "\nCall-ID: " + call_id + "\nCSeq: " + cseq + "\n" + extra;
    if (!body.empty()) m += "Content-Type: application/sdp\n";
    // Both logs are written with CRLF, so each body line end counts two bytes.
    std::size_t length = body.size() + static_cast<std::size_t>(std::count(body.begin(), body.end(), '\n'));
    m += "Content-Length: " + std::to_string(length) + "\n\n" + body;
    return m;
  }

  void add_call(const std::string& outcome, GeneratedLogs& logs) {
    std::string call_id = hex(32);
    std::string tag = hex(10);
    std::vector<Step> steps;
    ScenarioCall expected{call_id, outcome, 0, ""};
    double t = 0;
    auto response = [&](int status, const std::string& reason, const std::string& to_params, const std::string& cseq,
                        const std::string& extra = "", const std::string& body = "") {
      return message("SIP/2.0 " + std::to_string(status) + " " + reason, call_id, tag, to_params, cseq, extra, body);
    };

    if (outcome == "registered" || outcome == "auth-failed") {
      const char* schemes[] = {"NTLM", "Kerberos", "TLS-DSK"};
      std::string scheme = schemes[pick(0, 2)];
      std::string reg_tag = ";tag=" + hex(10);
      steps.push_back({t, true, message("REGISTER sip:contoso.com SIP/2.0", call_id, tag, "", "1 REGISTER", "")});
      steps.push_back({t += 0.1, false, response(401, "Unauthorized", reg_tag, "1 REGISTER",
                                                 "WWW-Authenticate: " + scheme + " realm=\"SIP Communications Service\", targetname=\"fe01.contoso.com\", version=4\n")});
      steps.push_back({t += 0.1, true, message("REGISTER sip:contoso.com SIP/2.0", call_id, tag, "", "2 REGISTER",
                                               "Proxy-Authorization: " + scheme + " qop=\"auth\", targetname=\"fe01.contoso.com\", gssapi-data=\"" + hex(40) + "\", version=4\n")});
      if (outcome == "registered") {
        steps.push_back({t += 0.1, false, response(200, "OK", reg_tag, "2 REGISTER", "Expires: 7200\n")});
      } else {
        steps.push_back({t += 0.1, false, pick(0, 1) ? response(401, "Unauthorized", reg_tag, "2 REGISTER")
                                                     : response(403, "Forbidden", reg_tag, "2 REGISTER")});
      }
    } else if (outcome == "subscribed") {
      steps.push_back({t, true, message("SUBSCRIBE sip:bob@contoso.com SIP/2.0", call_id, tag, "", "1 SUBSCRIBE",
                                        "Event: presence\n")});
      steps.push_back({t += 0.2, false, response(200, "OK", ";tag=" + hex(10), "1 SUBSCRIBE", "Expires: 3600\n")});
    } else {
      int forks = pick(1, 4);
      expected.forks = forks;
      steps.push_back({t, true, message("INVITE sip:bob@contoso.com SIP/2.0", call_id, tag, "", "1 INVITE",
                                        "User-Agent: UCCAPI/16.0 OC/16.0 (Skype for Business)\n", sdp("10.0.0.1", 50000 + pick(0, 999)))});
      steps.push_back({t += 0.05, false, response(100, "Trying", "", "1 INVITE")});
      if (forks > 1) {
        steps.push_back({t += 0.1, false, response(101, "Progress Report", "", "1 INVITE",
                                                   "ms-diagnostics: 13004;reason=\"Request was proxied to one or more registered endpoints\";source=\"fe01.contoso.com\";appName=\"InboundRouting\"\n")});
      }
      std::vector<std::string> to_params;
      for (int i = 0; i < forks; ++i) {
        std::string epid = hex(10);
        to_params.push_back(";tag=" + hex(10) + ";epid=" + epid);
        steps.push_back({t += 0.3, false, response(180, "Ringing", to_params.back(), "1 INVITE",
                                                   "User-Agent: Device" + std::to_string(i) + "/1.0\n")});
      }
      int answering = pick(0, forks - 1);
      std::string answered_to = to_params[static_cast<std::size_t>(answering)];
      std::string cancel_to = to_params.back();
      if (outcome == "answered" || outcome == "media-failed") {
        expected.answered_by = answered_to.substr(answered_to.find("epid=") + 5);
        steps.push_back({t += pick(2, 20), false, response(200, "OK", answered_to, "1 INVITE",
                                                           "User-Agent: Device" + std::to_string(answering) + "/1.0\n",
                                                           sdp("10.0.0.2", 51000 + pick(0, 999)))});
        steps.push_back({t += 0.1, true, message("ACK sip:bob@contoso.com SIP/2.0", call_id, tag, answered_to, "1 ACK", "")});
        bool media_failure = outcome == "media-failed";
        t += media_failure ? pick(2, 10) : pick(20, 600);
        std::string diagnostic = media_failure
                                     ? "ms-client-diagnostics: 52001;reason=\"Call failed to establish due to a media connectivity failure\"\n"
                                     : "ms-client-diagnostics: 51004;reason=\"Action initiated by user\"\n";
        steps.push_back({t, true, message("BYE sip:bob@contoso.com SIP/2.0", call_id, tag, answered_to, "2 BYE", diagnostic)});
        steps.push_back({t += 0.1, false, response(200, "OK", answered_to, "2 BYE")});
      } else if (outcome == "cancelled") {
        steps.push_back({t += pick(3, 20), true, message("CANCEL sip:bob@contoso.com SIP/2.0", call_id, tag, "", "1 CANCEL", "")});
        steps.push_back({t += 0.05, false, response(200, "OK", "", "1 CANCEL")});
        steps.push_back({t += 0.05, false, response(487, "Request Terminated", cancel_to, "1 INVITE")});
      } else if (outcome != "in-progress") {
        std::vector<std::pair<int, std::string>> finals;
        if (outcome == "busy") finals = {{486, "Busy Here"}, {600, "Busy Everywhere"}};
        if (outcome == "declined") finals = {{603, "Decline"}};
        if (outcome == "no-answer") finals = {{480, "Temporarily Unavailable"}, {408, "Request Timeout"}};
        if (outcome == "failed") finals = {{404, "Not Found"}, {500, "Server Internal Error"}, {503, "Service Unavailable"}};
        auto [status, reason] = finals[static_cast<std::size_t>(pick(0, static_cast<int>(finals.size()) - 1))];
        steps.push_back({t += pick(1, 30), false, response(status, reason, cancel_to, "1 INVITE")});
      }
    }
    logs.calls.push_back(expected);
    write_client_log(steps, logs.client_log);
    write_server_log(steps, logs.server_log);
    clock_ += static_cast<int>(t) + 60;
  }

  std::string stamp(double at, char separator) const {
    long long ms = static_cast<long long>((clock_ + at) * 1000);
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "03/%02lld/2016%c%02lld:%02lld:%02lld.%03lld", 1 + ms / 86400000 % 28, separator,
                  ms / 3600000 % 24, ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
    return buffer;
  }

  void write_client_log(const std::vector<Step>& steps, std::string& out) const {
    for (const auto& s : steps) {
      std::string prefix = stamp(s.at, '|') + " 1F68:C14 INFO  :: ";
      std::string marker = s.sent ? "Sending Packet - 10.0.0.10:5061 (From Local Address: 10.0.0.1:49152)"
                                  : "Data Received - 10.0.0.10:5061 (To Local Address: 10.0.0.1:49152)";
      marker += " " + std::to_string(s.text.size()) + " bytes";
      out += prefix + marker + ":\r\n" + crlf(s.text) + prefix + "End of " + marker + "\r\n";
    }
  }

  // The Front End's view: requests arrive from the client, responses go back to it.
  void write_server_log(const std::vector<Step>& steps, std::string& out) {
    for (const auto& s : steps) {
      std::size_t first_line = s.text.find('\n');
      std::size_t body_at = s.text.find("\n\n");
      std::string headers = s.text.substr(first_line + 1, body_at - first_line);
      std::string body = s.text.substr(body_at + 2);
      out += "TL_INFO(TF_PROTOCOL) [fe01\\fe01]0C3C.0F78::" + stamp(s.at, '-') + ".0001A2F3 "
             "(SIPStack,SIPAdminLog::TraceProtocolRecord:SIPAdminLog.cpp(125))$$begin_record\r\n"
             "Trace-Correlation-Id: " + std::to_string(pick(1, 2000000000)) + "\r\nInstance-Id: 0000" + hex(4) + "\r\n" +
             (s.sent ? "Direction: incoming;source=\"external edge\";destination=\"local\"\r\n"
                     : "Direction: outgoing;source=\"local\";destination=\"external edge\"\r\n") +
             "Peer: edge01.contoso.com:5061\r\nMessage-Type: " + (s.text.rfind("SIP/2.0", 0) == 0 ? "response" : "request") +
             "\r\nStart-Line: " + s.text.substr(0, first_line) + "\r\n" + crlf(headers) + "Message-Body: " +
             (body.empty() ? "-\r\n" : crlf(body)) + "$$end_record\r\n";
    }
  }

  std::mt19937 random_;
  double clock_ = 0;
};

}  // namespace sipsleuth::testing
