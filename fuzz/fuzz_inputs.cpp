// libFuzzer target: any text as the merged YAML inputs of `qloop model` (architecture,
// problem, mapping, ERT, ...). Reading may refuse the text only with an InputError; what it
// accepts must evaluate without a crash, a sanitizer report or an exception.
#include <cstddef>
#include <cstdint>
#include <string>

#include "input/load_inputs.hpp"
#include "input/yaml_document.hpp"
#include "model/evaluate.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  qloop::input::ModelInputs inputs;
  try {
    inputs = qloop::input::load_model_inputs({qloop::input::inline_source("fuzz", text)});
  } catch (const qloop::InputError&) {
    return 0;  // refused with a message: the contract
  }
  auto result = qloop::evaluate(inputs.architecture, inputs.workload, inputs.mapping);
  (void)result;
  return 0;
}
