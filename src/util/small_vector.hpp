#pragma once
// A vector that keeps its first N elements inline, so the common small case allocates
// nothing. Only what the point sets and access lists need: push_back, clear, iteration, copies.

#include <array>
#include <cstddef>
#include <vector>

namespace qloop {

template <typename T, std::size_t N>
class SmallVector {
 public:
  SmallVector() {}  // user-provided, so value-initialization leaves the inline slots alone
  SmallVector(const SmallVector& other) { *this = other; }
  SmallVector(SmallVector&& other) noexcept = default;
  SmallVector& operator=(SmallVector&& other) noexcept = default;
  // Copies only the elements in use; the heap part only when there is one (the analyses copy
  // small access lists for every candidate).
  SmallVector& operator=(const SmallVector& other) {
    if (this == &other) return *this;
    if (other.on_heap_) {
      heap_ = other.heap_;
    } else {
      if (on_heap_) heap_.clear();
      for (std::size_t i = 0; i < other.inline_size_; ++i) inline_[i] = other.inline_[i];
    }
    on_heap_ = other.on_heap_;
    inline_size_ = other.inline_size_;
    return *this;
  }
  std::size_t size() const { return on_heap_ ? heap_.size() : inline_size_; }
  bool empty() const { return size() == 0; }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size(); }
  T* begin() { return data(); }
  T* end() { return data() + size(); }
  const T& operator[](std::size_t i) const { return data()[i]; }
  T& operator[](std::size_t i) { return data()[i]; }

  void clear() {
    heap_.clear();
    on_heap_ = false;
    inline_size_ = 0;
  }

  void push_back(const T& value) {
    if (!on_heap_ && inline_size_ < N) {
      inline_[inline_size_++] = value;
      return;
    }
    if (!on_heap_) {
      heap_.assign(inline_.begin(), inline_.begin() + inline_size_);
      on_heap_ = true;
    }
    heap_.push_back(value);
  }

 private:
  const T* data() const { return on_heap_ ? heap_.data() : inline_.data(); }
  T* data() { return on_heap_ ? heap_.data() : inline_.data(); }

  std::array<T, N> inline_;
  std::size_t inline_size_ = 0;
  bool on_heap_ = false;
  std::vector<T> heap_;
};

}  // namespace qloop
