#include "import/onnx_import.hpp"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>

#include "import/onnx_graph.hpp"
#include "util/error.hpp"

namespace qloop {

namespace {

using onnx_graph::GraphIndex;

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

// An operand of a product that softmax produced (directly or through a cast or dropout): the
// attention probabilities P of P V.
bool from_softmax(const GraphIndex& index, const std::string& tensor) {
  const auto* node = index.producer(tensor);
  for (int hops = 0; node && hops < 4; ++hops) {
    const auto& op = node->op_type();
    if (op == "Softmax") return true;
    if (op != "Cast" && op != "Dropout" && op != "Identity" && op != "DequantizeLinear" && op != "QuantizeLinear")
      return false;
    node = index.producer(node->input(0));
  }
  return false;
}

struct Importer {
  const std::string& path;
  const GraphIndex& index;
  OnnxImport& out;
  std::set<std::string> names;

  [[noreturn]] void fail(const onnx::NodeProto& node, const std::string& message) const {
    throw InputError(path, fmt::format("node '{}' ({})", node.name(), node.op_type()), 0, message);
  }

  // The shape of an operand, of rank `least` to `most`; an unknown or symbolic one says what
  // to bind.
  std::vector<std::int64_t> shape_of(const onnx::NodeProto& node, const std::string& tensor, std::size_t least,
                                     std::size_t most) const {
    auto shape = index.shape(tensor);
    if (!shape) {
      auto symbols = index.symbols(tensor);
      if (!symbols.empty()) {
        fail(node, fmt::format("the shape of '{}' has the symbolic dimension '{}': bind it with --dim {}=N "
                               "(Python: dims={{\"{}\": N}})",
                               tensor, symbols.front(), symbols.front(), symbols.front()));
      }
      fail(node, fmt::format("the shape of '{}' is unknown (give the graph input a fixed shape)", tensor));
    }
    if (shape->size() < least || shape->size() > most) {
      fail(node, least == most
                     ? fmt::format("'{}' has rank {}, expected {}", tensor, shape->size(), least)
                     : fmt::format("'{}' has rank {}, expected {} to {}", tensor, shape->size(), least, most));
    }
    return *shape;
  }
  std::vector<std::int64_t> shape_of(const onnx::NodeProto& node, const std::string& tensor, std::size_t rank) const {
    return shape_of(node, tensor, rank, rank);
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

  // A (... x rows x inner) times B (... x inner x cols), numpy-style. B of rank 2 is one matrix
  // every row of A meets (a linear layer's weights: A's leading dimensions become rows); B of
  // higher rank holds one matrix per leading index (batch x heads), each met by as many of A's
  // matrices as broadcasting gives it. A B computed
  // from the graph's inputs, not from constants, is an activation: the keys (Q K^T) or, after
  // softmax, the values (P V) of an attention, imported as its parts so that bitwidth plans
  // and reports put it in the KV-cache class.
  void matmul(const onnx::NodeProto& node, const std::string& a, const std::string& b, int a_bits, int b_bits,
              int out_bits) {
    auto as = shape_of(node, a, 2, 8);
    auto bs = shape_of(node, b, 2, 8);
    std::int64_t inner = as.back(), cols = bs.back();
    if (bs[bs.size() - 2] != inner) {
      fail(node, fmt::format("'{}' has {} columns but '{}' has {} rows", a, inner, b, bs[bs.size() - 2]));
    }
    // Leading (batch) dimensions broadcast numpy-style, aligned on the right.
    std::size_t batch_rank = std::max(as.size(), bs.size()) - 2;
    std::int64_t products = 1, groups = 1;
    bool a_broadcast = false;
    for (std::size_t i = 0; i < batch_rank; ++i) {
      auto dim = [&](const std::vector<std::int64_t>& shape) -> std::int64_t {
        std::size_t offset = batch_rank - (shape.size() - 2);
        return i < offset ? 1 : shape[i - offset];
      };
      std::int64_t da = dim(as), db = dim(bs);
      if (da != db && da != 1 && db != 1) {
        fail(node, fmt::format("leading dimensions {} of '{}' and {} of '{}' do not broadcast", da, a, db, b));
      }
      products *= std::max(da, db);
      groups *= db;
      a_broadcast = a_broadcast || (da == 1 && db > 1);
    }
    // Each of B's `groups` matrices meets products / groups of A's matrices of rows x inner.
    std::int64_t rows = products / groups * as[as.size() - 2];
    LayerSpec l;
    l.name = layer_name(node);
    bool dynamic = !index.constant(b);
    l.kind = !dynamic                 ? LayerKind::kMatmul
             : from_softmax(index, a) ? LayerKind::kAttentionContext
                                      : LayerKind::kAttentionScores;
    l.set_grouped_matmul(groups, rows, inner, cols);
    if (a_broadcast) {
      out.notes.push_back(
          fmt::format("{}: '{}' is broadcast over {} matrices of '{}': imported as one copy per "
                      "matrix (same MACs, more input traffic than a kernel that shares it)",
                      l.name, a, groups, b));
    }
    if (dynamic) {
      out.notes.push_back(
          fmt::format("{}: both operands are activations: imported as attention {} ('{}' in the "
                      "KV-cache class)",
                      l.name, l.kind == LayerKind::kAttentionContext ? "P V" : "Q K^T", b));
    }
    add(l, a_bits, b_bits, out_bits);
  }

  void node(const onnx::NodeProto& n) {
    const auto& op = n.op_type();
    auto type_bits = [&](int input) { return type_bits_of(n.input(input)); };
    if (op == "Conv") return conv(n, false);
    if (op == "QLinearConv") return conv(n, true);
    if (op == "Gemm") return gemm(n);
    if (op == "MatMul") return matmul(n, n.input(0), n.input(1), index.bits(n.input(0)), index.bits(n.input(1)), 0);
    // a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point
    if (op == "QLinearMatMul") return matmul(n, n.input(0), n.input(3), type_bits(2), type_bits(5), type_bits(7));
    // A, B[, a_zero_point, b_zero_point]: integer operands (e.g. from DynamicQuantizeLinear),
    // 32-bit accumulators out, left at the word's width.
    if (op == "MatMulInteger") return matmul(n, n.input(0), n.input(1), type_bits(0), type_bits(1), 0);
    ++out.skipped_ops[op];
  }

  int type_bits_of(const std::string& tensor) const { return GraphIndex::bits_of_type(index.type(tensor)); }
};

}  // namespace

OnnxImport import_onnx(const std::string& path, const std::map<std::string, std::int64_t>& dims) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "", 0, "cannot read the file");
  onnx::ModelProto model;
  if (!model.ParseFromIstream(&in)) throw InputError(path, "", 0, "not an ONNX model (the protobuf does not parse)");
  auto declared = onnx_graph::bind_symbolic_dimensions(*model.mutable_graph(), dims);
  for (const auto& [name, value] : dims) {
    if (std::find(declared.begin(), declared.end(), name) != declared.end()) continue;
    std::string known;
    for (const auto& d : declared) known += (known.empty() ? "" : ", ") + d;
    throw InputError(path, "--dim", 0,
                     fmt::format("the model has no symbolic dimension '{}'; {}", name,
                                 declared.empty() ? "it has none" : "it has " + known));
  }
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
