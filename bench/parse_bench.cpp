// Per-stage micro-benchmarks (bytes/s and messages/s). Each benchmark checks
// its result once before timing, so a broken parser cannot look fast.
#include <benchmark/benchmark.h>

#include <string>

#include "formats/reader.hpp"
#include "io/input.hpp"
#include "model/trace.hpp"
#include "sip/message.hpp"
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
  run_reader(state, client_log(static_cast<int>(state.range(0))), formats::read_client_log);
}
void BM_ServerLogSplit(benchmark::State& state) {
  run_reader(state, server_log(static_cast<int>(state.range(0))), formats::read_server_log);
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
