#pragma once
// Looking up the problem's dimensions and tensors by name from YAML, with the error naming
// the place and the valid names. Shared by the mapping and constraint parsers.

#include <functional>
#include <string>

#include "input/node_reader.hpp"
#include "workload/workload.hpp"

namespace qloop::input {

DimensionId require_dimension(const NodeReader& where, const Workload& workload, const std::string& name);
DataSpaceId require_data_space(const NodeReader& where, const Workload& workload, const std::string& name);

// The `keep:` and `bypass:` lists of a directive: calls `set(tensor, keep)` for each entry.
void parse_keep_bypass(const NodeReader& directive, const Workload& workload,
                       const std::function<void(DataSpaceId, bool)>& set);

}  // namespace qloop::input
