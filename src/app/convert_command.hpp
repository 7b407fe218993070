#pragma once
// `qloop convert`: the inputs in the other Timeloop form (v0.2/v0.3 tree <-> v0.4 nodes), as
// one file that gives the same numbers (input/convert_inputs.hpp).

#include <filesystem>
#include <string>
#include <vector>

#include "app/output.hpp"
#include "app/run_control.hpp"

namespace qloop::app {

// The inputs as one YAML text in the form `to`: "v0.4" or "v0.3" (InputError otherwise).
std::string run_convert(const std::vector<std::string>& sources, const std::string& to, const RunControl& control);
// The same, as `file`.
Output convert_output(const std::vector<std::string>& sources, const std::string& to, const std::filesystem::path& file,
                      const RunControl& control);

}  // namespace qloop::app
