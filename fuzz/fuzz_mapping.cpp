// libFuzzer target: any text as the `mapping:` of the 3-level example (its architecture and
// problem fixed), so the fuzzer spends its time on the mapping parser and the model. Refusals
// are InputErrors; accepted mappings evaluate without a crash or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "input/load_inputs.hpp"
#include "input/yaml_document.hpp"
#include "model/evaluate.hpp"
#include "util/error.hpp"

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string& fixed_inputs() {
  static const std::string text = read(QLOOP_SOURCE_DIR "/examples/alexnet-conv1-3level/arch.yaml") + "\n" +
                                  read(QLOOP_SOURCE_DIR "/examples/alexnet-conv1-3level/problem.yaml");
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string mapping(reinterpret_cast<const char*>(data), size);
  qloop::input::ModelInputs inputs;
  try {
    inputs = qloop::input::load_model_inputs(
        {qloop::input::inline_source("design", fixed_inputs()), qloop::input::inline_source("fuzz", mapping)});
  } catch (const qloop::InputError&) {
    return 0;
  }
  auto result = qloop::evaluate(inputs.architecture, inputs.workload, inputs.mapping);
  (void)result;
  return 0;
}
