#pragma once
// Rejections as people read them: "capacity at GlobalBuffer", "bitwidth of Weights at
// RegFile", "fanout at GlobalBuffer" (its spatial factors spread too far).

#include <string>

#include "arch/architecture.hpp"
#include "model/rejection.hpp"
#include "workload/workload.hpp"

namespace qloop::report {

std::string describe(const Rejection& rejection, const Architecture& arch, const Workload& workload);

}  // namespace qloop::report
