#pragma once
// Loop orders the model cannot tell apart, so that a search proving optimality evaluates one
// of each class. At a level with no fanout at or below it, a tensor that no level below may
// keep is served once per operation by the innermost level that keeps it (the model's rule,
// bounds.hpp: serves_every_operation) and filled by the loops above that level: the order here
// changes none of its counts. A tensor some level below keeps changes tile there whenever one
// of its dimensions' loop indices changes; when every rank of it is one dimension, the new tile
// shares no operand with the old, so its counts depend only on how many steps change it: the
// steps over the product of the innermost loops irrelevant to it. The order here changes
// that only through which of its loops come before the first loop relevant to that tensor.
// Two orders of a level with the same such sets, for every tensor kept below, cost the same.
// Where a tensor kept below has a rank of two dimensions (a sliding window: a step may reuse
// part of the tile), a fanout lies at or below the level (multicast depends on the steps), the
// order is constrained, or the design is sparse, every order is its own class.
// tests/unit/test_equivalent_orders.cpp checks the classes against every point of small designs.

#include <vector>

#include "arch/architecture.hpp"
#include "search/constraints.hpp"
#include "search/mapspace.hpp"
#include "workload/workload.hpp"

namespace qloop {

class EquivalentOrders {
 public:
  EquivalentOrders(const Architecture& arch, const Workload& workload, const Constraints& constraints,
                   const Mapspace& space);
  // Whether some level's orders fall into classes of more than one.
  bool merges_any() const;
  // The point with every level's order replaced by its class's representative: the loops
  // cut into blocks where some tensor's first relevant loop stands (the blocks' sets are what
  // the class keeps), each block led by its lowest dimension relevant to every tensor whose
  // first relevant loop leads it, the rest in increasing order.
  MapspacePoint canonical(const MapspacePoint& point) const;
  // Whether the point is its own representative (the search evaluates only those): whether
  // every level's order is its class's.
  bool representative(const MapspacePoint& point) const;
  bool representative(const MapspacePoint& point, int level) const;

 private:
  void canonicalize(std::vector<DimensionId>& order, int level) const;
  std::vector<char> mergeable_;              // [level]
  std::vector<std::vector<int>> sensitive_;  // [level]: tensors kept below whose runs matter
  std::vector<std::vector<char>> relevant_;  // [ds][dim]: the tensor's projection uses it
};

}  // namespace qloop
