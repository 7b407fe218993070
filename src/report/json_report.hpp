#pragma once
// qloop.stats.json: the schema of the shared conformance corpus (summary, arithmetic,
// storage inner->outer, networks), plus validity and quantization fields.

#include <nlohmann/json.hpp>

#include "model/stats.hpp"

namespace qloop::report {

nlohmann::ordered_json to_json(const EvaluationResult& result);

}  // namespace qloop::report
