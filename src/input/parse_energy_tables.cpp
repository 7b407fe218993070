#include "input/parse_energy_tables.hpp"

#include <algorithm>

namespace qloop::input {

std::string component_base_name(const std::string& path) {
  std::string name = path;
  if (!name.empty() && name.back() == ']') {
    auto open = name.rfind('[');
    if (open != std::string::npos) name = name.substr(0, open);
  }
  auto dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

namespace {

double largest_energy(const NodeReader& variants) {
  double largest = 0;
  if (variants.is_sequence()) {
    for (const auto& variant : variants.items()) {
      if (auto energy = variant.find("energy")) largest = std::max(largest, energy->as_double());
    }
  } else if (auto energy = variants.find("energy")) {
    largest = energy->as_double();
  }
  return largest;
}

void add_action(EnergyTables& tables, const std::string& component, const std::string& action, double energy) {
  auto& actions = tables.energy_pJ[component_base_name(component)];
  auto [it, inserted] = actions.emplace(action, energy);
  if (!inserted) it->second = std::max(it->second, energy);
}

}  // namespace

void parse_ert(const NodeReader& ert, EnergyTables& tables) {
  ert.allow_only({"version", "tables"});
  auto table = ert.at("tables");
  if (table.is_sequence()) {  // v0.3: [{name, actions: [{name, arguments, energy}]}]
    for (const auto& component : table.items()) {
      component.allow_only({"name", "actions"});
      auto name = component.at("name").as_string();
      for (const auto& action : component.at("actions").items()) {
        action.allow_only({"name", "arguments", "energy"});
        add_action(tables, name, action.at("name").as_string(), action.at("energy").as_double());
      }
    }
  } else {  // v0.2: {component: {action: [variants] | {energy}}}
    table.expect_map();
    for (const auto& name : table.keys()) {
      auto component = table.at(name);
      for (const auto& action : component.keys())
        add_action(tables, name, action, largest_energy(component.at(action)));
    }
  }
}

void parse_art(const NodeReader& art, EnergyTables& tables) {
  art.allow_only({"version", "tables"});
  auto table = art.at("tables");
  if (table.is_sequence()) {
    for (const auto& component : table.items()) {
      component.allow_only({"name", "area"});
      tables.area_um2[component_base_name(component.at("name").as_string())] = component.at("area").as_double();
    }
  } else {
    table.expect_map();
    for (const auto& name : table.keys()) {
      auto entry = table.at(name);
      double area = entry.is_map() ? entry.at("area").as_double() : entry.as_double();
      tables.area_um2[component_base_name(name)] = area;
    }
  }
}

}  // namespace qloop::input
