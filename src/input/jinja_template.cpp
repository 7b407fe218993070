#include "input/jinja_template.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "util/error.hpp"

extern char** environ;

namespace qloop::input {

namespace {

namespace fs = std::filesystem;

// Run by Debian's Python: argv[1] the template, argv[2] the variables as a JSON object of
// strings. Writes the rendered text to stdout; on failure "file\nline\nmessage" to stderr
// and exit status 3 (4: jinja2 missing).
constexpr const char* kRenderer = R"PY(
import glob, json, os, sys
try:
    import jinja2
except ImportError:
    sys.exit(4)

top = os.path.abspath(sys.argv[1])
given = json.loads(sys.argv[2])
variables = {}
for name, text in given.items():
    try:
        variables[name] = json.loads(text)
    except ValueError:
        variables[name] = text
home = os.path.dirname(top)
folders = [home]

def locate(path):
    if os.path.isabs(path):
        return path
    for folder in reversed(folders):
        candidate = os.path.join(folder, path)
        if os.path.exists(candidate):
            return os.path.normpath(candidate)
    return os.path.normpath(os.path.join(home, path))

def add_to_path(folder):
    folder = folder if os.path.isabs(folder) else os.path.join(home, folder)
    if folder not in folders:
        folders.append(folder)
    return ""

def path_exists(path):
    return os.path.exists(locate(path))

class Failure(Exception):
    def __init__(self, file, line, message):
        self.file, self.line, self.message = file, line, message

def render(path):
    if not os.path.isfile(path):
        raise Failure(path, 0, "no such file to include")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.globals.update(cwd=lambda: home, add_to_path=add_to_path, path_exists=path_exists,
                       include=include, include_all=include_all)
    try:
        return env.from_string(text).render(**variables)
    except Failure:
        raise
    except jinja2.TemplateSyntaxError as e:
        raise Failure(path, e.lineno or 0, "jinja2: " + e.message)
    except jinja2.UndefinedError as e:
        raise Failure(path, 0, "jinja2: %s; give it with --var NAME=VALUE" % e.message)
    except Exception as e:
        raise Failure(path, 0, "jinja2: %s" % e)

def entry(path, key):
    path = locate(path)
    return {"file": path, "key": key, "text": render(path)}

def include(path, key=""):
    return "!qloop-include " + json.dumps(entry(path, key), ensure_ascii=False)

def include_all(pattern, key=""):
    found = sorted(glob.glob(pattern if os.path.isabs(pattern) else os.path.join(home, pattern)))
    for folder in folders[1:]:
        if not found and not os.path.isabs(pattern):
            found = sorted(glob.glob(os.path.join(folder, pattern)))
    return "!qloop-include-all " + json.dumps([entry(p, key) for p in found], ensure_ascii=False)

try:
    sys.stdout.buffer.write(render(top).encode("utf-8"))
except Failure as e:
    sys.stderr.buffer.write(("%s\n%d\n%s" % (e.file, e.line, e.message)).encode("utf-8"))
    sys.exit(3)
)PY";

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Debian's Python (the one python3-jinja2 installs into) when present.
std::string python() { return fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3"; }

}  // namespace

bool is_template_path(const std::string& path) {
  auto ext = fs::path(path).extension().string();
  return ext == ".jinja2" || ext == ".jinja";
}

std::string render_template(const std::string& path, const TemplateVariables& variables) {
  std::string vars = "{";
  for (const auto& [name, value] : variables) {
    vars += (vars.size() > 1 ? "," : "") + json_string(name) + ":" + json_string(value);
  }
  vars += "}";
  // Output through files: a pipe read after the child ends could fill up and block it. A
  // folder of its own per render (mkdtemp): renders may run at once in one process (Python
  // threads), and nobody else can place a file there.
  std::error_code ec;
  auto base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string pattern = (base / "qloop-jinja-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw InputError(path, "", 0,
                     fmt::format("cannot make a temporary folder in {} to render the template", base.string()));
  }
  fs::path dir = pattern;
  auto out_file = (dir / "rendered").string(), err_file = (dir / "errors").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::string interpreter = python();
  std::vector<std::string> args = {interpreter, "-c", kRenderer, path, vars};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int spawned = posix_spawnp(&pid, interpreter.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  if (spawned == 0) {
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  auto rendered = read_all(out_file), errors = read_all(err_file);
  fs::remove_all(dir, ec);
  int code = spawned != 0 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == 0) return rendered;
  if (code == 4 || spawned != 0) {
    throw InputError(path, "", 0,
                     "rendering a jinja2 template needs Python 3 with jinja2 (Debian: apt-get install "
                     "python3-jinja2); plain YAML inputs do not");
  }
  if (code == 3) {
    std::istringstream lines(errors);
    std::string file, line, message;
    std::getline(lines, file);
    std::getline(lines, line);
    std::getline(lines, message, '\0');
    throw InputError(file, "", std::atoi(line.c_str()), message);
  }
  throw InputError(path, "", 0, "rendering the jinja2 template failed: " + errors);
}

}  // namespace qloop::input
