// Writes classic pcap files (Ethernet, IPv4/IPv6, UDP/TCP) for tests and for
// the bundled sample capture. Checksums are left zero: readers of SIP
// captures (sipsleuth, tshark) do not require them.
#pragma once

#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>
#include <string_view>

namespace sipsleuth::testing {

class PcapWriter {
 public:
  PcapWriter() {
    put32(0xa1b2c3d4);
    put16(2);
    put16(4);
    put32(0);
    put32(0);
    put32(65535);
    put32(1);  // LINKTYPE_ETHERNET
  }

  struct Endpoint {
    std::string ip;  // dotted IPv4 or IPv6 text
    std::uint16_t port;
  };

  void udp(double time, const Endpoint& src, const Endpoint& dst, std::string_view payload) {
    std::string l4;
    put16(l4, src.port);
    put16(l4, dst.port);
    put16(l4, static_cast<std::uint16_t>(8 + payload.size()));
    put16(l4, 0);
    l4.append(payload);
    ip_packet(time, src.ip, dst.ip, 17, l4);
  }

  enum Flags : std::uint8_t { kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10 };

  void tcp(double time, const Endpoint& src, const Endpoint& dst, std::uint32_t seq, std::uint8_t flags,
           std::string_view payload = {}) {
    std::string l4;
    put16(l4, src.port);
    put16(l4, dst.port);
    put32(l4, seq);
    put32(l4, 1);
    l4.push_back(static_cast<char>(5 << 4));
    l4.push_back(static_cast<char>(flags));
    put16(l4, 65535);
    put16(l4, 0);
    put16(l4, 0);
    l4.append(payload);
    ip_packet(time, src.ip, dst.ip, 6, l4);
  }

  // Appends a packet record whose captured length claims more bytes than the
  // file holds: a capture cut off in the middle of its last packet.
  void truncated_tail(double time, std::size_t claimed, std::string_view present) {
    record_header(time, static_cast<std::uint32_t>(claimed), static_cast<std::uint32_t>(claimed));
    data_.append(present);
  }

  const std::string& bytes() const { return data_; }
  // Hands over what was written so far and starts empty: for captures too
  // large to hold (the benchmark generator's).
  std::string take() { return std::exchange(data_, std::string()); }
  void save(const std::string& path) const {
    std::ofstream out(path, std::ios::binary);
    out.write(data_.data(), static_cast<std::streamsize>(data_.size()));
  }

 private:
  void ip_packet(double time, const std::string& src, const std::string& dst, std::uint8_t protocol,
                 const std::string& l4) {
    std::string frame(12, '\0');
    frame[0] = 0x00; frame[5] = 0x01; frame[6] = 0x00; frame[11] = 0x02;
    unsigned char a[16], b[16];
    if (inet_pton(AF_INET, src.c_str(), a) == 1 && inet_pton(AF_INET, dst.c_str(), b) == 1) {
      put16(frame, 0x0800);
      frame.push_back(0x45);
      frame.push_back(0);
      put16(frame, static_cast<std::uint16_t>(20 + l4.size()));
      put16(frame, ++ip_id_);
      put16(frame, 0x4000);
      frame.push_back(64);
      frame.push_back(static_cast<char>(protocol));
      put16(frame, 0);
      frame.append(reinterpret_cast<char*>(a), 4);
      frame.append(reinterpret_cast<char*>(b), 4);
    } else {
      inet_pton(AF_INET6, src.c_str(), a);
      inet_pton(AF_INET6, dst.c_str(), b);
      put16(frame, 0x86dd);
      put32(frame, 0x60000000);
      put16(frame, static_cast<std::uint16_t>(l4.size()));
      frame.push_back(static_cast<char>(protocol));
      frame.push_back(64);
      frame.append(reinterpret_cast<char*>(a), 16);
      frame.append(reinterpret_cast<char*>(b), 16);
    }
    frame.append(l4);
    record_header(time, static_cast<std::uint32_t>(frame.size()), static_cast<std::uint32_t>(frame.size()));
    data_.append(frame);
  }

  void record_header(double time, std::uint32_t caplen, std::uint32_t len) {
    auto seconds = static_cast<std::uint32_t>(time);
    auto micros = static_cast<std::uint32_t>((time - seconds) * 1e6 + 0.5);
    put32(seconds);
    put32(micros);
    put32(caplen);
    put32(len);
  }

  // File header and record headers are little-endian; network fields big-endian.
  void put16(std::uint16_t v) { data_.append(reinterpret_cast<const char*>(&v), 2); }
  void put32(std::uint32_t v) { data_.append(reinterpret_cast<const char*>(&v), 4); }
  static void put16(std::string& s, std::uint16_t v) {
    s.push_back(static_cast<char>(v >> 8));
    s.push_back(static_cast<char>(v & 0xff));
  }
  static void put32(std::string& s, std::uint32_t v) {
    put16(s, static_cast<std::uint16_t>(v >> 16));
    put16(s, static_cast<std::uint16_t>(v & 0xffff));
  }

  std::string data_;
  std::uint16_t ip_id_ = 0;
};

}  // namespace sipsleuth::testing
