#include "app/convert_command.hpp"

#include <fmt/format.h>

#include "input/convert_inputs.hpp"
#include "util/error.hpp"

namespace qloop::app {

std::string run_convert(const std::vector<std::string>& sources, const std::string& to, const RunControl& control) {
  input::ConvertedInputs converted;
  if (to == "v0.4" || to == "0.4") {
    converted = input::convert_to_v04(sources);
  } else if (to == "v0.3" || to == "0.3") {
    converted = input::convert_to_v03(sources);
  } else {
    throw InputError("", "--to", 0, fmt::format("'{}': convert writes v0.4 (nodes) or v0.3 (the tree form)", to));
  }
  if (control.note) {
    for (const auto& note : converted.notes) control.note(note);
  }
  return converted.yaml;
}

Output convert_output(const std::vector<std::string>& sources, const std::string& to, const std::filesystem::path& file,
                      const RunControl& control) {
  Output out;
  out.files = {{file, run_convert(sources, to, control)}};
  out.summary = fmt::format("Wrote the inputs as {} to {}\n", to, file.string());
  return out;
}

}  // namespace qloop::app
