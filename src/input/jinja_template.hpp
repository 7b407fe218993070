#pragma once
// Timeloop v0.4 specifications are often jinja2 templates (top.yaml.jinja2) that assemble a
// design from includes. No C++ jinja2 library is packaged in Debian; Debian's python3-jinja2
// is, so a template is rendered by it in a child process (plain YAML needs no Python).
//
// The template sees the variables given (`--var name=value`; a value is read as JSON when it
// is JSON, so `false` and `8` are a boolean and a number, else it is a string) and the
// helpers of Timeloop's front end: cwd() (the template's folder), add_to_path(folder),
// path_exists(path), include(path, key) and include_all(glob, key); the `default` filter is
// jinja2's. A variable the template uses without a default and nobody gave is an error.
//
// include() cannot paste its YAML as text (the v0.4 tags !Container, !Component would not
// survive a round trip through Python's YAML), so it leaves a marker that the YAML loader
// resolves: `!qloop-include {file, key, text}` with the included file rendered by the same
// template engine, or `!qloop-include-all [...]` (their lists joined, or maps merged).

#include <map>
#include <string>

namespace qloop::input {

using TemplateVariables = std::map<std::string, std::string>;

inline constexpr const char* kIncludeTag = "!qloop-include";
inline constexpr const char* kIncludeAllTag = "!qloop-include-all";

// A path that names a template (.jinja2 or .jinja).
bool is_template_path(const std::string& path);

// The rendered text. Throws InputError naming the template (or an included file) and line
// when jinja2 fails, and says how to install python3-jinja2 when it is missing.
std::string render_template(const std::string& path, const TemplateVariables& variables);

}  // namespace qloop::input
