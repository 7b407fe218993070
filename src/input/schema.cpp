#include "input/schema.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "input/attribute_schema.hpp"

namespace qloop::input {

namespace {

// Timeloop's logging and diagnostics switches: accepted in `mapper:`, no effect here.
const char* const kNoEffect = "Timeloop's logging or diagnostics switch: accepted, no effect";

std::vector<NodeSchema> make_schemas() {
  return {
      {"top",
       "the top level of the input files",
       "the sections qloop reads (merged over every file given)",
       {{"architecture", "the hardware"},
        {"problem", "the workload"},
        {"mapping", "one mapping (qloop model)"},
        {"ERT", "Accelergy's energy reference table (pJ per action)"},
        {"ART", "Accelergy's area reference table (um^2)"},
        {"mapper", "the mapper's settings"},
        {"mapspace_constraints", "what the mapper may choose"},
        {"architecture_constraints", "the same, fixed by the hardware"},
        {"constraints", "the same (v0.4 style)"},
        {"mapspace", "the same (older style)"},
        {"extra_mapping_constraints", "Timeloop v0.4 front end's mapping constraints: accepted, not read yet"},
        {"sparse_optimizations", "Sparseloop's gating, skipping and compressed formats (docs/sparsity.md)"},
        {"compound_components", "Accelergy's: accepted, not read"},
        {"components", "Accelergy's: accepted, not read"},
        {"model",
         "counting_rules: quantization-fork (default for v0.2/v0.3) or timeloop-v4 (default for v0.4); Timeloop's "
         "other model settings: accepted, not read"},
        {"variables", "Accelergy's: accepted, not read"},
        {"globals", "Accelergy's: accepted, not read"}}},
      {"architecture.node",
       "architecture: (and each subtree: [ ... ] below it)",
       "the hardware as a Timeloop v0.2/v0.3 tree, one level of it per node",
       {{"name", "its name; `name[lo..hi]` replicates everything below it"},
        {"attributes", "attributes every component below inherits"},
        {"local", "its components (storage, then compute innermost)"},
        {"subtree", "the next level down"},
        {"version", "0.2 or 0.3 (0.4: the `nodes` form below)"}}},
      {"architecture.v04",
       "architecture: (Timeloop v0.4)",
       "the hardware as a Timeloop v0.4 node list, read in order: each node applies to those after it "
       "(docs/compatibility.md)",
       {{"version", "0.4"}, {"nodes", "!Container, !Component, !Parallel and !Nothing nodes"}}},
      {"architecture.v04.container",
       "architecture: nodes: [ !Container ... ]",
       "a part of the hardware: its attributes and `spatial` mesh apply to every node after it; a mesh adds a "
       "level that keeps nothing, inter_<name>_spatial",
       {{"name", "its name"},
        {"attributes", "attributes every node after it inherits (values may be expressions)"},
        {"spatial", "{meshX, meshY}: the instances of what follows, per instance of what precedes"},
        {"constraints", "the mapper's constraints here (not read yet)"},
        {"sparse_optimizations", "Sparseloop's (checked as the top-level section)"},
        {"enabled", "accepted"}}},
      {"architecture.v04.component",
       "architecture: nodes: [ !Component ... ]",
       "a storage level or the compute unit, as in the tree form",
       {{"name", "its name (the instances come from the meshes above)"},
        {"class", "Accelergy class: decides storage or compute, and DRAM"},
        {"subclass", "Accelergy subclass"},
        {"attributes",
         "see Component attributes below; values may be expressions over `variables`, "
         "spec.problem.instance and the other attributes"},
        {"constraints", "the mapper's constraints here (not read yet)"},
        {"sparse_optimizations", "Sparseloop's (checked as the top-level section)"},
        {"required_actions", "Accelergy's: accepted, not read"},
        {"actions", "Accelergy's: accepted, not read"},
        {"enabled", "false: left out"},
        {"area_scale", "Accelergy's: accepted, not read"},
        {"energy_scale", "Accelergy's: accepted, not read"}}},
      {"architecture.v04.parallel",
       "architecture: nodes: [ !Parallel ... ]",
       "nodes side by side at one place (each a level of the chain, in the order written)",
       {{"nodes", "the nodes"}, {"name", "accepted"}, {"constraints", "accepted"}}},
      {"architecture.component",
       "architecture: ... local: [ ... ]",
       "a storage level (class contains DRAM, SRAM, regfile, smartbuffer, storage) or the compute unit (mac, "
       "intmac, fpmac, compute)",
       {{"name", "its name; `name[lo..hi]` for several instances"},
        {"class", "Accelergy class: decides storage or compute, and DRAM"},
        {"subclass", "Accelergy subclass (the estimator's model when class is storage/compute)"},
        {"attributes", "see Component attributes below"},
        {"required_actions", "Accelergy's: accepted, not read"},
        {"actions", "Accelergy's: accepted, not read"}}},
      {"problem",
       "problem:",
       "the workload: a loop nest and its tensors",
       {{"shape", "dimensions, coefficients and data spaces"},
        {"instance", "the sizes of this layer"},
        {"version", "accepted"}}},
      {"problem.shape",
       "problem: shape:",
       "the loop nest's form",
       {{"name", "a name (text)"},
        {"dimensions", "the loop dimensions, e.g. [C, M, R, S, N, P, Q]"},
        {"coefficients", "named constants of the projections (strides, dilations), with defaults"},
        {"data_spaces", "the tensors, each a projection of the dimensions"}}},
      {"problem.coefficient",
       "problem: shape: coefficients: [ ... ]",
       "a named constant",
       {{"name", "its name"}, {"default", "its value unless the instance gives one (integer > 0)"}}},
      {"problem.data_space",
       "problem: shape: data_spaces: [ ... ]",
       "one tensor",
       {{"name", "its name (Weights, Inputs, Outputs, ...)"},
        {"projection", "per rank, a sum of dimension x coefficient terms"},
        {"read_write", "true for the tensor written (partial sums); default false"}}},
      {"problem.density",
       "problem: instance: densities: {tensor: {...}}",
       "a density model (docs/sparsity.md); a plain number is a fixed-structured density",
       {{"distribution", "fixed-structured, hypergeometric, or banded (alias diagonal: a 2-D square tensor)"},
        {"density", "fraction of nonzeros, 0 to 1 (not for banded)"},
        {"band_width", "for banded: diagonals kept on each side of the main one, an integer >= 0 (default 0)"},
        {"workload_tensor_size", "for hypergeometric (the reference ignores it: the tensor's own size is used)"}}},
      {"sparse.top",
       "sparse_optimizations:",
       "Sparseloop's sparse optimizations (docs/sparsity.md)",
       {{"targets", "a list: per storage level (or the compute unit) its optimizations"}, {"version", "ignored"}}},
      {"sparse.target",
       "sparse_optimizations: targets: [ ... ]",
       "one level's optimizations",
       {{"name", "the storage level (or compute unit) they apply to"},
        {"action_optimization", "a list of gating / skipping / skipping-spatial entries"},
        {"representation_format", "{data_spaces: [...]}: compressed formats of the tensors kept here"},
        {"compute_optimization", "on the compute unit: a list of {type: gating | skipping}"}}},
      {"sparse.action",
       "sparse_optimizations: targets: [ ... action_optimization: [ ... ] ]",
       "one action optimization: a target and the tensors it is conditioned on, or options of them",
       {{"type", "gating, skipping or skipping-spatial (default: the previous entry's)"},
        {"target", "the tensor whose accesses are gated or skipped"},
        {"condition_on", "a list of tensors: an access meeting a zero of any of them is saved"},
        {"options", "a list of {target, condition_on}: the one saving the most energy applies"}}},
      {"sparse.choice",
       "sparse_optimizations: ... action_optimization: [ ... options: [ ... ] ]",
       "one option of an action optimization",
       {{"target", "the tensor whose accesses are gated or skipped"},
        {"condition_on", "a list of tensors it is conditioned on"}}},
      {"sparse.compute",
       "sparse_optimizations: ... compute_optimization: [ ... ]",
       "one compute optimization",
       {{"type", "gating (gate-on-zero-operand) or skipping (skip_on_not_aligned_operands)"}}},
      {"sparse.formats",
       "sparse_optimizations: ... representation_format:",
       "the compressed formats of a level",
       {{"data_spaces", "a list: per tensor its ranks"}}},
      {"sparse.tensor_format",
       "sparse_optimizations: ... representation_format: data_spaces: [ ... ]",
       "one tensor's representation",
       {{"name", "the tensor"},
        {"ranks", "its ranks, outermost first, each {format, ...}"},
        {"rank_application_order", "outer-to-inner (default) or inner-to-outer"},
        {"compression_rate", "accepted for a compressed tensor, not used (as in the reference)"}}},
      {"sparse.rank",
       "sparse_optimizations: ... ranks: [ ... ]",
       "one rank of a tensor's format",
       {{"format", "UOP, CP, RLE, B or UB"},
        {"metadata_word_bits", "bits per metadata word (default: the level's metadata_datawidth)"},
        {"payload_word_bits", "bits per payload word (default: the level's metadata_datawidth)"},
        {"flattened_rankIDs", "lists of dimensions this rank covers together, e.g. [[M, K]]"}}},
      {"mapping.directive",
       "mapping: [ ... ]",
       "one directive of a mapping",
       {{"target", "a storage level's name"},
        {"type", "temporal, spatial, bypass (or datatype)"},
        {"factors", "'C=3 M=96' or 'C3 M96' (0: the whole dimension); unlisted: 1"},
        {"permutation", "innermost first: 'RSCMNPQ' (spaces ignored), or names"},
        {"split", "spatial: the first `split` loops of the permutation go along X, the rest along Y"},
        {"keep", "tensors kept at the target"},
        {"bypass", "tensors that pass the target by"},
        {"stream", "accepted and ignored, as the reference does (Sparseloop's mappings carry it)"}}},
      {"constraints.target",
       "mapspace_constraints / architecture_constraints: [ ... ]",
       "what the mapper may choose at one level",
       {{"target", "a storage level's name"},
        {"type", "temporal, spatial, bypass (datatype) or utilization (parallelism)"},
        {"factors", "'K=4 C>=2 P<=8' (a factor beyond the dimension is ignored with a note, as Timeloop)"},
        {"permutation", "'RS_PQ': pinned innermost _ pinned outermost; spaces ignored"},
        {"split", "spatial: how many of the permutation go along X"},
        {"keep", "tensors the level must keep"},
        {"bypass", "tensors the level must not keep"},
        {"min", "utilization: least fraction of compute units in use"},
        {"attributes", "the same keys, nested (v0.4 style)"},
        {"constraints", "a list of constraints for this target"},
        {"default_max_factor", "Timeloop's: accepted, no effect"},
        {"no_link_transfer", "Timeloop's: accepted, no effect"},
        {"no_multicast_no_reduction", "Timeloop's: accepted, no effect"},
        {"no_temporal_reuse", "Timeloop's: accepted, no effect"}}},
      {"constraints.section",
       "mapspace_constraints: {targets: ...}",
       "a constraints section written as a mapping",
       {{"version", "accepted"}, {"targets", "the list of constraints"}, {"constraints", "the same, nested"}}},
      {"mapspace",
       "mapspace:",
       "Timeloop's older form of the constraints",
       {{"constraints", "the list of constraints"}, {"template", "accepted, no effect"}, {"version", "accepted"}}},
      {"mapper",
       "mapper:",
       "how the mapper searches (the command line and Python can override threads, seed, time limit; "
       "`qloop mapper` and Python's search also the algorithm)",
       {{"version", "accepted"},
        {"algorithm",
         "exhaustive, linear-pruned, random, random-pruned, hybrid or optimal (default optimal: the certified "
         "search within `time_limit`; with an elite list, hybrid)"},
        {"optimization_metrics", "priority list of energy, delay (cycles), edp, last-level-accesses (default edp)"},
        {"optimization_metric", "the same, one"},
        {"num_threads", "threads (0: every core; default 0; above 256: capped with a note)"},
        {"timeout", "stop a thread after this many invalid mappings in a row (0: never; default 100000)"},
        {"victory_condition", "stop a thread after this many valid mappings without improvement (default 5000)"},
        {"search_size", "evaluations per thread (0: unlimited)"},
        {"max_permutations_per_if_visit", "loop orders tried per tiling (hybrid; default 64)"},
        {"seed", "random seed (default 1)"},
        {"time_limit", "seconds (0: none; default 30)"},
        {"bound_pruning", "skip tilings the admissible bound rules out (default true)"},
        {"literal_algorithm",
         "run random / random-pruned as named (default false: qloop's hybrid search runs for them, with at least "
         "their victory condition)"},
        {"live_status", kNoEffect},
        {"diagnostics", kNoEffect},
        {"log_stats", kNoEffect},
        {"log_suboptimal", kNoEffect},
        {"log_interval", kNoEffect},
        {"log_oaves", kNoEffect},
        {"log_oaves_mappings", kNoEffect},
        {"log_all", kNoEffect},
        {"out_prefix", kNoEffect},
        {"penalize_consecutive_bypass_fails", kNoEffect},
        {"filter_revisits", kNoEffect},
        {"sync_interval", kNoEffect},
        {"emit_whoop_nest", kNoEffect},
        {"max_temporal_loops_in_a_mapping", kNoEffect}}},
      {"energy_tables",
       "ERT: / ART:",
       "Accelergy's energy and area tables",
       {{"version", "0.2 or 0.3"}, {"tables", "per component its actions and energies (pJ), or its area (um^2)"}}},
      {"ert.component",
       "ERT: tables: [ ... ]",
       "one component's actions",
       {{"name", "the component's full name, e.g. System.PE[0..15].RegFile"},
        {"actions", "list of {name, arguments, energy}"}}},
      {"ert.action",
       "ERT: tables: [ ... actions: [ ... ] ]",
       "one action",
       {{"name", "read, write, update, mac_random, ..."},
        {"arguments", "Accelergy's arguments (the largest energy over them is used)"},
        {"energy", "pJ, finite and >= 0"}}},
      {"art.component",
       "ART: tables: [ ... ]",
       "one component's area",
       {{"name", "the component's full name"}, {"area", "um^2, finite and >= 0"}}},
      {"network",
       "network: (workloads/*.yaml)",
       "a whole network's layers, in order",
       {{"name", "its name"},
        {"source", "where the shapes come from"},
        {"published_macs", "the MAC count its authors give (for a check)"},
        {"variables",
         "named whole numbers (e.g. seq, context, batch) that sizes may use in expressions (`seq * batch`, "
         "`min(seq, 512)`); `--set seq=1,context=2048` (Python: set=) overrides them"},
        {"layers", "the layers; every size a whole number or an expression over the variables"}}},
      {"network.conv",
       "network: layers: [ {type: conv} ]",
       "a 2-D convolution (grouped with groups > 1)",
       {{"name", "its name"},
        {"type", "conv"},
        {"in_channels", "integer > 0"},
        {"out_channels", "integer > 0"},
        {"groups", "default 1; divides both channel counts"},
        {"input", "height and width: one number (square) or [h, w]"},
        {"kernel", "one number or [h, w]; default 1"},
        {"stride", "one number or [h, w]; default 1"},
        {"padding", "one number or [h, w]; default 0"},
        {"dilation", "one number or [h, w]; default 1"},
        {"batch", "default 1"}}},
      {"network.depthwise",
       "network: layers: [ {type: depthwise} ]",
       "a depthwise convolution",
       {{"name", "its name"},
        {"type", "depthwise"},
        {"channels", "integer > 0"},
        {"multiplier", "outputs per channel; default 1"},
        {"input", "height and width"},
        {"kernel", "one number or [h, w]"},
        {"stride", "one number or [h, w]"},
        {"padding", "one number or [h, w]"},
        {"dilation", "one number or [h, w]"},
        {"batch", "default 1"}}},
      {"network.fc",
       "network: layers: [ {type: fc} ]",
       "a fully-connected layer (also linear, gemm), applied to every token: weights shared by all of them",
       {{"name", "its name"},
        {"type", "fc, linear or gemm"},
        {"in_features", "integer > 0"},
        {"out_features", "integer > 0"},
        {"seq", "tokens per sequence; default 1"},
        {"batch", "sequences (or images); default 1"}}},
      {"network.matmul",
       "network: layers: [ {type: matmul} ]",
       "(rows x inner) times (inner x cols); `groups` independent products, each with its own right operand "
       "(in the Weights slot); also the parts of an attention (attention_scores, attention_context)",
       {{"name", "its name"},
        {"type", "matmul, attention_scores or attention_context"},
        {"rows", "integer > 0"},
        {"inner", "integer > 0"},
        {"cols", "integer > 0"},
        {"groups", "independent products; default 1"},
        {"batch", "products sharing the right operand; default 1"}}},
      {"network.attention",
       "network: layers: [ {type: attention} ]",
       "multi-head (or grouped-query) attention: two layers, <name>.scores = Q K^T and <name>.context = P V, "
       "each a product per (batch, KV head) with the keys or values (the KV cache) in the Weights slot",
       {{"name", "its name"},
        {"type", "attention"},
        {"heads", "query heads"},
        {"kv_heads", "key/value heads (grouped-query attention); divides heads; default heads"},
        {"head_dim", "dimension of a head (or give model_dim)"},
        {"model_dim", "the model's width, split among the heads (heads must divide it)"},
        {"seq", "query tokens (1 when decoding)"},
        {"context", "key/value tokens (the KV cache's length when decoding); default seq"},
        {"batch", "sequences; default 1"},
        {"causal",
         "full (default: the whole score matrix, as a dense unit computes it) or half (its causal lower half: "
         "half the query rows against every key)"}}},
      {"bitwidths",
       "bitwidths: (a --bits plan file)",
       "per-layer bitwidths",
       {{"default", "every layer: a shorthand (W4A8, W4A16KV4, W4A16G128) or {Weights, Inputs, Outputs, group}"},
        {"kv", "bits of the KV cache: the keys and values in attention layers' Weights slot (default: activations')"},
        {"scores", "bits of attention scores (default: activations')"},
        {"first", "the first layer"},
        {"last", "the last layer"},
        {"layers",
         "per layer name: its Weights, Inputs, Outputs slots (for attention: K or V, Q or P, scores or "
         "context)"}}},
      {"bitwidths.tensors",
       "bitwidths: ... {Weights, Inputs, Outputs}",
       "bits per tensor (1 to 64; unlisted: as before)",
       {{"Weights", "bits"},
        {"Inputs", "bits"},
        {"Outputs", "bits"},
        {"group", "group-wise weight quantization: weights per scale (adds scale_bits / group bits per weight)"},
        {"scale_bits", "bits of one scale; default 16"}}},
  };
}

}  // namespace

const std::vector<NodeSchema>& all_schemas() {
  static const std::vector<NodeSchema> schemas = make_schemas();
  return schemas;
}

const NodeSchema& schema(const std::string& id) {
  for (const auto& s : all_schemas()) {
    if (id == s.id) return s;
  }
  throw std::logic_error("no input schema named " + id);
}

std::vector<std::string> key_names(const NodeSchema& schema) {
  std::vector<std::string> names;
  for (const auto& key : schema.keys) names.emplace_back(key.name);
  return names;
}

std::string schema_markdown() {
  std::string out =
      "# Input reference\n\n"
      "Every key qloop reads, node by node, as `qloop schema` prints it (this page is its output; a test keeps "
      "them the same). Hyphens and underscores in keys are alike. A key that is not listed is refused where it is "
      "written, with the closest valid key; a key given twice, or two spellings of one attribute that disagree, are "
      "refused too.\n";
  for (const auto& s : all_schemas()) {
    out += fmt::format("\n## `{}`\n\n{}: {}.\n\n| key | meaning |\n| --- | --- |\n", s.where, s.id, s.description);
    for (const auto& key : s.keys) out += fmt::format("| `{}` | {} |\n", key.name, key.meaning);
  }
  out +=
      "\n## Component attributes\n\n"
      "Under a component's (or a tree node's) `attributes:`. Other spellings of the same attribute are listed "
      "with it; two of them that disagree are refused. A name close to one of these is refused as a "
      "misspelling; other names are accepted with a note (Accelergy reads them).\n\n"
      "| attribute | also written | value | for | meaning |\n| --- | --- | --- | --- | --- |\n";
  for (const auto& a : component_attributes()) {
    std::string aliases;
    for (const char* alias : a.aliases) aliases += (aliases.empty() ? "`" : ", `") + std::string(alias) + "`";
    out += fmt::format("| `{}` | {} | {} | {} | {} |\n", a.name, aliases, a.type, a.applies_to, a.meaning);
  }
  out += "\nRead by Accelergy only (accepted, not read by qloop's model): ";
  bool first = true;
  for (const char* name : other_tools_attributes()) {
    out += fmt::format("{}`{}`", first ? "" : ", ", name);
    first = false;
  }
  return out + ".\n";
}

}  // namespace qloop::input
