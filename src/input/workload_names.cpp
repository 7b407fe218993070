#include "input/workload_names.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

namespace qloop::input {

DimensionId require_dimension(const NodeReader& where, const Workload& workload, const std::string& name) {
  auto dim = workload.find_dimension(name);
  if (dim < 0) {
    where.fail(fmt::format("'{}' is not a dimension of the problem (dimensions: {})", name,
                           fmt::join(workload.dimension_names, ", ")));
  }
  return dim;
}

DataSpaceId require_data_space(const NodeReader& where, const Workload& workload, const std::string& name) {
  auto id = workload.find_data_space(name);
  if (id < 0) where.fail(fmt::format("'{}' is not a data space of the problem", name));
  return id;
}

void parse_keep_bypass(const NodeReader& directive, const Workload& workload,
                       const std::function<void(DataSpaceId, bool)>& set) {
  std::map<DataSpaceId, std::string> listed;  // where each tensor was named first
  for (auto [key, keep] : {std::pair{"keep", true}, std::pair{"bypass", false}}) {
    auto list = directive.find(key);
    if (!list || list->is_null()) continue;
    for (const auto& item : list->items()) {
      auto ds = require_data_space(item, workload, item.as_string());
      auto [it, first] = listed.emplace(ds, key);
      if (!first) {
        item.fail(it->second == key ? fmt::format("{} lists '{}' twice", key, item.as_string())
                                    : fmt::format("'{}' is both kept and bypassed here; list it under one of them",
                                                  item.as_string()));
      }
      set(ds, keep);
    }
  }
}

}  // namespace qloop::input
