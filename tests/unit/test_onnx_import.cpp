// ONNX import on models built here with the ONNX protobuf API: Conv (with groups, padding,
// strides), Gemm, MatMul, QLinearConv and QuantizeLinear/DequantizeLinear bitwidths, skipped
// operators, and the shapes ONNX shape inference propagates between layers.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <fstream>

#include "import/onnx_import.hpp"
#include "input/parse_network.hpp"
#include "model_fixture.hpp"
#include "report/network_yaml.hpp"
#include "util/error.hpp"

namespace qloop::testing {
namespace {

class ModelBuilder {
 public:
  ModelBuilder() {
    model_.set_ir_version(8);
    model_.set_producer_name("qloop-test");
    auto* opset = model_.add_opset_import();
    opset->set_domain("");
    opset->set_version(13);
    model_.mutable_graph()->set_name("TestNet");
  }

  void input(const std::string& name, std::vector<std::int64_t> dims, int type = onnx::TensorProto::FLOAT) {
    auto* v = model_.mutable_graph()->add_input();
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(type);
    for (auto d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
  }

  void initializer(const std::string& name, std::vector<std::int64_t> dims, int type = onnx::TensorProto::FLOAT) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(type);
    std::int64_t count = 1;
    for (auto d : dims) t->add_dims(d), count *= d;
    if (type == onnx::TensorProto::FLOAT) {
      for (std::int64_t i = 0; i < count; ++i) t->add_float_data(0.5f);
    } else {
      for (std::int64_t i = 0; i < count; ++i) t->add_int32_data(1);
    }
  }

  // A graph input whose dimensions are numbers or, as strings, symbolic (dim_param).
  void symbolic_input(const std::string& name, std::vector<std::string> dims) {
    auto* v = model_.mutable_graph()->add_input();
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    for (const auto& d : dims) {
      auto* dim = t->mutable_shape()->add_dim();
      if (std::isdigit(static_cast<unsigned char>(d[0]))) {
        dim->set_dim_value(std::stoll(d));
      } else {
        dim->set_dim_param(d);
      }
    }
  }

  // A 1-D int64 constant (a Reshape's target shape).
  void int64s(const std::string& name, std::vector<std::int64_t> values) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<std::int64_t>(values.size()));
    for (auto v : values) t->add_int64_data(v);
  }

  onnx::NodeProto* node(const std::string& op, const std::string& name, std::vector<std::string> inputs,
                        std::vector<std::string> outputs) {
    auto* n = model_.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const auto& i : inputs) n->add_input(i);
    for (const auto& o : outputs) n->add_output(o);
    return n;
  }

  static void ints(onnx::NodeProto* n, const std::string& name, std::vector<std::int64_t> values) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (auto v : values) a->add_ints(v);
  }

  static void integer(onnx::NodeProto* n, const std::string& name, std::int64_t value) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
  }

  std::string save(const std::string& file) {
    auto path = write_temp(file, "");
    std::ofstream out(path, std::ios::binary);
    model_.SerializeToOstream(&out);
    return path;
  }

 private:
  onnx::ModelProto model_;
};

// conv1 (3 -> 8, 3x3, pad 1, stride 2) -> Relu -> MaxPool -> conv2 (8 -> 8, 3x3, 2 groups)
// -> Flatten -> Gemm (128 -> 10). Shapes after conv1 come from ONNX shape inference.
std::string float_model() {
  ModelBuilder m;
  m.input("x", {1, 3, 16, 16});
  m.initializer("w1", {8, 3, 3, 3});
  m.initializer("w2", {8, 4, 3, 3});
  m.initializer("fc_w", {10, 128});
  auto* c1 = m.node("Conv", "conv1", {"x", "w1"}, {"y1"});
  ModelBuilder::ints(c1, "pads", {1, 1, 1, 1});
  ModelBuilder::ints(c1, "strides", {2, 2});
  m.node("Relu", "relu1", {"y1"}, {"r1"});
  auto* pool = m.node("MaxPool", "pool1", {"r1"}, {"p1"});
  ModelBuilder::ints(pool, "kernel_shape", {2, 2});
  ModelBuilder::ints(pool, "strides", {2, 2});
  auto* c2 = m.node("Conv", "conv2", {"p1", "w2"}, {"y2"});
  ModelBuilder::ints(c2, "pads", {1, 1, 1, 1});
  ModelBuilder::integer(c2, "group", 2);
  m.node("Flatten", "flatten", {"y2"}, {"f"});
  auto* fc = m.node("Gemm", "fc", {"f", "fc_w"}, {"logits"});
  ModelBuilder::integer(fc, "transB", 1);
  return m.save("float.onnx");
}

