#pragma once
// How a caller steers a command and hears from it while it runs. Every callback is called
// on the caller's thread; an empty one is skipped.

#include <atomic>
#include <functional>
#include <string>

namespace qloop::app {

struct RunControl {
  const std::atomic<bool>* stop = nullptr;  // set (e.g. on Ctrl-C): searches end, keeping their best so far
  std::function<void(const std::string& line)>
      progress;  // one line of progress, often: the caller decides how often to show it
  std::function<void(const std::string& note)> note;  // something in the inputs skipped or assumed, once each
};

}  // namespace qloop::app
