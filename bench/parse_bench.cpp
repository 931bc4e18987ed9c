// Per-stage micro-benchmarks (bytes/s and messages/s). Each benchmark checks
// its result once before timing, so a broken parser cannot look fast.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <tuple>

#include "formats/reader.hpp"
#include "io/input.hpp"
#include "model/batches.hpp"
#include "model/trace.hpp"
#include "sip/message.hpp"
#include "sip/sdp.hpp"
#include "sip/uri.hpp"
#include "generated_traces.hpp"

namespace {

using namespace sipsleuth;
using namespace sipsleuth::bench;

template <typename Reader>
void run_reader(benchmark::State& state, const std::string& data, Reader reader) {
  const auto expected = static_cast<std::size_t>(state.range(0));
  if (reader(data).messages.size() != expected) {
    state.SkipWithError("reader found the wrong number of messages");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(reader(data));
  state.SetBytesProcessed(static_cast<std::int64_t>(data.size()) * state.iterations());
  state.SetItemsProcessed(static_cast<std::int64_t>(expected) * state.iterations());
}

void BM_ClientLogSplit(benchmark::State& state) {
  run_reader(state, client_log(static_cast<int>(state.range(0))),
             [](std::string_view data) { return formats::read_client_log(data); });
}
void BM_ServerLogSplit(benchmark::State& state) {
  run_reader(state, server_log(static_cast<int>(state.range(0))),
             [](std::string_view data) { return formats::read_server_log(data); });
}
void BM_PcapSplit(benchmark::State& state) {
  run_reader(state, capture(static_cast<int>(state.range(0))),
             [](std::string_view data) { return formats::read_pcap(data); });
}

void BM_HeaderIndex(benchmark::State& state) {
  std::string text = sip_message(1, true);
  auto parts = sip::split_message(text, nullptr).parts;
  if (sip::Message::parse(parts).call_id() != "call-0") {
    state.SkipWithError("header index is wrong");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(sip::Message::parse(parts));
  state.SetBytesProcessed(static_cast<std::int64_t>(text.size()) * state.iterations());
  state.SetItemsProcessed(state.iterations());
}

// The header index as calls are built: framed and parsed in one walk, into
// one message whose index keeps its room.
void BM_FrameAndParse(benchmark::State& state) {
  std::string text = sip_message(1, true);
  sip::Message message;
  sip::SplitResult split;
  message.frame_and_parse_from(text, nullptr, split);
  if (message.call_id() != "call-0" || split.parts.header_block.empty()) {
    state.SkipWithError("header index is wrong");
    return;
  }
  for (auto _ : state) {
    message.frame_and_parse_from(text, nullptr, split);
    benchmark::DoNotOptimize(message);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(text.size()) * state.iterations());
  state.SetItemsProcessed(state.iterations());
}

// Builds the calls of a generated client log of state.range(0) messages
// with `build` (which returns how many calls it built), checking the count
// before timing.
template <typename Build>
void run_call_builder(benchmark::State& state, Build build) {
  std::string log = client_log(static_cast<int>(state.range(0)));
  auto built = [&] {
    io::OpenedInputs opened;
    opened.inputs.push_back(io::Input{"bench", io::make_owned_buffer(log), false, false, "bench"});
    return build(std::move(opened));
  };
  if (built() != static_cast<std::size_t>(state.range(0) / 4)) {
    state.SkipWithError("wrong number of calls");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(built());
  state.SetBytesProcessed(static_cast<std::int64_t>(log.size()) * state.iterations());
  state.SetItemsProcessed(state.range(0) * state.iterations());
}

void BM_GroupIntoCalls(benchmark::State& state) {
  run_call_builder(state, [](io::OpenedInputs opened) { return model::load(std::move(opened)).calls.size(); });
}

// What `calls` does: stubs in a first pass, then every call built 512 at a
// time from its messages read again.
void BM_CallsInBatches(benchmark::State& state) {
  run_call_builder(state, [](io::OpenedInputs opened) {
    model::BatchedTrace batched = model::load_batched(std::move(opened));
    std::size_t calls = 0;
    batched.for_each_batch(512, [&](const model::Trace& batch) { calls += batch.calls.size(); });
    return calls;
  });
}

// A From value as Lync writes it, parsed the way the model reads it:
// name-addr, then the URI inside, then the tag and epid parameters.
void BM_NameAddrAndUri(benchmark::State& state) {
  const std::string value =
      "\"Alice Smith\" <sip:alice.smith@contoso.com;transport=tls;ms-opaque=a1b2c3;ms-received-cid=1D00>"
      ";tag=8f1b0b6f2a;epid=5f3a1c9d77";
  auto parse = [&] {
    auto name_addr = sip::parse_name_addr(value);
    auto uri = sip::parse_uri(name_addr.uri);
    return std::make_tuple(name_addr.display_name, uri.user, uri.host, sip::name_addr_param(value, "tag"),
                           sip::name_addr_param(value, "epid"));
  };
  if (parse() != std::make_tuple(std::string_view("Alice Smith"), std::string_view("alice.smith"),
                                 std::string_view("contoso.com"), std::string_view("8f1b0b6f2a"),
                                 std::string_view("5f3a1c9d77"))) {
    state.SkipWithError("name-addr or URI parsed wrong");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(parse());
  state.SetBytesProcessed(static_cast<std::int64_t>(value.size()) * state.iterations());
  state.SetItemsProcessed(state.iterations());
}

void BM_Via(benchmark::State& state) {
  const std::string value =
      "SIP/2.0/TLS 10.0.0.11:5061;branch=z9hG4bK5F2A0C91.8D3E2B7A1;branched=FALSE;ms-internal-info=\"cj0AAA\","
      "SIP/2.0/TLS 192.168.1.20:50743;received=203.0.113.9;ms-received-port=50743;ms-received-cid=1D00";
  if (sip::parse_via(value).branch() != std::string_view("z9hG4bK5F2A0C91.8D3E2B7A1")) {
    state.SkipWithError("Via parsed wrong");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(sip::parse_via(value).branch());
  state.SetBytesProcessed(static_cast<std::int64_t>(value.size()) * state.iterations());
  state.SetItemsProcessed(state.iterations());
}

// An audio and video offer with ICE candidates (host, srflx, relay) and crypto.
void BM_Sdp(benchmark::State& state) {
  std::string sdp =
      "v=0\r\no=- 0 0 IN IP4 192.168.1.20\r\ns=session\r\nc=IN IP4 192.168.1.20\r\nb=CT:99980\r\nt=0 0\r\n";
  for (const char* media : {"audio 50010 RTP/SAVP 117 104 114 9 112 111 0 8 103 116 115 97 13 118 101",
                            "video 50020 RTP/SAVP 122 121 123"}) {
    sdp += std::string("m=") + media + "\r\n";
    sdp += "a=ice-ufrag:Xg9A\r\na=ice-pwd:pV0nQ1b4pTq0AW4e1cN2Yy3M\r\n";
    for (int c = 1; c <= 2; ++c) {
      sdp += "a=candidate:1 " + std::to_string(c) + " UDP 2130706431 192.168.1.20 " + std::to_string(50010 + c) +
             " typ host \r\n";
      sdp += "a=candidate:2 " + std::to_string(c) + " UDP 1694498815 203.0.113.9 " + std::to_string(50010 + c) +
             " typ srflx raddr 192.168.1.20 rport " + std::to_string(50010 + c) + " \r\n";
      sdp += "a=candidate:3 " + std::to_string(c) + " UDP 16648703 198.51.100.4 " + std::to_string(51010 + c) +
             " typ relay raddr 203.0.113.9 rport " + std::to_string(50010 + c) + " \r\n";
      sdp += "a=candidate:4 " + std::to_string(c) + " TCP-ACT 1684796927 198.51.100.4 " +
             std::to_string(52010 + c) + " typ relay raddr 203.0.113.9 rport " + std::to_string(50010 + c) + " \r\n";
    }
    sdp += "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:bm90IGEgcmVhbCBrZXkgYXQgYWxsIQ|2^31|1:1\r\n";
    sdp += "a=rtcp:50011\r\na=label:main-audio\r\na=rtpmap:117 G722/8000/2\r\na=rtpmap:104 SILK/16000\r\n";
  }
  sip::Sdp parsed = sip::parse_sdp(sdp);
  if (parsed.media.size() != 2 || parsed.media[0].candidates.size() != 8 || !parsed.media[1].has_crypto) {
    state.SkipWithError("SDP parsed wrong");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(sip::parse_sdp(sdp));
  state.SetBytesProcessed(static_cast<std::int64_t>(sdp.size()) * state.iterations());
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_ClientLogSplit)->Arg(10000);
BENCHMARK(BM_ServerLogSplit)->Arg(10000);
BENCHMARK(BM_PcapSplit)->Arg(10000);
BENCHMARK(BM_HeaderIndex);
BENCHMARK(BM_FrameAndParse);
BENCHMARK(BM_NameAddrAndUri);
BENCHMARK(BM_Via);
BENCHMARK(BM_Sdp);
BENCHMARK(BM_GroupIntoCalls)->Arg(10000);
BENCHMARK(BM_CallsInBatches)->Arg(10000);

}  // namespace

BENCHMARK_MAIN();