TEST(OnnxImport, conv_gemm_layers_with_inferred_shapes) {
  auto imported = import_onnx(float_model());
  const auto& layers = imported.network.layers;
  ASSERT_EQ(layers.size(), 3u);
  EXPECT_EQ(imported.network.name, "TestNet");
  EXPECT_EQ(layers[0].name, "conv1");
  EXPECT_EQ(layers[0].out_h(), 8);  // (16 + 2 - 3) / 2 + 1
  EXPECT_EQ(layers[0].macs(), 8u * 8 * 8 * 3 * 9);
  EXPECT_EQ(layers[1].in_h, 4);  // after 2x2 pooling, from shape inference
  EXPECT_EQ(layers[1].groups, 2);
  EXPECT_EQ(layers[1].macs(), 8u * 4 * 4 * 4 * 9);
  EXPECT_EQ(layers[2].kind, LayerKind::kFullyConnected);
  EXPECT_EQ(layers[2].in_channels, 128);
  EXPECT_EQ(layers[2].out_channels, 10);
  // Relu, MaxPool and Flatten are listed, not dropped silently.
  EXPECT_EQ(imported.skipped_ops.at("Relu"), 1);
  EXPECT_EQ(imported.skipped_ops.at("MaxPool"), 1);
  EXPECT_EQ(imported.skipped_ops.at("Flatten"), 1);
  EXPECT_TRUE(imported.bitwidths.per_layer.empty());
}

TEST(OnnxImport, written_network_reads_back_with_the_same_layers) {
  auto imported = import_onnx(float_model());
  auto path = write_temp("imported.yaml", report::network_yaml(imported.network, imported.skipped_ops));
  auto net = input::load_network_file(path);
  ASSERT_EQ(net.layers.size(), imported.network.layers.size());
  for (std::size_t i = 0; i < net.layers.size(); ++i)
    EXPECT_EQ(net.layers[i].macs(), imported.network.layers[i].macs());
  EXPECT_EQ(net.layers[1].groups, 2);
}

TEST(OnnxImport, qlinear_conv_and_qdq_matmul_give_bitwidths) {
  ModelBuilder m;
  m.input("x", {1, 4, 8, 8}, onnx::TensorProto::UINT8);
  m.initializer("x_scale", {}, onnx::TensorProto::FLOAT);
  m.initializer("x_zp", {}, onnx::TensorProto::UINT8);
  m.initializer("w", {4, 4, 1, 1}, onnx::TensorProto::INT8);
  m.initializer("w_scale", {}, onnx::TensorProto::FLOAT);
  m.initializer("w_zp", {}, onnx::TensorProto::INT8);
  m.initializer("y_scale", {}, onnx::TensorProto::FLOAT);
  m.initializer("y_zp", {}, onnx::TensorProto::UINT8);
  m.node("QLinearConv", "qconv", {"x", "x_scale", "x_zp", "w", "w_scale", "w_zp", "y_scale", "y_zp"}, {"y"});
  // y (uint8) -> DequantizeLinear -> MatMul with an int8 weight dequantized on the way.
  m.node("DequantizeLinear", "dq_y", {"y", "y_scale", "y_zp"}, {"y_f"});
  m.initializer("m_w", {256, 16}, onnx::TensorProto::INT8);
  m.initializer("m_scale", {}, onnx::TensorProto::FLOAT);
  m.initializer("m_zp", {}, onnx::TensorProto::INT8);
  m.node("DequantizeLinear", "dq_w", {"m_w", "m_scale", "m_zp"}, {"m_w_f"});
  m.node("Flatten", "flat", {"y_f"}, {"flat"});
  m.node("MatMul", "mm", {"flat", "m_w_f"}, {"out"});
  auto imported = import_onnx(m.save("quant.onnx"));
  const auto& plan = imported.bitwidths.per_layer;
  ASSERT_EQ(imported.network.layers.size(), 2u);
  EXPECT_EQ(plan.at("qconv").inputs, 8);
  EXPECT_EQ(plan.at("qconv").weights, 8);
  EXPECT_EQ(plan.at("qconv").outputs, 8);
  EXPECT_EQ(plan.at("mm").weights, 8);
  EXPECT_FALSE(plan.at("mm").inputs.has_value());  // a float activation (dequantized before Flatten)
  EXPECT_EQ(imported.network.layers[1].kind, LayerKind::kMatmul);
  EXPECT_EQ(imported.network.layers[1].macs(), 1u * 256 * 16);
}

