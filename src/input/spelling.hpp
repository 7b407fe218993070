#pragma once
// Misspellings: which valid name a wrong one was probably meant to be.

#include <string>
#include <vector>

namespace qloop::input {

// The closest of `candidates` to `name` (hyphens, underscores and case aside), when close
// enough to be a misspelling (a few edits, fewer than a third of the name); empty otherwise.
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace qloop::input
