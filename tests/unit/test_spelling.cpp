// Which valid name a misspelt one was meant to be: the "did you mean" of every input error.
#include <gtest/gtest.h>

#include "input/spelling.hpp"

namespace qloop::input {
namespace {

const std::vector<std::string> kAttributes = {"depth", "width", "block-size", "word-bits", "read_bandwidth"};

TEST(Spelling, two_swapped_letters_are_one_typo) {
  EXPECT_EQ(closest_name("depht", kAttributes), "depth");
  EXPECT_EQ(closest_name("witdh", kAttributes), "width");
}

TEST(Spelling, a_dropped_or_extra_letter_and_other_separators_are_forgiven) {
  EXPECT_EQ(closest_name("read_bandwith", kAttributes), "read_bandwidth");
  EXPECT_EQ(closest_name("blocksize", kAttributes), "block-size");
  EXPECT_EQ(closest_name("Word_Bits", kAttributes), "word-bits");
}

TEST(Spelling, a_different_word_is_no_misspelling) {
  EXPECT_EQ(closest_name("technology", kAttributes), "");
  EXPECT_EQ(closest_name("n_banks", kAttributes), "");
  // Short names allow one edit only: "dp" is two away from anything.
  EXPECT_EQ(closest_name("dp", kAttributes), "");
}

}  // namespace
}  // namespace qloop::input
