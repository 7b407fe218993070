#include "input/parse_energy_tables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "input/schema.hpp"

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

// An energy (pJ) or area (um^2): a finite number, not negative.
double amount(const NodeReader& node) {
  double value = node.as_double();
  if (!std::isfinite(value) || value < 0) {
    node.fail(fmt::format("expected a finite number >= 0, got {}", node.node().Scalar()));
  }
  return value;
}

double largest_energy(const NodeReader& variants) {
  double largest = 0;
  if (variants.is_sequence()) {
    for (const auto& variant : variants.items()) {
      if (auto energy = variant.find("energy")) largest = std::max(largest, amount(*energy));
    }
  } else if (auto energy = variants.find("energy")) {
    largest = amount(*energy);
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
  ert.allow_only(schema("energy_tables"));
  auto table = ert.at("tables");
  if (table.is_sequence()) {  // v0.3: [{name, actions: [{name, arguments, energy}]}]
    for (const auto& component : table.items()) {
      component.allow_only(schema("ert.component"));
      auto name = component.at("name").as_string();
      for (const auto& action : component.at("actions").items()) {
        action.allow_only(schema("ert.action"));
        add_action(tables, name, action.at("name").as_string(), amount(action.at("energy")));
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
  art.allow_only(schema("energy_tables"));
  auto table = art.at("tables");
  if (table.is_sequence()) {
    for (const auto& component : table.items()) {
      component.allow_only(schema("art.component"));
      tables.area_um2[component_base_name(component.at("name").as_string())] = amount(component.at("area"));
    }
  } else {
    table.expect_map();
    for (const auto& name : table.keys()) {
      auto entry = table.at(name);
      double area = entry.is_map() ? amount(entry.at("area")) : amount(entry);
      tables.area_um2[component_base_name(name)] = area;
    }
  }
}

}  // namespace qloop::input
