// Ladder layout and writers on one 5,000-message call (issue: "laying out
// and writing a 5,000-message call"). Each checks its output once first.
#include <benchmark/benchmark.h>

#include <sstream>

#include "generated_traces.hpp"
#include "io/input.hpp"
#include "render/ladder.hpp"

namespace {

using namespace sipsleuth;

constexpr int kMessages = 5000;

const model::Trace& long_call() {
  static const model::Trace trace = [] {
    io::OpenedInputs opened;
    opened.inputs.push_back(io::Input{"long", io::make_owned_buffer(bench::long_call_log(kMessages)), false, false, "long"});
    return model::load(std::move(opened));
  }();
  return trace;
}

bool one_call_of_all_messages(benchmark::State& state, const model::Trace& trace) {
  if (trace.calls.size() == 1 && trace.calls[0].messages.size() == static_cast<std::size_t>(kMessages)) return true;
  state.SkipWithError("the generated call does not have 5,000 messages");
  return false;
}

void BM_LadderLayout(benchmark::State& state) {
  const auto& trace = long_call();
  if (!one_call_of_all_messages(state, trace)) return;
  if (render::layout_ladder(trace, {0}, {}).rows.size() != static_cast<std::size_t>(kMessages)) {
    state.SkipWithError("layout lost rows");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(render::layout_ladder(trace, {0}, {}));
  state.SetItemsProcessed(static_cast<std::int64_t>(kMessages) * state.iterations());
}

std::size_t occurrences(const std::string& text, std::string_view what) {
  std::size_t found = 0;
  for (std::size_t at = 0; (at = text.find(what, at)) != std::string::npos; at += what.size()) ++found;
  return found;
}

// `arrows` counts the arrows in the writer's output.
template <typename Write, typename CountArrows>
void run_writer(benchmark::State& state, Write write, CountArrows arrows) {
  const auto& trace = long_call();
  if (!one_call_of_all_messages(state, trace)) return;
  auto ladder = render::layout_ladder(trace, {0}, {});
  std::ostringstream check;
  write(check, trace, ladder);
  if (arrows(check.str()) != static_cast<std::size_t>(kMessages)) {
    state.SkipWithError("the writer did not draw one arrow per message");
    return;
  }
  for (auto _ : state) {
    std::ostringstream out;
    write(out, trace, ladder);
    benchmark::DoNotOptimize(out.str().size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(kMessages) * state.iterations());
}

void BM_LadderText(benchmark::State& state) {
  run_writer(state, [](std::ostream& out, const model::Trace& trace, const render::Ladder& ladder) {
    render::write_ladder_text(out, trace, ladder, render::Style{}, {});
  }, [](const std::string& text) { return occurrences(text, "▶") + occurrences(text, "◀"); });
}
void BM_LadderSvg(benchmark::State& state) {
  run_writer(state, [](std::ostream& out, const model::Trace& trace, const render::Ladder& ladder) {
    render::write_ladder_svg(out, trace, ladder);
  }, [](const std::string& text) { return occurrences(text, "<g class=\"msg "); });
}

BENCHMARK(BM_LadderLayout)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LadderText)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LadderSvg)->Unit(benchmark::kMillisecond);

}  // namespace
