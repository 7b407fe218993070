#include "input/convert_inputs.hpp"

#include <fmt/format.h>

#include <map>
#include <regex>
#include <set>

#include "input/node_reader.hpp"
#include "input/parse_architecture.hpp"
#include "input/v04_constraints.hpp"
#include "input/v04_front_end.hpp"
#include "input/yaml_document.hpp"
#include "util/error.hpp"

namespace qloop::input {

namespace {

std::string emitted(const YamlDocument& doc, const std::vector<std::string>& order) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  std::set<std::string> done;
  auto put = [&](const std::string& key) {
    auto it = doc.sections.find(key);
    if (it == doc.sections.end() || !done.insert(key).second) return;
    out << YAML::Key << key << YAML::Value << it->second.node;
  };
  for (const auto& key : order) put(key);
  for (const auto& [key, section] : doc.sections) put(key);
  out << YAML::EndMap;
  // yaml-cpp writes a node's local tag verbatim (!<!Container>); Timeloop's front end reads !Container.
  static const std::regex kVerbatim(R"(!<(![A-Za-z]+)>)");
  return std::regex_replace(std::string(out.c_str()), kVerbatim, "$1") + "\n";
}

const std::vector<std::string> kSectionOrder = {
    "architecture", "problem", "mapping", "architecture_constraints", "mapspace_constraints", "mapper",
    "model",        "ERT",     "ART"};

// The counting rules the converted inputs must keep, unless the inputs choose already.
void keep_rules(YamlDocument& doc, const char* rules) {
  auto& model = doc.sections["model"];
  if (!model.node || !model.node.IsMap()) model.node = YAML::Node(YAML::NodeType::Map);
  if (!model.node["counting_rules"]) model.node["counting_rules"] = rules;
}

// A component of the tree with what it inherits, in the order the tree lists them.
struct TreeComponent {
  std::string base, cls, subclass;
  std::vector<std::pair<std::string, YAML::Node>> attributes;
};

void walk_tree(const YAML::Node& node, std::vector<std::pair<std::string, YAML::Node>> inherited,
               std::vector<TreeComponent>& out) {
  static const std::regex kRange(R"(^(.*)\[\s*\d+\s*\.\.\s*\d+\s*\]$)");
  auto merge = [](std::vector<std::pair<std::string, YAML::Node>>& into, const YAML::Node& attributes) {
    if (!attributes || !attributes.IsMap()) return;
    for (const auto& kv : attributes) {
      auto key = kv.first.as<std::string>();
      bool replaced = false;
      for (auto& [k, v] : into) {
        if (normalize_key(k) == normalize_key(key)) v = kv.second, replaced = true;
      }
      if (!replaced) into.emplace_back(key, kv.second);
    }
  };
  merge(inherited, node["attributes"]);
  for (const auto& component : node["local"] ? node["local"] : YAML::Node(YAML::NodeType::Sequence)) {
    TreeComponent c;
    std::smatch match;
    auto name = component["name"].as<std::string>();
    c.base = std::regex_match(name, match, kRange) ? match[1].str() : name;
    c.cls = component["class"].as<std::string>();
    c.subclass = component["subclass"] ? component["subclass"].as<std::string>() : "";
    c.attributes = inherited;
    merge(c.attributes, component["attributes"]);
    out.push_back(c);
  }
  for (const auto& child : node["subtree"] ? node["subtree"] : YAML::Node(YAML::NodeType::Sequence)) {
    walk_tree(child, inherited, out);
  }
}

YAML::Node component_node(const TreeComponent& c) {
  YAML::Node node;
  node.SetTag("!Component");
  node["name"] = c.base;
  node["class"] = c.cls;
  if (!c.subclass.empty()) node["subclass"] = c.subclass;
  YAML::Node attributes(YAML::NodeType::Map);
  for (const auto& [key, value] : c.attributes) {
    auto k = normalize_key(key);
    if (k == "meshX" || k == "meshY" || k == "instances") continue;  // the containers' meshes say it
    attributes[key] = YAML::Clone(value);  // its own copy: no YAML alias where attributes were inherited
  }
  node["attributes"] = attributes;
  return node;
}

// Names the problem gives, for the directives of a mesh level.
V04Problem problem_names(const YamlDocument& doc) {
  V04Problem out;
  auto* problem = doc.find("problem");
  if (!problem) return out;
  auto shape = problem->node["shape"];
  if (!shape) return out;
  for (const auto& d : shape["dimensions"]) out.dimensions.push_back(d.as<std::string>());
  auto spaces = shape["data_spaces"] ? shape["data_spaces"] : shape["data-spaces"];
  for (const auto& ds : spaces) out.data_spaces.push_back(ds["name"].as<std::string>());
  return out;
}

// Spatial skipping acts on a level's spatial loops, which the conversion moves to the mesh
// level below it: carried as written, it would no longer apply. Refused until convert moves it.
void refuse_spatial_skipping_on_meshes(const YamlDocument& doc, const std::map<std::string, std::string>& mesh_of) {
  auto* sparse = doc.find("sparse_optimizations");
  if (!sparse || !sparse->node.IsMap() || !sparse->node["targets"] || !sparse->node["targets"].IsSequence()) return;
  for (const auto& target : sparse->node["targets"]) {
    if (!target.IsMap() || !target["name"] || !target["name"].IsScalar()) continue;
    auto mesh = mesh_of.find(target["name"].Scalar());
    if (mesh == mesh_of.end()) continue;
    for (const char* key : {"action-optimization", "action_optimization"}) {
      if (!target[key] || !target[key].IsSequence()) continue;
      for (const auto& action : target[key]) {
        if (action.IsMap() && action["type"] && action["type"].IsScalar() &&
            normalize_key(action["type"].Scalar()) == "skipping_spatial") {
          throw InputError(sparse->file, "sparse_optimizations.targets", 0,
                           fmt::format("skipping-spatial at {} cannot be converted yet: its spatial loops move to "
                                       "the mesh level {} in v0.4",
                                       target["name"].Scalar(), mesh->second));
        }
      }
    }
  }
}

// The directives of a mapping or constraint section (a list, or {targets: [...]}).
YAML::Node directives_of(YAML::Node section) { return section.IsMap() ? section["targets"] : section; }

// Spatial directives of the level above a mesh go to the mesh level.
void retarget_spatial(YAML::Node list, const std::map<std::string, std::string>& mesh_of) {
  if (!list || !list.IsSequence()) return;
  for (auto directive : list) {
    auto parent = mesh_of.find(directive["target"].as<std::string>());
    auto type = directive["type"] ? directive["type"].as<std::string>() : "";
    if (parent != mesh_of.end() && type == "spatial") directive["target"] = parent->second;
  }
}

}  // namespace

