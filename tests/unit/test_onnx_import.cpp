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

}  // namespace
}  // namespace qloop::testing
