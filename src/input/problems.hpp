#pragma once
// Problems of an input that need not stop its reading (an unknown key, a misspelt or
// conflicting attribute: what they would have set is not used either way), gathered so that
// one run reports them all, each with its file, line, key path and fix, instead of one per run.
// A reader of a whole input owns one and hands it to its root NodeReaders; every child reader
// reports into it.

#include <cstddef>
#include <optional>
#include <vector>

#include "util/error.hpp"

namespace qloop::input {

class Problems {
 public:
  static constexpr std::size_t kLimit = 20;  // reported in full; the rest are counted

  void add(InputError problem);
  bool empty() const { return problems_.empty(); }
  std::size_t size() const { return problems_.size() + dropped_; }

  // Throws one InputError holding every problem (placed at the first), if there are any.
  void raise_if_any() const;
  // The same with `fatal`, the error that stopped the reading, last.
  [[noreturn]] void raise_with(const InputError& fatal) const;

  // Runs `read` and raises everything found along the way, or returns its result.
  template <typename Read>
  auto collect(Read read) const -> decltype(read()) {
    std::optional<decltype(read())> result;
    try {
      result.emplace(read());
    } catch (const InputError& fatal) {
      if (empty()) throw;
      raise_with(fatal);
    }
    raise_if_any();
    return std::move(*result);
  }

 private:
  [[noreturn]] void raise(std::vector<InputError> all) const;
  std::vector<InputError> problems_;
  std::size_t dropped_ = 0;
};

}  // namespace qloop::input