// The YAML library's errors on inputs that are not what convert expects, as InputErrors.
template <typename Convert>
ConvertedInputs guarded(Convert convert) {
  try {
    return convert();
  } catch (const YAML::Exception& e) {
    throw InputError("", "", e.mark.is_null() ? 0 : e.mark.line + 1, "cannot convert these inputs: " + e.msg);
  }
}

ConvertedInputs to_v03(const std::vector<std::string>& sources) {
  ConvertedInputs out;
  auto doc = load_yaml_files(sources);
  if (!is_v04(doc)) {
    throw InputError("", "architecture", 0, "these inputs are already the v0.2/v0.3 tree form; nothing to convert");
  }
  translate_v04(doc, out.notes);
  keep_rules(doc, "timeloop-v4");
  out.yaml = emitted(doc, kSectionOrder);
  return out;
}

ConvertedInputs to_v04(const std::vector<std::string>& sources) {
  ConvertedInputs out;
  auto doc = load_yaml_files(sources);
  if (is_v04(doc)) throw InputError("", "architecture", 0, "these inputs are already a v0.4 specification");
  auto* section = doc.find("architecture");
  if (!section) throw InputError("", "architecture", 0, "no input file has a top-level 'architecture' section");
  auto arch = parse_architecture(NodeReader(section->node, section->file, "architecture"), &out.notes);
  std::vector<TreeComponent> components;
  walk_tree(section->node, {}, components);
  auto find = [&](const std::string& base) -> const TreeComponent& {
    for (const auto& c : components) {
      if (c.base == base) return c;
    }
    throw InputError(section->file, "architecture", 0, fmt::format("no component '{}' in the tree", base));
  };
  YAML::Node nodes(YAML::NodeType::Sequence);
  YAML::Node system;
  system.SetTag("!Container");
  system["name"] = "system";
  nodes.push_back(system);
  std::map<std::string, std::string> mesh_of;  // level above a mesh -> the mesh level
  std::int64_t instances = 1, mesh_x = 1, mesh_y = 1;
  std::string above;
  // A level that keeps nothing named inter_<X>_spatial (what reading a v0.4 design made of a
  // container X with a mesh) becomes that container again.
  static const std::regex kMeshLevel(R"(^inter_(.+)_spatial$)");
  std::string container_again;
  // The container whose mesh spreads what is above over `n` instances (mesh mx x my).
  auto add_container = [&](const std::string& name, const std::string& below, std::int64_t n, std::int64_t mx,
                           std::int64_t my) {
    if (n % instances != 0 || mx % mesh_x != 0 || my % mesh_y != 0) {
      throw InputError(section->file, "architecture", 0,
                       fmt::format("'{}' ({} instances, mesh {} x {}) does not spread the {} above it ({} x {}) "
                                   "evenly: no v0.4 mesh says that",
                                   below, n, mx, my, instances, mesh_x, mesh_y));
    }
    YAML::Node container;
    container.SetTag("!Container");
    container["name"] = name;
    YAML::Node spatial;
    spatial["meshX"] = mx / mesh_x;
    if (my / mesh_y > 1) spatial["meshY"] = my / mesh_y;
    container["spatial"] = spatial;
    nodes.push_back(container);
    instances = n, mesh_x = mx, mesh_y = my;
  };
  auto add = [&](const std::string& base, const std::string& cls, std::int64_t n, std::int64_t mx, std::int64_t my) {
    std::smatch match;
    bool mesh_level = cls == "dummy_storage" && std::regex_match(base, match, kMeshLevel);
    if (!container_again.empty()) {
      add_container(container_again, base, n, mx, my);
      container_again.clear();
    } else if (n != instances) {
      add_container(base + "_array", base, n, mx, my);
      if (!above.empty()) mesh_of[above] = "inter_" + base + "_array_spatial";
    }
    if (mesh_level) {
      container_again = match[1].str();
      return;
    }
    nodes.push_back(component_node(find(base)));
    above = base;
  };
  for (int level = arch.num_storage_levels() - 1; level >= 0; --level) {
    const auto& s = arch.storage[level];
    add(s.name, s.component_class, s.instances, s.mesh_x, s.mesh_y);
  }
  const auto& compute = arch.arithmetic;
  add(compute.name, compute.component_class, compute.instances, compute.mesh_x, compute.mesh_y);
  YAML::Node v04;
  v04["version"] = "0.4";
  v04["nodes"] = nodes;
  doc.sections["architecture"].node = v04;
  auto names = problem_names(doc);
  if (names.data_spaces.empty() && (doc.find("mapping") || !mesh_of.empty())) {
    out.notes.push_back("no problem among the inputs: the mesh levels' directives name no tensor to bypass");
  }
  if (auto it = doc.sections.find("mapping"); it != doc.sections.end()) {
    auto list = directives_of(it->second.node);
    retarget_spatial(list, mesh_of);
    for (const auto& [parent, mesh] : mesh_of) add_mesh_level_directives(list, mesh, names, "datatype");
  }
  for (const char* key : {"architecture_constraints", "mapspace_constraints", "constraints"}) {
    if (auto it = doc.sections.find(key); it != doc.sections.end())
      retarget_spatial(directives_of(it->second.node), mesh_of);
  }
  refuse_spatial_skipping_on_meshes(doc, mesh_of);
  keep_rules(doc, "quantization-fork");
  out.yaml = emitted(doc, kSectionOrder);
  return out;
}

ConvertedInputs convert_to_v03(const std::vector<std::string>& sources) {
  return guarded([&] { return to_v03(sources); });
}

ConvertedInputs convert_to_v04(const std::vector<std::string>& sources) {
  return guarded([&] { return to_v04(sources); });
}

}  // namespace qloop::input
