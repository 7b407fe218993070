// parallel_for hands out every index once, and an exception in any call reaches the caller
// (instead of ending the program) after the other threads have stopped.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "util/parallel_for.hpp"

namespace qloop::testing {
namespace {

TEST(ParallelFor, runs_every_index_exactly_once) {
  std::vector<std::atomic<int>> runs(1000);
  parallel_for(runs.size(), 4, [&](std::size_t i) { ++runs[i]; });
  for (const auto& n : runs) EXPECT_EQ(n.load(), 1);
}

TEST(ParallelFor, an_exception_in_a_worker_reaches_the_caller) {
  std::atomic<int> calls{0};
  auto throwing = [&](std::size_t i) {
    ++calls;
    if (i == 3) throw std::runtime_error("job 3 failed");
    // Every other job takes a while: the others cannot run through all the indices while the
    // failing thread is descheduled between its throw and the end of the hand-out (with
    // trivial jobs that happened on a loaded machine).
    std::this_thread::sleep_for(std::chrono::microseconds(10));
  };
  try {
    parallel_for(100000, 4, throwing);
    FAIL() << "no exception reached the caller";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "job 3 failed");
  }
  EXPECT_LT(calls.load(), 100000);  // no index is handed out after the error
}

TEST(ParallelFor, an_exception_on_the_calling_thread_waits_for_the_others) {
  std::atomic<int> running{0};
  EXPECT_THROW(parallel_for(8, 2,
                            [&](std::size_t i) {
                              ++running;
                              if (i == 0) throw std::logic_error("first");
                              --running;
                            }),
               std::logic_error);
  EXPECT_EQ(running.load(), 1);  // only the failed call is unfinished; the other thread joined
}

}  // namespace
}  // namespace qloop::testing
