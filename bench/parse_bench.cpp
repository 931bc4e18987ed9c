// Per-stage micro-benchmarks (bytes/s and messages/s). Each benchmark checks
// its result once before timing, so a broken parser cannot look fast.
#include <benchmark/benchmark.h>

#include <string>

#include "formats/reader.hpp"
#include "io/input.hpp"
#include "model/trace.hpp"
#include "sip/message.hpp"
#include "support/pcap_writer.hpp"

namespace {

using namespace sipsleuth;

std::string sip_message(int i, bool request) {
  std::string id = "call-" + std::to_string(i / 4);
  std::string start = request ? "INVITE sip:bob@example.com SIP/2.0" : "SIP/2.0 180 Ringing";
  return start + "\r\nVia: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK" + std::to_string(i) +
         "\r\nFrom: <sip:alice@example.com>;tag=a" + std::to_string(i / 4) + ";epid=1488039028\r\n"
         "To: <sip:bob@example.com>" + (request ? "" : ";tag=b1;epid=2798f0b3cc") + "\r\nCall-ID: " + id +
         "\r\nCSeq: 1 INVITE\r\nUser-Agent: UCCAPI/16.0 OC/16.0 (Skype for Business)\r\n"
         "Content-Length: 0\r\n\r\n";
}

std::string client_log(int messages) {
  std::string log;
  for (int i = 0; i < messages; ++i) {
    bool request = i % 2 == 0;
    std::string marker = request ? "Sending Packet - 10.0.0.2:5061 (From Local Address: 10.0.0.1:5061) 400 bytes"
                                 : "Data Received - 10.0.0.2:5061 (To Local Address: 10.0.0.1:5061) 400 bytes";
    log += "01/05/2010|14:00:47.889 418:D8 INFO  :: " + marker + ":\r\n" + sip_message(i, request);
    log += "01/05/2010|14:00:47.889 418:D8 INFO  :: End of " + marker + "\r\n";
    log += "01/05/2010|14:00:47.890 418:D8 INFO  :: CUccSession::Unrelated trace line\r\n";
  }
  return log;
}

std::string server_log(int messages) {
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

std::string capture(int messages) {
  testing::PcapWriter w;
  for (int i = 0; i < messages; ++i) w.udp(1000 + i * 0.01, {"10.0.0.1", 5060}, {"10.0.0.2", 5060}, sip_message(i, i % 2 == 0));
  return w.bytes();
}

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
  run_reader(state, client_log(static_cast<int>(state.range(0))), formats::read_client_log);
}
void BM_ServerLogSplit(benchmark::State& state) {
  run_reader(state, server_log(static_cast<int>(state.range(0))), formats::read_server_log);
}
void BM_PcapSplit(benchmark::State& state) {
  run_reader(state, capture(static_cast<int>(state.range(0))), formats::read_pcap);
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

void BM_GroupIntoCalls(benchmark::State& state) {
  std::string log = client_log(static_cast<int>(state.range(0)));
  auto load = [&] {
    io::OpenedInputs opened;
    opened.inputs.push_back(io::Input{"bench", io::make_owned_buffer(log), false, false, "bench"});
    return model::load(std::move(opened));
  };
  if (load().calls.size() != static_cast<std::size_t>(state.range(0) / 4)) {
    state.SkipWithError("wrong number of calls");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(load());
  state.SetBytesProcessed(static_cast<std::int64_t>(log.size()) * state.iterations());
  state.SetItemsProcessed(state.range(0) * state.iterations());
}

BENCHMARK(BM_ClientLogSplit)->Arg(10000);
BENCHMARK(BM_ServerLogSplit)->Arg(10000);
BENCHMARK(BM_PcapSplit)->Arg(10000);
BENCHMARK(BM_HeaderIndex);
BENCHMARK(BM_GroupIntoCalls)->Arg(10000);

}  // namespace

BENCHMARK_MAIN();
