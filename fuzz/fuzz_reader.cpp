// Feeds arbitrary bytes to one format reader (chosen at build time with
// SIPSLEUTH_FUZZ_READER) and parses every message it finds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/reader.hpp"
#include "sip/message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto result = sipsleuth::formats::SIPSLEUTH_FUZZ_READER(bytes);
  for (const auto& record : result.messages) {
    auto message = sipsleuth::sip::Message::parse(record.parts);
    (void)message.cseq_number();
  }
  return 0;
}
