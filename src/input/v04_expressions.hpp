#pragma once
// Expressions in Timeloop v0.4 specifications, as its front end evaluates them: top-level
// `variables` (`DATAWIDTH * 2`), component attributes (`datawidth * 3`, `max(32, width)`,
// `ceil(log2(depth))`) and constraints (`len(spec.problem.instance)`). A value that is no
// expression over known names (`"LPDDR4"`, `45nm`) stays the string it is, as there; the
// parsers that read it then say what they expected.

#include <map>
#include <optional>
#include <string>

namespace qloop::input {

// Names an expression may use, with their values: numbers, or strings (a name whose value
// is a string can stand alone, as `technology: TECH`). Dotted names are allowed
// (spec.problem.instance.C), and `len(prefix)` counts the names under `prefix.`.
class V04Scope {
 public:
  void set_number(const std::string& name, double value);
  void set_string(const std::string& name, const std::string& value);
  // The value of `text`: a number, or the string `text` itself when it is no expression over
  // the names here, or the string value of a name standing alone.
  struct Value {
    std::optional<double> number;
    std::string text;
  };
  Value evaluate(const std::string& text) const;

 private:
  std::map<std::string, double> numbers_;
  std::map<std::string, std::string> strings_;
};

}  // namespace qloop::input
