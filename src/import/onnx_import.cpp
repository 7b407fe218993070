#include "import/onnx_import.hpp"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <fstream>
#include <optional>
#include <set>

#include "util/error.hpp"

namespace qloop {

namespace {

// Where a tensor's shape and quantization come from.
class GraphIndex {
 public:
  GraphIndex(const onnx::GraphProto& graph) {
    for (const auto& init : graph.initializer()) {
      std::vector<std::int64_t> dims(init.dims().begin(), init.dims().end());
      shapes_[init.name()] = dims;
      types_[init.name()] = init.data_type();
    }
    auto add_value = [&](const onnx::ValueInfoProto& v) {
      if (!v.type().has_tensor_type()) return;
      const auto& t = v.type().tensor_type();
      types_.emplace(v.name(), t.elem_type());
      if (!t.has_shape()) return;
      std::vector<std::int64_t> dims;
      for (const auto& d : t.shape().dim()) dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
      shapes_.emplace(v.name(), dims);
    };
    for (const auto& v : graph.input()) add_value(v);
    for (const auto& v : graph.value_info()) add_value(v);
    for (const auto& v : graph.output()) add_value(v);
    for (const auto& node : graph.node()) {
      for (const auto& out : node.output()) producer_[out] = &node;
    }
  }

  std::optional<std::vector<std::int64_t>> shape(const std::string& name) const {
    auto it = shapes_.find(name);
    if (it == shapes_.end()) return std::nullopt;
    for (auto d : it->second) {
      if (d < 0) return std::nullopt;
    }
    return it->second;
  }

  // Bits of a quantized tensor: its own integer type, or (through a DequantizeLinear) the
  // type of what was dequantized. 0 when it is not quantized.
  int bits(const std::string& name) const {
    if (auto it = producer_.find(name); it != producer_.end() && it->second->op_type() == "DequantizeLinear") {
      return bits_of_type(type(it->second->input(0)));
    }
    return bits_of_type(type(name));
  }

  int type(const std::string& name) const {
    auto it = types_.find(name);
    return it == types_.end() ? 0 : it->second;
  }

  static int bits_of_type(int type) {
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

 private:
  std::map<std::string, std::vector<std::int64_t>> shapes_;
  std::map<std::string, int> types_;
  std::map<std::string, const onnx::NodeProto*> producer_;
};

std::vector<std::int64_t> ints_attribute(const onnx::NodeProto& node, const char* name,
                                         std::vector<std::int64_t> fallback) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return {a.ints().begin(), a.ints().end()};
  }
  return fallback;
}

std::string string_attribute(const onnx::NodeProto& node, const char* name) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return a.s();
  }
  return "";
}

// SAME_UPPER / SAME_LOWER: as much padding as makes ceil(input / stride) outputs, split evenly
// (qloop pads both sides alike; an odd total gets the larger half on both).
void apply_auto_pad(const onnx::NodeProto& node, LayerSpec& l) {
  auto mode = string_attribute(node, "auto_pad");
  if (mode != "SAME_UPPER" && mode != "SAME_LOWER") return;
  auto total = [](std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t d) {
    std::int64_t out = (in + s - 1) / s;
    return std::max<std::int64_t>(0, (out - 1) * s + d * (k - 1) + 1 - in);
  };
  l.pad_h = (total(l.in_h, l.kernel_h, l.stride_h, l.dilation_h) + 1) / 2;
  l.pad_w = (total(l.in_w, l.kernel_w, l.stride_w, l.dilation_w) + 1) / 2;
}

std::int64_t int_attribute(const onnx::NodeProto& node, const char* name, std::int64_t fallback) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return a.i();
  }
  return fallback;
}

struct Importer {
  const std::string& path;
  const GraphIndex& index;
  OnnxImport& out;
  std::set<std::string> names;

  [[noreturn]] void fail(const onnx::NodeProto& node, const std::string& message) const {
    throw InputError(path, fmt::format("node '{}' ({})", node.name(), node.op_type()), 0, message);
  }

  std::vector<std::int64_t> shape_of(const onnx::NodeProto& node, const std::string& tensor, std::size_t rank) const {
    auto shape = index.shape(tensor);
    if (!shape) fail(node, fmt::format("the shape of '{}' is unknown (give the graph input a fixed shape)", tensor));
    if (shape->size() != rank) fail(node, fmt::format("'{}' has rank {}, expected {}", tensor, shape->size(), rank));
    return *shape;
  }