TEST(OnnxImport, unreadable_files_and_unknown_shapes_are_input_errors) {
  auto garbage = write_temp("garbage.onnx", "this is not a protobuf \x01\x02\x03");
  EXPECT_THROW(import_onnx(garbage), InputError);
  EXPECT_THROW(import_onnx("/nonexistent/model.onnx"), InputError);
  ModelBuilder m;  // a Conv whose input has no shape
  m.initializer("w", {4, 4, 3, 3});
  m.node("Conv", "c", {"x", "w"}, {"y"});
  try {
    import_onnx(m.save("noshape.onnx"));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("shape of 'x' is unknown"), std::string::npos) << e.what();
    EXPECT_NE(e.key_path().find("node 'c' (Conv)"), std::string::npos) << e.key_path();
  }
}

// One transformer attention block over x [1, seq, 64], 4 heads of 16: projections, heads split
// by Reshape + Transpose, Q K^T, Softmax, P V, heads merged, output projection.
std::string attention_block() {
  ModelBuilder m;
  m.symbolic_input("x", {"1", "seq", "64"});
  for (auto w : {"wq", "wk", "wv", "wo"}) m.initializer(w, {64, 64});
  m.int64s("heads_shape", {0, 0, 4, 16});
  m.int64s("merged_shape", {0, 0, 64});
  for (auto [w, out] : {std::pair{"wq", "q"}, {"wk", "k"}, {"wv", "v"}}) {
    m.node("MatMul", std::string(out) + "_proj", {"x", w}, {out});
    m.node("Reshape", std::string(out) + "_split", {out, "heads_shape"}, {std::string(out) + "4"});
  }
  ModelBuilder::ints(m.node("Transpose", "q_heads", {"q4"}, {"qh"}), "perm", {0, 2, 1, 3});
  ModelBuilder::ints(m.node("Transpose", "k_heads", {"k4"}, {"kt"}), "perm", {0, 2, 3, 1});
  ModelBuilder::ints(m.node("Transpose", "v_heads", {"v4"}, {"vh"}), "perm", {0, 2, 1, 3});
  m.node("MatMul", "scores", {"qh", "kt"}, {"s"});
  ModelBuilder::integer(m.node("Softmax", "softmax", {"s"}, {"p"}), "axis", -1);
  m.node("MatMul", "context", {"p", "vh"}, {"c"});
  ModelBuilder::ints(m.node("Transpose", "merge", {"c"}, {"ct"}), "perm", {0, 2, 1, 3});
  m.node("Reshape", "merge_heads", {"ct", "merged_shape"}, {"cm"});
  m.node("MatMul", "out_proj", {"cm", "wo"}, {"y"});
  return m.save("attention.onnx");
}

