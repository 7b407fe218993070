#pragma once
// Timeloop v0.4 specifications (the `nodes` form of Timeloop's Python front end, used by its
// tutorials since 2023) turned into the v0.2/v0.3 tree the rest of qloop reads, the way that
// front end prepares its C++ core's input:
// - the node list is flat and read in order: a !Container's attributes and its `spatial`
//   mesh apply to every node after it; a !Parallel's nodes are siblings at the same place;
//   !Nothing is skipped;
// - a !Container with a `spatial` mesh adds a storage level that keeps nothing,
//   `inter_<name>_spatial`, at the instances above the mesh (mappings name it);
// - attributes are inherited and may be expressions over the top-level `variables`, the
//   problem's instance (`spec.problem.instance.C`) and the component's other attributes;
// - a problem instance may carry values that are neither dimensions nor coefficients
//   (H, W, pads): they are names for expressions, not part of the loop nest;
// - inline `sparse_optimizations` join the top-level section of that name.
// Inline `constraints` are for the mapper and are not read here.

#include <string>
#include <vector>

#include "input/yaml_document.hpp"

namespace qloop::input {

// The architecture is written as v0.4 `nodes`.
bool is_v04(const YamlDocument& doc);

// Rewrites the architecture and problem sections in place (v0.4 to the tree form). Throws
// InputError at the node that cannot be read; things it drops go to `notes`.
void translate_v04(YamlDocument& doc, std::vector<std::string>& notes);

}  // namespace qloop::input
