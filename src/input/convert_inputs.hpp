#pragma once
// `qloop convert`: one set of inputs written in the other Timeloop form, giving the same
// numbers (docs/compatibility.md).
// - To v0.3: a v0.4 specification (templates rendered, expressions evaluated, inline
//   constraints flattened) as the tree form, with `model: {counting_rules: timeloop-v4}` so
//   that it is still counted by Timeloop v4's rules.
// - To v0.4: a tree as a node list. Each storage level becomes a !Component with the attributes
//   it had (inherited ones included); where the instances grow from one level to the next, a
//   !Container `<child>_array` with that mesh comes first, which adds the level
//   inter_<child>_array_spatial (it keeps nothing). A mapping and constraints move their
//   spatial loops from the level above the mesh to that new level, which gets no temporal
//   loop and keeps nothing; `model: {counting_rules: quantization-fork}` keeps the fork's
//   counting rules.

#include <string>
#include <vector>

namespace qloop::input {

struct ConvertedInputs {
  std::string yaml;  // every top-level section, one file
  std::vector<std::string> notes;
};

// Throws InputError when the inputs are already in that form or cannot be read.
ConvertedInputs convert_to_v03(const std::vector<std::string>& sources);
ConvertedInputs convert_to_v04(const std::vector<std::string>& sources);

}  // namespace qloop::input