TEST(OnnxImport, a_product_of_two_activations_is_an_attention_part_per_head) {
  auto imported = import_onnx(attention_block(), {{"seq", 8}});
  const auto& layers = imported.network.layers;
  ASSERT_EQ(layers.size(), 6u);
  // Projections: 8 tokens x 64 x 64, one weight matrix for every token.
  EXPECT_EQ(layers[0].kind, LayerKind::kMatmul);
  EXPECT_EQ(layers[0].macs(), 8u * 64 * 64);
  // Q K^T: per head (4), 8 queries x 16 x 8 keys; the keys in the KV class (Weights slot).
  EXPECT_EQ(layers[3].name, "scores");
  EXPECT_EQ(layers[3].kind, LayerKind::kAttentionScores);
  EXPECT_EQ(layers[3].groups, 4);
  EXPECT_EQ(layers[3].macs(), 4u * 8 * 16 * 8);
  EXPECT_EQ(layers[3].weight_count(), 4u * 16 * 8);
  // P V after the softmax: per head, 8 x 8 probabilities times 8 x 16 values.
  EXPECT_EQ(layers[4].kind, LayerKind::kAttentionContext);
  EXPECT_EQ(layers[4].macs(), 4u * 8 * 8 * 16);
  EXPECT_EQ(layers[5].macs(), 8u * 64 * 64);
  // The network file it writes reads back with the same kinds and counts.
  auto path = write_temp("attention.yaml", report::network_yaml(imported.network, imported.skipped_ops));
  auto net = input::load_network_file(path);
  ASSERT_EQ(net.layers.size(), 6u);
  EXPECT_EQ(net.layers[3].kind, LayerKind::kAttentionScores);
  EXPECT_EQ(net.layers[4].macs(), layers[4].macs());
}

TEST(OnnxImport, a_symbolic_dimension_must_be_bound_by_name) {
  auto path = attention_block();
  try {
    import_onnx(path);
    FAIL() << "an unbound sequence length was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'seq'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--dim seq=N"), std::string::npos) << e.what();
  }
  try {
    import_onnx(path, {{"tokens", 8}});
    FAIL() << "an unknown dimension name was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no symbolic dimension 'tokens'; it has seq"), std::string::npos) << e.what();
  }
  // Bound at another length, the attention parts grow with its square.
  EXPECT_EQ(import_onnx(path, {{"seq", 16}}).network.layers[3].macs(), 4u * 16 * 16 * 16);
}

TEST(OnnxImport, matmul_integer_after_dynamic_quantization_takes_the_integer_bits) {
  ModelBuilder m;
  m.input("x", {4, 32});
  m.initializer("w", {32, 8}, onnx::TensorProto::INT8);
  m.initializer("w_zp", {}, onnx::TensorProto::INT8);
  m.node("DynamicQuantizeLinear", "dql", {"x"}, {"xq", "x_scale", "x_zp"});
  m.node("MatMulInteger", "mmi", {"xq", "w", "x_zp", "w_zp"}, {"acc"});
  auto imported = import_onnx(m.save("mmi.onnx"));
  ASSERT_EQ(imported.network.layers.size(), 1u);
  EXPECT_EQ(imported.network.layers[0].macs(), 4u * 32 * 8);
  EXPECT_EQ(imported.bitwidths.per_layer.at("mmi").inputs, 8);               // uint8 from DynamicQuantizeLinear
  EXPECT_EQ(imported.bitwidths.per_layer.at("mmi").weights, 8);              // int8 weights
  EXPECT_FALSE(imported.bitwidths.per_layer.at("mmi").outputs.has_value());  // int32 accumulators
}

TEST(OnnxImport, batched_weights_are_one_matrix_per_leading_index) {
  ModelBuilder m;
  m.input("a", {2, 8, 16});
  m.initializer("b", {2, 16, 4});
  m.node("MatMul", "bmm", {"a", "b"}, {"y"});
  auto imported = import_onnx(m.save("bmm.onnx"));
  const auto& l = imported.network.layers.at(0);
  EXPECT_EQ(l.kind, LayerKind::kMatmul);  // constant right operand: weights
  EXPECT_EQ(l.groups, 2);
  EXPECT_EQ(l.macs(), 2u * 8 * 16 * 4);
  EXPECT_EQ(l.weight_count(), 2u * 16 * 4);
}

}  // namespace
}  // namespace qloop::testing
