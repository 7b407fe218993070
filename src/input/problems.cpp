#include "input/problems.hpp"

#include <fmt/format.h>

namespace qloop::input {

void Problems::add(InputError problem) {
  if (problems_.size() < kLimit) {
    problems_.push_back(std::move(problem));
  } else {
    ++dropped_;
  }
}

void Problems::raise_if_any() const {
  if (!problems_.empty()) raise(problems_);
}

void Problems::raise_with(const InputError& fatal) const {
  auto all = problems_;
  all.push_back(fatal);
  raise(std::move(all));
}

void Problems::raise(std::vector<InputError> all) const {
  if (all.size() == 1 && dropped_ == 0) throw all.front();
  // The first problem's place; the others as whole lines, the way the CLI prints the first.
  std::string message = all.front().message();
  for (std::size_t i = 1; i < all.size(); ++i) message += fmt::format("\nerror: {}", all[i].what());
  if (dropped_ > 0) message += fmt::format("\n... and {} more problems", dropped_);
  message += fmt::format("\n({} problems in all)", all.size() + dropped_);
  const auto& first = all.front();
  throw InputError(first.file(), first.key_path(), first.line(), message);
}

}  // namespace qloop::input
