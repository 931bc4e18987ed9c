// Per-direction TCP stream reassembly for SIP: several messages in one
// segment, one message over many segments (framed by Content-Length),
// retransmitted bytes counted once, out-of-order segments held until the gap
// fills. Streams that do not carry SIP are recognised early and not buffered.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "formats/record.hpp"

namespace sipsleuth::formats {

// One direction of a TCP connection, compared by its endpoints. Their text
// ("ip:port") is the reader's, which lives as long as its ReadResult: a key
// is made for every packet, and copying the text each time cost more than
// reassembling. A key given without its text is named when its stream is
// first seen (TcpReassembler's NameEndpoint), so that a packet of a stream
// already known looks nothing up but the stream.
struct StreamKey {
  NetEndpoint source, destination;
  std::string_view source_text, destination_text;
  bool operator==(const StreamKey& other) const {
    return source == other.source && destination == other.destination;
  }
};

struct StreamKeyHash {
  std::size_t operator()(const StreamKey& k) const { return k.source.hash() * 31 + k.destination.hash(); }
};

struct TcpSegment {
  std::uint32_t seq = 0;
  bool syn = false, fin = false, rst = false;
  std::string_view payload;
  std::string_view payload_in_input;  // the same bytes in the input itself, when the reader found them there
  NetEndpoint source, destination;
  Timestamp time;
  Location location;
};

class TcpReassembler {
 public:
  // Called for every complete SIP message; `text` lives as long as the ReadResult.
  // `packets`: the capture's packet numbers of the segments that carried the message.
  // `pieces`: with `pieces_not_copies`, a message rebuilt from several
  // segments that all lie in the input is not copied: `pieces` are where its
  // bytes lie there, in order, and `text` lives only during the call.
  // `call_id`: where the Call-ID lies in `text`, found while framing it, as
  // SipRecord::call_id has it.
  using Sink = std::function<void(const StreamKey&, std::string_view text, const TcpSegment& completing,
                                  std::vector<sip::ParseIssue> issues, std::vector<std::uint32_t> packets,
                                  std::vector<std::string_view> pieces, std::optional<TextPlace> call_id)>;

  // An endpoint's text, for a key given without it.
  using NameEndpoint = std::function<std::string_view(const NetEndpoint&)>;

  TcpReassembler(ReadResult& result, Sink sink, NameEndpoint name_endpoint, bool pieces_not_copies = false)
      : result_(result),
        sink_(std::move(sink)),
        name_endpoint_(std::move(name_endpoint)),
        pieces_not_copies_(pieces_not_copies) {}
  void add(const StreamKey& key, const TcpSegment& segment);
  // Emits what is left in every stream at the end of the capture.
  void finish();

 private:
  enum class Kind : std::uint8_t { undecided, sip, websocket, other };
  struct Appended {
    std::size_t at = 0, size = 0;  // in the stream's buffer
    std::string_view in_input;
  };
  // A segment that came before the data ahead of it: its bytes, and where
  // and when it was seen.
  struct Held {
    std::string data;
    Timestamp time;
    Location location;
  };
  struct Stream {
    Kind kind = Kind::undecided;
    bool have_seq = false;
    std::uint32_t next_seq = 0;
    std::string buffer;
    std::size_t consumed = 0;  // bytes of buffer already emitted
    std::map<std::uint32_t, Held> pending;  // out-of-order segments by seq
    std::size_t pending_bytes = 0;
    std::uint64_t undecided_bytes = 0;
    TcpSegment last;
    bool websocket_upgrade_seen = false;
    std::vector<std::uint32_t> packets;  // segments since the last message boundary
    // Each append to `buffer` since the last compaction, and where its bytes
    // lie in the input (empty when they do not: held out of order, or
    // rebuilt from IP fragments). A message inside one append is taken from
    // the input rather than copied; most messages fit in one segment.
    std::vector<Appended> appends;
  };

  // The message at buffer[begin, begin + size): a view into the input when
  // it lies there whole; else, with pieces_not_copies_ and every byte in the
  // input, a view into `buffer` and the `pieces` of the input; else a copy
  // kept by the ReadResult.
  std::string_view keep(const Stream& s, std::size_t begin, std::size_t size, std::vector<std::string_view>& pieces);

  // Hands one message to the sink with the packets that carried it (none
  // when only `segment` did); with `next_starts_here`, the next message
  // starts in `segment` too, and counts it among its own.
  void emit(const StreamKey& key, Stream& s, std::string_view text, const TcpSegment& segment, bool next_starts_here,
            std::vector<sip::ParseIssue> issues, std::optional<TextPlace> call_id,
            std::vector<std::string_view> pieces = {});
  // keep() and emit() of buffer[begin, begin + size).
  void emit_buffered(const StreamKey& key, Stream& s, std::size_t begin, std::size_t size, const TcpSegment& segment,
                     std::vector<sip::ParseIssue> issues, std::optional<TextPlace> call_id);

  void append(const StreamKey& key, Stream& s, std::string_view bytes, const TcpSegment& segment);
  void extract(const StreamKey& key, Stream& s, const TcpSegment& segment, bool at_end);
  // Frames the SIP messages in `data` from `consumed` on, giving each one's
  // range in `data` to `emit_range(begin, size, issues, call_id)` and moving
  // `consumed` past it; at the end of the stream, also what is left.
  template <typename EmitRange>
  void frame_messages(const StreamKey& key, Stream& s, std::string_view data, std::size_t& consumed,
                      const TcpSegment& segment, bool at_end, EmitRange&& emit_range);
  void extract_websocket(const StreamKey& key, Stream& s, const TcpSegment& segment);
  void compact(Stream& s);
  void report_gap(const StreamKey& key, const Location& where);
  // Gives up on the data missing before the first held segment: what is
  // buffered goes, and the stream goes on from that segment.
  void resume_after_gap(Stream& s);
  // Appends the held segments that now follow on, as carried by `filling`
  // (the segment that filled the gap), or else by their own packets.
  void drain_pending(const StreamKey& key, Stream& s, const TcpSegment* filling);

  ReadResult& result_;
  Sink sink_;
  NameEndpoint name_endpoint_;
  bool pieces_not_copies_ = false;
  std::unordered_map<StreamKey, Stream, StreamKeyHash> streams_;
};

}  // namespace sipsleuth::formats
