#pragma once
// Whole-number expressions in network files: `seq * batch`, `context + 1`, `min(seq, 512)`,
// over the network's variables (`variables: {seq: 128}`, overridden by `--set seq=1`).

#include <cstdint>
#include <map>
#include <string>

#include "input/node_reader.hpp"

namespace qloop::input {

using Variables = std::map<std::string, std::int64_t>;

// The node's value: an integer, or an expression over `variables` whose value is a whole
// number. Throws InputError (at the node) for anything else, naming an unknown variable.
std::int64_t integer_value(const NodeReader& node, const Variables& variables);

// "seq=1,context=2048" -> {seq: 1, context: 2048}; InputError (naming `where`) otherwise.
Variables parse_assignments(const std::string& text, const std::string& where);

}  // namespace qloop::input
