// Writes samples/trunk-capture.pcap: a SIP trunk capture with a UDP call that
// is cancelled (with a retransmitted INVITE) and a TCP call whose INVITE spans
// two segments, whose 100 and 180 share one segment, and whose 200 OK is
// retransmitted at the TCP level.
#include <cstdio>
#include <string>

#include "support/pcap_writer.hpp"
#include "support/text.hpp"

using sipsleuth::testing::crlf;
using sipsleuth::testing::PcapWriter;

namespace {

std::string with_length(std::string head, const std::string& body) {
  head += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return head;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_sample_pcap OUTPUT.pcap\n");
    return 2;
  }
  PcapWriter pcap;
  PcapWriter::Endpoint sbc{"192.0.2.10", 5060}, mediation{"198.51.100.20", 5060};
  PcapWriter::Endpoint sbc_tcp{"192.0.2.10", 5068}, med_tcp{"198.51.100.20", 5068};
  const double t0 = 1700000000.0;

  std::string sdp = crlf("v=0\no=- 1 1 IN IP4 192.0.2.10\ns=-\nc=IN IP4 192.0.2.10\nt=0 0\nm=audio 40000 RTP/AVP 0 8 101\na=rtpmap:101 telephone-event/8000\n");
  std::string invite = with_length(crlf(
      "INVITE sip:+14255550100@198.51.100.20;user=phone SIP/2.0\n"
      "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKudp1\n"
      "Max-Forwards: 70\n"
      "From: \"PSTN Caller\" <sip:+12065550123@192.0.2.10;user=phone>;tag=sbc-7731\n"
      "To: <sip:+14255550100@contoso.com;user=phone>\n"
      "Call-ID: trunk-udp-0001@192.0.2.10\n"
      "CSeq: 101 INVITE\n"
      "Contact: <sip:+12065550123@192.0.2.10:5060>\n"
      "User-Agent: ExampleSBC/7.2\n"
      "Content-Type: application/sdp\n"), sdp);
  pcap.udp(t0 + 0.000, sbc, mediation, invite);
  pcap.udp(t0 + 0.500, sbc, mediation, invite);  // retransmission (Timer A)
  auto response = [&](const std::string& status, const std::string& to_tag, const std::string& cseq) {
    return with_length(crlf("SIP/2.0 " + status + "\n"
                            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKudp1\n"
                            "From: \"PSTN Caller\" <sip:+12065550123@192.0.2.10;user=phone>;tag=sbc-7731\n"
                            "To: <sip:+14255550100@contoso.com;user=phone>" + to_tag + "\n"
                            "Call-ID: trunk-udp-0001@192.0.2.10\n"
                            "CSeq: " + cseq + "\n"
                            "Server: RTCC/5.0.0.0 MediationServer\n"), "");
  };
  pcap.udp(t0 + 0.520, mediation, sbc, response("100 Trying", "", "101 INVITE"));
  pcap.udp(t0 + 1.800, mediation, sbc, response("180 Ringing", ";tag=med-51", "101 INVITE"));
  pcap.udp(t0 + 9.100, sbc, mediation, with_length(crlf(
      "CANCEL sip:+14255550100@198.51.100.20;user=phone SIP/2.0\n"
      "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKudp1\n"
      "Max-Forwards: 70\n"
      "From: \"PSTN Caller\" <sip:+12065550123@192.0.2.10;user=phone>;tag=sbc-7731\n"
      "To: <sip:+14255550100@contoso.com;user=phone>\n"
      "Call-ID: trunk-udp-0001@192.0.2.10\n"
      "CSeq: 101 CANCEL\n"), ""));
  pcap.udp(t0 + 9.120, mediation, sbc, response("200 OK", ";tag=med-51", "101 CANCEL"));
  pcap.udp(t0 + 9.130, mediation, sbc, response("487 Request Terminated", ";tag=med-51", "101 INVITE"));

