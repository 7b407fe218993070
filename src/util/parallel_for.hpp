#pragma once
// Runs fn(0) .. fn(count - 1) on up to `threads` threads (the calling thread among them),
// handing out indices in order. `after_each_on_caller` (may be empty) runs on the calling
// thread after each of its own calls, with the number finished so far: where progress is
// reported from, since only the caller may print. An exception thrown by any call stops the
// hand-out of new indices and is rethrown to the caller once every thread has finished.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <system_error>
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
  std::exception_ptr error;
  std::mutex error_mutex;
  // One call; false when it threw (the first error is kept, the rest are dropped).
  auto call = [&](std::size_t i) {
    try {
      fn(i);
      ++finished;
      return true;
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      next = count;  // hand out nothing more
      return false;
    }
  };
  auto work = [&] {
    for (std::size_t i = next++; i < count; i = next++) {
      if (!call(i)) return;
    }
  };
  std::vector<std::thread> pool;
  try {
    for (int t = 1; t < workers; ++t) pool.emplace_back(work);
  } catch (const std::system_error&) {  // fewer threads than asked: the ones started and this one do it all
  }
  for (std::size_t i = next++; i < count; i = next++) {
    if (!call(i)) break;
    if (after_each_on_caller) after_each_on_caller(finished.load());
  }
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  if (after_each_on_caller) after_each_on_caller(finished.load());
}

}  // namespace qloop
