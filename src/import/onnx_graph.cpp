#include "import/onnx_graph.hpp"

#include <set>

namespace qloop::onnx_graph {

GraphIndex::GraphIndex(const onnx::GraphProto& graph) {
  for (const auto& init : graph.initializer()) {
    shapes_[init.name()] = {init.dims().begin(), init.dims().end()};
    types_[init.name()] = init.data_type();
    initializer_[init.name()] = true;
  }
  auto add_value = [&](const onnx::ValueInfoProto& v) {
    if (!v.type().has_tensor_type()) return;
    const auto& t = v.type().tensor_type();
    types_.emplace(v.name(), t.elem_type());
    if (!t.has_shape()) return;
    std::vector<std::int64_t> dims;
    std::vector<std::string> names;
    for (const auto& d : t.shape().dim()) {
      dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
      if (d.has_dim_param() && !d.dim_param().empty()) names.push_back(d.dim_param());
    }
    shapes_.emplace(v.name(), dims);
    symbols_.emplace(v.name(), names);
  };
  for (const auto& v : graph.input()) add_value(v);
  for (const auto& v : graph.value_info()) add_value(v);
  for (const auto& v : graph.output()) add_value(v);
  for (const auto& node : graph.node()) {
    for (const auto& out : node.output()) producer_[out] = &node;
  }
}

std::optional<std::vector<std::int64_t>> GraphIndex::shape(const std::string& tensor) const {
  auto it = shapes_.find(tensor);
  if (it == shapes_.end()) return std::nullopt;
  for (auto d : it->second) {
    if (d < 0) return std::nullopt;
  }
  return it->second;
}

std::vector<std::string> GraphIndex::symbols(const std::string& tensor) const {
  auto it = symbols_.find(tensor);
  return it == symbols_.end() ? std::vector<std::string>{} : it->second;
}

int GraphIndex::bits(const std::string& tensor) const {
  if (auto* node = producer(tensor); node && node->op_type() == "DequantizeLinear") {
    return bits_of_type(type(node->input(0)));
  }
  return bits_of_type(type(tensor));
}

int GraphIndex::type(const std::string& tensor) const {
  auto it = types_.find(tensor);
  return it == types_.end() ? 0 : it->second;
}

int GraphIndex::bits_of_type(int type) {
  switch (type) {
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::UINT8:
      return 8;
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::UINT16:
      return 16;
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::UINT32:
      return 32;
    default:
      return 0;
  }
}

bool GraphIndex::constant(const std::string& tensor) const {
  if (initializer_.count(tensor)) return true;
  if (auto it = constant_.find(tensor); it != constant_.end()) return it->second;
  constant_[tensor] = false;  // a cycle (never in a valid graph) counts as computed
  const auto* node = producer(tensor);
  bool all_constant = node != nullptr;
  if (node) {
    for (const auto& input : node->input()) {
      if (!input.empty()) all_constant = all_constant && constant(input);
    }
  }
  return constant_[tensor] = all_constant;
}

const onnx::NodeProto* GraphIndex::producer(const std::string& tensor) const {
  auto it = producer_.find(tensor);
  return it == producer_.end() ? nullptr : it->second;
}

std::vector<std::string> bind_symbolic_dimensions(onnx::GraphProto& graph,
                                                  const std::map<std::string, std::int64_t>& values) {
  std::set<std::string> declared;
  auto bind = [&](onnx::ValueInfoProto& v) {
    if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) return;
    for (auto& d : *v.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim()) {
      if (!d.has_dim_param() || d.dim_param().empty()) continue;
      declared.insert(d.dim_param());
      if (auto it = values.find(d.dim_param()); it != values.end()) d.set_dim_value(it->second);
    }
  };
  for (auto& v : *graph.mutable_input()) bind(v);
  for (auto& v : *graph.mutable_value_info()) bind(v);
  for (auto& v : *graph.mutable_output()) bind(v);
  return {declared.begin(), declared.end()};
}

}  // namespace qloop::onnx_graph
