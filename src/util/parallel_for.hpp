#pragma once
// Runs fn(0) .. fn(count - 1) on up to `threads` threads (the calling thread among them),
// handing out indices in order. `after_each_on_caller` (may be empty) runs on the calling
// thread after each of its own calls, with the number finished so far: where progress is
// reported from, since only the caller may print.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace qloop {

// 0 (or less) means every core.
inline int resolve_threads(int threads) {
  return threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

template <typename Fn>
void parallel_for(std::size_t count, int threads, Fn fn,
                  const std::function<void(std::size_t)>& after_each_on_caller = {}) {
  int workers = std::max(1, std::min<int>(resolve_threads(threads), static_cast<int>(count)));
  std::atomic<std::size_t> next{0}, finished{0};
  auto work = [&] {
    for (std::size_t i = next++; i < count; i = next++) {
      fn(i);
      ++finished;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < workers; ++t) pool.emplace_back(work);
  for (std::size_t i = next++; i < count; i = next++) {
    fn(i);
    ++finished;
    if (after_each_on_caller) after_each_on_caller(finished.load());
  }
  for (auto& t : pool) t.join();
  if (after_each_on_caller) after_each_on_caller(finished.load());
}

}  // namespace qloop
