// Writes samples/seed003-edge.pcap: the capture on the contoso.com Edge from
// seed 003 (desktop sharing between federated users fails). The internal
// client reaches the Edge's internal A/V interface on TCP 443, but the Edge's
// external interface (10.3.0.40, NATed to 2.2.2.2) gets RST for each of three
// SYNs to the fabrikam.com Edge's relay 1.1.1.1:50704. Packet numbers and
// times are the seed's; unrelated traffic fills the gaps between them.
#include <cstdio>
#include <ctime>
#include <string>

#include "support/pcap_writer.hpp"

using sipsleuth::testing::PcapWriter;

namespace {

// 2012-12-10 10:43:00 UTC plus `seconds`.
double at(double seconds) {
  std::tm tm{};
  tm.tm_year = 2012 - 1900;
  tm.tm_mon = 11;
  tm.tm_mday = 10;
  tm.tm_hour = 10;
  tm.tm_min = 43;
  return static_cast<double>(timegm(&tm)) + seconds;
}

class Capture {
 public:
  // Unrelated DNS and NTP chatter until the next packet gets number `packet`.
  void fill_until(unsigned packet, double time) {
    while (written_ + 1 < packet) {
      bool dns = written_ % 2 == 0;
      pcap_.udp(time - 0.0005, {"10.3.0.34", static_cast<std::uint16_t>(dns ? 53000 : 123)},
                {dns ? "10.3.0.2" : "10.3.0.3", static_cast<std::uint16_t>(dns ? 53 : 123)}, std::string(48, '\x11'));
      ++written_;
    }
  }
  void tcp(unsigned packet, double time, const PcapWriter::Endpoint& src, const PcapWriter::Endpoint& dst,
           std::uint32_t seq, std::uint8_t flags, std::string_view payload = {}) {
    fill_until(packet, time);
    pcap_.tcp(time, src, dst, seq, flags, payload);
    ++written_;
  }
  void save(const std::string& path) const { pcap_.save(path); }

 private:
  PcapWriter pcap_;
  unsigned written_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_edge_capture OUTPUT.pcap\n");
    return 2;
  }
  using F = PcapWriter;
  Capture c;
  const PcapWriter::Endpoint client{"10.98.2.1", 13211}, edge_internal{"10.3.0.34", 443};
  const PcapWriter::Endpoint edge_external{"10.3.0.40", 58138}, remote_relay{"1.1.1.1", 50704};
  const std::string tls(96, '\x17');

  // Flow 1: the client to the Edge's internal interface, TCP 443: connects.
  c.tcp(344, at(49.130), client, edge_internal, 2226089608u, F::kSyn);
  c.tcp(345, at(49.130), edge_internal, client, 3794450141u, F::kSyn | F::kAck);
  c.tcp(346, at(49.131), client, edge_internal, 2226089609u, F::kAck);
  c.tcp(347, at(49.181), client, edge_internal, 2226089609u, F::kPsh | F::kAck, tls);
  c.tcp(348, at(49.181), edge_internal, client, 3794450142u, F::kPsh | F::kAck, tls);
  c.tcp(358, at(49.480), client, edge_internal, 2226089969u, F::kAck);
  c.tcp(420, at(53.067), client, edge_internal, 2226089969u, F::kPsh | F::kAck, tls);

  // Flow 2: the Edge's external interface to the remote Edge's relay: refused, three times.
  c.tcp(1299, at(59.456), edge_external, remote_relay, 3074395695u, F::kSyn);
  c.tcp(1300, at(59.499), remote_relay, edge_external, 0, F::kRst | F::kAck);
  c.tcp(1353, at(60.002), edge_external, remote_relay, 3074395695u, F::kSyn);
  c.tcp(1356, at(60.044), remote_relay, edge_external, 0, F::kRst | F::kAck);
  c.tcp(1360, at(60.548), edge_external, remote_relay, 3074395695u, F::kSyn);
  c.tcp(1361, at(60.590), remote_relay, edge_external, 0, F::kRst | F::kAck);
  c.fill_until(1400, at(61.0));
  c.save(argv[1]);
  return 0;
}
