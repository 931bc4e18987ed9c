// Synthetic traces for the benchmarks: many short calls in each format, and
// one very long call for the ladder writers.
#pragma once

#include <string>

#include "support/pcap_writer.hpp"

namespace sipsleuth::bench {

inline std::string sip_message(int i, bool request) {
  std::string id = "call-" + std::to_string(i / 4);
  std::string start = request ? "INVITE sip:bob@example.com SIP/2.0" : "SIP/2.0 180 Ringing";
  return start + "\r\nVia: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK" + std::to_string(i) +
         "\r\nFrom: <sip:alice@example.com>;tag=a" + std::to_string(i / 4) + ";epid=1488039028\r\n"
         "To: <sip:bob@example.com>" + (request ? "" : ";tag=b1;epid=2798f0b3cc") + "\r\nCall-ID: " + id +
         "\r\nCSeq: 1 INVITE\r\nUser-Agent: UCCAPI/16.0 OC/16.0 (Skype for Business)\r\n"
         "Content-Length: 0\r\n\r\n";
}

// One client-log record around `message`, sent or received at `clock` ("14:00:47.889").
inline std::string client_log_record(const std::string& clock, bool sent, const std::string& message) {
  std::string marker = sent ? "Sending Packet - 10.0.0.2:5061 (From Local Address: 10.0.0.1:5061) 400 bytes"
                            : "Data Received - 10.0.0.2:5061 (To Local Address: 10.0.0.1:5061) 400 bytes";
  return "01/05/2010|" + clock + " 418:D8 INFO  :: " + marker + ":\r\n" + message + "01/05/2010|" + clock +
         " 418:D8 INFO  :: End of " + marker + "\r\n";
}

inline std::string client_log(int messages) {
  std::string log;
  for (int i = 0; i < messages; ++i) {
    bool request = i % 2 == 0;
    log += client_log_record("14:00:47.889", request, sip_message(i, request));
    log += "01/05/2010|14:00:47.890 418:D8 INFO  :: CUccSession::Unrelated trace line\r\n";
  }
  return log;
}

// One call of `messages` messages: INVITE, 200, ACK, then INFO / 200 pairs
// (a long conference or a chatty device), one every 10 ms.
inline std::string long_call_log(int messages) {
  std::string log;
  for (int i = 0; i < messages; ++i) {
    int ms = i * 10;
    std::string clock = "14:" + std::string(ms / 60000 < 10 ? "0" : "") + std::to_string(ms / 60000) + ":" +
                        std::string(ms / 1000 % 60 < 10 ? "0" : "") + std::to_string(ms / 1000 % 60) + "." +
                        std::string(ms % 1000 < 100 ? "0" : "") + std::string(ms % 1000 < 10 ? "0" : "") +
                        std::to_string(ms % 1000);
    bool request = i == 0 || i == 2 || (i > 2 && i % 2 == 1);
    std::string method = i == 0 ? "INVITE" : i == 2 ? "ACK" : "INFO";
    std::string cseq = std::to_string(i < 3 ? 1 : (i - 1) / 2 + 1) + " " + (i == 1 ? "INVITE" : method);
    std::string start = request ? method + " sip:bob@example.com SIP/2.0" : "SIP/2.0 200 OK";
    log += client_log_record(clock, request,
                             start + "\r\nVia: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK" + std::to_string(i) +
                                 "\r\nFrom: <sip:alice@example.com>;tag=a1;epid=1488039028\r\n"
                                 "To: <sip:bob@example.com>" + (i == 0 ? "" : ";tag=b1;epid=2798f0b3cc") +
                                 "\r\nCall-ID: long-call\r\nCSeq: " + cseq + "\r\nContent-Length: 0\r\n\r\n");
  }
  return log;
}

inline std::string server_log(int messages) {
  std::string log;
  for (int i = 0; i < messages; ++i) {
    std::string message = sip_message(i, i % 2 == 0);
    std::size_t first_line = message.find("\r\n");
    log += "TL_INFO(TF_PROTOCOL) [0]06E4.0EB4::01/18/2012-05:00:43.101.00005386 "
           "(SIPStack,SIPAdminLog::TraceProtocolRecord:SIPAdminLog.cpp(125))$$begin_record\r\n"
           "Trace-Correlation-Id: 2003888399\r\nInstance-Id: 0000C23F\r\nDirection: incoming\r\n"
           "Peer: fe.contoso.com:5061\r\nMessage-Type: request\r\nStart-Line: " +
           message.substr(0, first_line) + "\r\n" + message.substr(first_line + 2, message.size() - first_line - 4) +
           "Message-Body: -\r\n$$end_record\r\n";
  }
  return log;
}

inline std::string capture(int messages) {
  testing::PcapWriter w;
  for (int i = 0; i < messages; ++i) w.udp(1000 + i * 0.01, {"10.0.0.1", 5060}, {"10.0.0.2", 5060}, sip_message(i, i % 2 == 0));
  return w.bytes();
}

}  // namespace sipsleuth::bench