  // TCP call: handshake, INVITE over two segments, 100+180 in one segment.
  std::uint32_t a = 1000, b = 5000;
  pcap.tcp(t0 + 20.000, sbc_tcp, med_tcp, a, PcapWriter::kSyn);
  pcap.tcp(t0 + 20.001, med_tcp, sbc_tcp, b, PcapWriter::kSyn | PcapWriter::kAck);
  ++a;
  ++b;
  std::string tcp_invite = with_length(crlf(
      "INVITE sip:+14255550111@198.51.100.20:5068;transport=tcp;user=phone SIP/2.0\n"
      "Via: SIP/2.0/TCP 192.0.2.10:5068;branch=z9hG4bKtcp1\n"
      "Max-Forwards: 70\n"
      "From: <sip:+12065550124@192.0.2.10;user=phone>;tag=sbc-8842\n"
      "To: <sip:+14255550111@contoso.com;user=phone>\n"
      "Call-ID: trunk-tcp-0002@192.0.2.10\n"
      "CSeq: 7 INVITE\n"
      "Contact: <sip:+12065550124@192.0.2.10:5068;transport=tcp>\n"
      "User-Agent: ExampleSBC/7.2\n"
      "Content-Type: application/sdp\n"), sdp);
  std::size_t half = tcp_invite.size() / 2;
  pcap.tcp(t0 + 20.010, sbc_tcp, med_tcp, a, PcapWriter::kAck | PcapWriter::kPsh, tcp_invite.substr(0, half));
  pcap.tcp(t0 + 20.011, sbc_tcp, med_tcp, a + static_cast<std::uint32_t>(half), PcapWriter::kAck | PcapWriter::kPsh,
           tcp_invite.substr(half));
  a += static_cast<std::uint32_t>(tcp_invite.size());
  auto tcp_response = [&](const std::string& status, const std::string& to_tag, const std::string& body) {
    std::string head = crlf("SIP/2.0 " + status + "\n"
                            "Via: SIP/2.0/TCP 192.0.2.10:5068;branch=z9hG4bKtcp1\n"
                            "From: <sip:+12065550124@192.0.2.10;user=phone>;tag=sbc-8842\n"
                            "To: <sip:+14255550111@contoso.com;user=phone>" + to_tag + "\n"
                            "Call-ID: trunk-tcp-0002@192.0.2.10\n"
                            "CSeq: 7 INVITE\n"
                            "Server: RTCC/5.0.0.0 MediationServer\n") +
                       (body.empty() ? "" : "Content-Type: application/sdp\r\n");
    return with_length(head, body);
  };
  std::string two = tcp_response("100 Trying", "", "") + tcp_response("180 Ringing", ";tag=med-77", "");
  pcap.tcp(t0 + 20.050, med_tcp, sbc_tcp, b, PcapWriter::kAck | PcapWriter::kPsh, two);
  b += static_cast<std::uint32_t>(two.size());
  std::string ok = tcp_response("200 OK", ";tag=med-77", sdp);
  pcap.tcp(t0 + 24.300, med_tcp, sbc_tcp, b, PcapWriter::kAck | PcapWriter::kPsh, ok);
  pcap.tcp(t0 + 24.700, med_tcp, sbc_tcp, b, PcapWriter::kAck | PcapWriter::kPsh, ok);  // TCP retransmission
  b += static_cast<std::uint32_t>(ok.size());
  std::string ack = with_length(crlf(
      "ACK sip:+14255550111@198.51.100.20:5068;transport=tcp SIP/2.0\n"
      "Via: SIP/2.0/TCP 192.0.2.10:5068;branch=z9hG4bKtcp2\n"
      "Max-Forwards: 70\n"
      "From: <sip:+12065550124@192.0.2.10;user=phone>;tag=sbc-8842\n"
      "To: <sip:+14255550111@contoso.com;user=phone>;tag=med-77\n"
      "Call-ID: trunk-tcp-0002@192.0.2.10\n"
      "CSeq: 7 ACK\n"), "");
  pcap.tcp(t0 + 24.720, sbc_tcp, med_tcp, a, PcapWriter::kAck | PcapWriter::kPsh, ack);
  a += static_cast<std::uint32_t>(ack.size());
  std::string bye = with_length(crlf(
      "BYE sip:+14255550111@198.51.100.20:5068;transport=tcp SIP/2.0\n"
      "Via: SIP/2.0/TCP 192.0.2.10:5068;branch=z9hG4bKtcp3\n"
      "Max-Forwards: 70\n"
      "From: <sip:+12065550124@192.0.2.10;user=phone>;tag=sbc-8842\n"
      "To: <sip:+14255550111@contoso.com;user=phone>;tag=med-77\n"
      "Call-ID: trunk-tcp-0002@192.0.2.10\n"
      "CSeq: 8 BYE\n"
      "Reason: Q.850;cause=16;text=\"Normal call clearing\"\n"), "");
  pcap.tcp(t0 + 84.720, sbc_tcp, med_tcp, a, PcapWriter::kAck | PcapWriter::kPsh, bye);
  std::string bye_ok = crlf("SIP/2.0 200 OK\n"
                            "Via: SIP/2.0/TCP 192.0.2.10:5068;branch=z9hG4bKtcp3\n"
                            "From: <sip:+12065550124@192.0.2.10;user=phone>;tag=sbc-8842\n"
                            "To: <sip:+14255550111@contoso.com;user=phone>;tag=med-77\n"
                            "Call-ID: trunk-tcp-0002@192.0.2.10\n"
                            "CSeq: 8 BYE\n"
                            "Content-Length: 0\n\n");
  pcap.tcp(t0 + 84.740, med_tcp, sbc_tcp, b, PcapWriter::kAck | PcapWriter::kPsh, bye_ok);
  pcap.save(argv[1]);
  return 0;
}
