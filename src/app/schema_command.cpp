#include "app/schema_command.hpp"

#include "input/schema.hpp"

namespace qloop::app {

std::string input_reference() { return input::schema_markdown(); }

}  // namespace qloop::app