  std::string layer_name(const onnx::NodeProto& node) {
    std::string base =
        node.name().empty() ? fmt::format("{}{}", node.op_type(), out.network.layers.size() + 1) : node.name();
    for (auto& c : base) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) c = '_';
    }
    std::string name = base;
    for (int k = 2; !names.insert(name).second; ++k) name = fmt::format("{}_{}", base, k);
    return name;
  }

  void add(LayerSpec layer, int input_bits, int weight_bits, int output_bits) {
    if (input_bits || weight_bits || output_bits) {
      BitwidthOverride o;
      if (input_bits) o.inputs = input_bits;
      if (weight_bits) o.weights = weight_bits;
      if (output_bits) o.outputs = output_bits;
      out.bitwidths.per_layer[layer.name] = o;
    }
    out.network.layers.push_back(std::move(layer));
  }

  // Conv: X, W, B; QLinearConv: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B.
  void conv(const onnx::NodeProto& node, bool quantized) {
    const auto& x = node.input(0);
    const auto& w = node.input(quantized ? 3 : 1);
    auto xs = shape_of(node, x, 4);
    auto ws = shape_of(node, w, 4);
    LayerSpec l;
    l.name = layer_name(node);
    l.kind = LayerKind::kConv;
    l.batch = xs[0];
    l.in_channels = xs[1];
    l.in_h = xs[2], l.in_w = xs[3];
    l.out_channels = ws[0];
    l.groups = int_attribute(node, "group", 1);
    l.kernel_h = ws[2], l.kernel_w = ws[3];
    auto strides = ints_attribute(node, "strides", {1, 1});
    auto dilations = ints_attribute(node, "dilations", {1, 1});
    auto pads = ints_attribute(node, "pads", {0, 0, 0, 0});
    if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4)
      fail(node, "only 2-D convolutions are imported");
    l.stride_h = strides[0], l.stride_w = strides[1];
    l.dilation_h = dilations[0], l.dilation_w = dilations[1];
    if (pads[0] != pads[2] || pads[1] != pads[3]) {
      out.notes.push_back(fmt::format("{}: asymmetric padding {}x{} / {}x{} imported as {}x{}", l.name, pads[0],
                                      pads[1], pads[2], pads[3], std::max(pads[0], pads[2]),
                                      std::max(pads[1], pads[3])));
    }
    l.pad_h = std::max(pads[0], pads[2]), l.pad_w = std::max(pads[1], pads[3]);
    apply_auto_pad(node, l);
    if (l.in_channels % l.groups != 0 || ws[1] * l.groups != l.in_channels) {
      fail(node, fmt::format("weights {}x{}x{}x{} do not match {} input channels in {} groups", ws[0], ws[1], ws[2],
                             ws[3], l.in_channels, l.groups));
    }
    int in_bits = quantized ? GraphIndex::bits_of_type(index.type(node.input(2))) : index.bits(x);
    int w_bits = quantized ? GraphIndex::bits_of_type(index.type(node.input(5))) : index.bits(w);
    int out_bits = quantized ? GraphIndex::bits_of_type(index.type(node.input(7))) : 0;
    add(l, in_bits, w_bits, out_bits);
  }

  void gemm(const onnx::NodeProto& node) {
    auto as = shape_of(node, node.input(0), 2);
    auto bs = shape_of(node, node.input(1), 2);
    bool trans_a = int_attribute(node, "transA", 0) != 0, trans_b = int_attribute(node, "transB", 0) != 0;
    std::int64_t rows = trans_a ? as[1] : as[0], inner = trans_a ? as[0] : as[1];
    std::int64_t cols = trans_b ? bs[0] : bs[1];
    LayerSpec l;
    l.name = layer_name(node);
    l.kind = LayerKind::kFullyConnected;
    l.batch = rows;
    l.in_channels = inner;
    l.out_channels = cols;
    add(l, index.bits(node.input(0)), index.bits(node.input(1)), 0);
  }

  // MatMul: A, B; QLinearMatMul: a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point.
  void matmul(const onnx::NodeProto& node, bool quantized) {
    auto a = index.shape(node.input(0));
    auto b = index.shape(node.input(quantized ? 3 : 1));
    if (!a || !b || a->size() < 2 || b->size() < 2)
      fail(node, "the shapes of both operands must be known and of rank >= 2");
    std::int64_t rows = 1;
    for (std::size_t i = 0; i + 1 < a->size(); ++i) rows *= (*a)[i];
    LayerSpec l;
    l.name = layer_name(node);
    l.kind = LayerKind::kMatmul;
    l.in_h = rows;
    l.in_channels = a->back();
    l.out_channels = b->back();
    if (b->size() > 2) {
      out.notes.push_back(fmt::format("{}: batched right operand imported as one shared matrix (same MACs)", l.name));
    }
    int in_bits = quantized ? GraphIndex::bits_of_type(index.type(node.input(2))) : index.bits(node.input(0));
    int w_bits = quantized ? GraphIndex::bits_of_type(index.type(node.input(5))) : index.bits(node.input(1));
    int out_bits = quantized ? GraphIndex::bits_of_type(index.type(node.input(7))) : 0;
    add(l, in_bits, w_bits, out_bits);
  }

  void node(const onnx::NodeProto& n) {
    const auto& op = n.op_type();
    if (op == "Conv") return conv(n, false);
    if (op == "QLinearConv") return conv(n, true);
    if (op == "Gemm") return gemm(n);
    if (op == "MatMul") return matmul(n, false);
    if (op == "QLinearMatMul") return matmul(n, true);
    ++out.skipped_ops[op];
  }
};

}  // namespace

OnnxImport import_onnx(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "", 0, "cannot read the file");
  onnx::ModelProto model;
  if (!model.ParseFromIstream(&in)) throw InputError(path, "", 0, "not an ONNX model (the protobuf does not parse)");
  try {
    onnx::shape_inference::InferShapes(model);
  } catch (const std::exception& e) {
    throw InputError(path, "", 0, fmt::format("ONNX shape inference failed: {}", e.what()));
  }
  OnnxImport out;
  out.network.name = model.graph().name().empty() ? "model" : model.graph().name();
  out.network.source =
      fmt::format("imported from {} (producer {} {})", path, model.producer_name(), model.producer_version());
  out.bitwidths.label = "onnx";
  GraphIndex index(model.graph());
  Importer importer{path, index, out, {}};
  for (const auto& node : model.graph().node()) importer.node(node);
  if (out.network.layers.empty()) {
    throw InputError(path, "graph", 0, "the model has no Conv, Gemm or MatMul layer to import");
  }
  return out;
}

}  // namespace qloop
