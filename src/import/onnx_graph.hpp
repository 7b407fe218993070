#pragma once
// What the importer asks of an ONNX graph after shape inference: each tensor's shape (with the
// names of dimensions still symbolic), its element type's bits, whether it is a constant
// (weights) or computed from the graph's inputs (activations), and which node produced it.

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qloop::onnx_graph {

class GraphIndex {
 public:
  explicit GraphIndex(const onnx::GraphProto& graph);

  // The shape when every dimension is known.
  std::optional<std::vector<std::int64_t>> shape(const std::string& tensor) const;
  // Names of the symbolic dimensions (dim_param) left in the tensor's shape.
  std::vector<std::string> symbols(const std::string& tensor) const;
  // Bits of a quantized tensor: its own integer type or, through a DequantizeLinear, the type
  // of what was dequantized. 0 when it is not quantized.
  int bits(const std::string& tensor) const;
  int type(const std::string& tensor) const;
  static int bits_of_type(int type);
  // True for initializers and what is computed from constants alone (DequantizeLinear,
  // Transpose, Reshape of weights...): a layer's weights rather than an activation.
  bool constant(const std::string& tensor) const;
  // The node that computes `tensor`, if any.
  const onnx::NodeProto* producer(const std::string& tensor) const;

 private:
  std::map<std::string, std::vector<std::int64_t>> shapes_;  // -1 for an unknown dimension
  std::map<std::string, std::vector<std::string>> symbols_;
  std::map<std::string, int> types_;
  std::map<std::string, const onnx::NodeProto*> producer_;
  std::map<std::string, bool> initializer_;
  mutable std::map<std::string, bool> constant_;  // memo of constant()
};

// Binds symbolic dimensions of the graph's inputs (and declared value infos) to `values`
// before shape inference. Returns every symbolic dimension name the graph declares.
std::vector<std::string> bind_symbolic_dimensions(onnx::GraphProto& graph,
                                                  const std::map<std::string, std::int64_t>& values);

}  // namespace qloop::onnx_graph
