// config.cpp - loading the `file_locking:` section from YAML, a file and the
// FILELOCK_* environment.  Every source reads its values through the one
// key table (config_keys.cpp), so the sources can never disagree about a
// key's type, bounds or spelling.
#include "config.hpp"
#include "config_keys.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>


#include <yaml-cpp/yaml.h>

#include "error.hpp"
#include "log.hpp"
#include "platform/platform.hpp"


namespace filelock {

using namespace config_detail;

namespace {

std::string where(const std::string &name, const YAML::Mark &m)
{
    if (m.is_null()) return name;
    return name + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

std::string node_kind(const YAML::Node &n)
{
    return n.IsMap() ? "a mapping" : n.IsSequence() ? "a list" : n.IsNull() ? "nothing" : "a scalar";
}

// Apply the section of a parsed document to `c`.
int apply_yaml(std::string_view yaml, const std::string &name, Config &c)
{
    std::vector<YAML::Node> docs;
    try {
        docs = YAML::LoadAll(std::string(yaml));
    } catch (const YAML::Exception &e) {
        return fail(FL_ECONFIG, where(name, e.mark) + ": malformed YAML: " + e.msg);
    }
    // A second document would be ignored by readers that take the first:
    // refuse it rather than guess which one was meant.
    if (docs.size() > 1)
        return fail(FL_ECONFIG, where(name, docs[1].Mark()) +
                                    ": a second YAML document; a config file holds one");
    YAML::Node root = docs.empty() ? YAML::Node() : docs[0];
    try {
        if (root.IsNull()) return FL_OK;  // empty file: defaults
        if (!root.IsMap())
            return fail(FL_ECONFIG, where(name, root.Mark()) + ": expected a mapping at the top level " +
                                        "(with a " + std::string(kConfigSection) + ": section), got " +
                                        node_kind(root));
        const YAML::Node &const_root = root;  // const operator[] does not insert
        const YAML::Node section = const_root[std::string(kConfigSection)];
        if (!section || section.IsNull()) return FL_OK;
        if (!section.IsMap())
            return fail(FL_ECONFIG, where(name, section.Mark()) + ": " + std::string(kConfigSection) +
                                        " must be a mapping of keys, got " + node_kind(section));
        std::map<std::string, YAML::Mark> seen;
        for (const auto &kv : section) {
            const YAML::Node &key = kv.first, &val = kv.second;
            std::string at = where(name, key.Mark());
            if (!key.IsScalar())
                return fail(FL_ECONFIG, at + ": expected a key name, got " + node_kind(key));
            const std::string &kname = key.Scalar();
            const KeyDef *k = find_key(kname);
            if (!k) return fail(FL_ECONFIG, at + ": " + unknown_key(kname));
            auto [it, fresh] = seen.emplace(kname, key.Mark());
            if (!fresh)
                return fail(FL_ECONFIG, at + ": duplicate key '" + kname + "' (first at line " +
                                            std::to_string(it->second.line + 1) + ")");
            std::string full = std::string(kConfigSection) + "." + kname;
            // An empty value's mark points past it, at the next line: use
            // the key's position for null values.
            if (!val.IsNull()) at = where(name, val.Mark());
            if (val.IsMap() || val.IsSequence())
                return fail(FL_ECONFIG, at + ": " + full + ": expected " +
                                            std::string(expected(k->kind)) + ", got " + node_kind(val));
            Scalar s;
            s.null = val.IsNull();
            if (!s.null) {
                s.text = val.Scalar();
                // "!" marks a quoted scalar; !!str is an explicit string.
                s.quoted = val.Tag() == "!" || val.Tag() == "tag:yaml.org,2002:str";
            }
            std::string why = apply_value(*k, s, c);
            if (!why.empty()) return fail(FL_ECONFIG, at + ": " + full + ": " + why);
        }
        return FL_OK;
    } catch (const YAML::Exception &e) {
        return fail(FL_ECONFIG, where(name, e.mark) + ": " + e.msg);
    }
}

// Whole file into `out`.  A config file is small: the cap bounds both the
// parse time and the memory (YAML costs about 40 bytes of memory per byte
// of input, linearly).  Only a regular file is read, and it is opened
// without blocking, so a FIFO or a device given as --config is refused at
// once instead of hanging.
int read_file(const std::string &path, std::string *out)
{
    std::string kind;
    int rc = platform::read_regular_file(path, kMaxConfigBytes, out, &kind);
    if (rc == FL_OK || rc == FL_ENOENT || rc == FL_EPERM || rc == FL_ENOMEM) return rc;
    if (rc == FL_EUNSAFE)
        return fail(FL_ECONFIG, "config path " + path + " is a " + kind + ", not a YAML file");
    if (rc == FL_EINVAL)  // too large
        return refail(FL_ECONFIG, "config " + last_error() + " (a config file may have " +
                                      std::to_string(kMaxConfigBytes >> 10) + " KiB)");
    return rc;
}

} // namespace

Options Config::to_options() const
{
    Options o;
    o.timeout_ms = timeout_ms;
    o.poll_interval_ms = poll_interval_ms;
    o.shared = shared;
    o.file.remove_on_release = remove_lock_files;
    if (lock_file_mode_set) {
        o.file.create_mode = lock_file_mode;
        o.file.mode_explicit = true;
    }
    o.tag = tag;
    o.file.lock_dir = lock_directory;
    o.backend = backend;
    o.lease.ttl_ms = lease_ttl_ms;
    return o;
}

namespace {
// A FILELOCK_* variable that names no key is almost always a typo that
// would otherwise be ignored without a word: say so (once per name).
void warn_unknown_env()
{
    static std::mutex mu;
    static std::set<std::string> warned;
    for (char **e = environ; e && *e; ++e) {
        std::string_view entry(*e);
        if (!entry.starts_with("FILELOCK_")) continue;
        std::string_view name = entry.substr(0, entry.find('='));
        std::string key = lower(name.substr(9));
        if (std::any_of(kKeys, kKeys + kKeyCount,
                        [&](const KeyDef &k) { return k.name == key; }))
            continue;
        // Not settings, but known names: the CLI's config file, where the
        // Rust binding's build finds the library, and the fencing token
        // `filelock run` gives its command.
        if (key == "config" || key == "lib_dir" || key == "static" || key == "fencing_token") continue;
        {
            std::lock_guard<std::mutex> g(mu);
            if (!warned.insert(std::string(name)).second) continue;
        }
        std::string msg = "environment variable " + std::string(name) +
                          " is not a filelock setting and is ignored";
        std::string_view hint = suggest_key(key);
        if (!hint.empty()) {
            std::string var = "FILELOCK_" + std::string(hint);
            std::transform(var.begin(), var.end(), var.begin(),
                           [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
            msg += "; did you mean " + var + "?";
        }
        log::write(FL_LOG_WARN, msg);
    }
}
} // namespace

int config_apply_env(Config *cfg)
{
    warn_unknown_env();
    Config c = *cfg;
    for (size_t i = 0; i < kKeyCount; ++i) {
        const KeyDef &k = kKeys[i];
        std::string var = "FILELOCK_" + lower(k.name);
        std::transform(var.begin(), var.end(), var.begin(), [](unsigned char ch) {
            return static_cast<char>(std::toupper(ch));
        });
        const char *v = std::getenv(var.c_str());
        if (!v || !*v) continue;  // empty counts as unset
        std::string why = apply_value(k, scalar_from_text(k, v), c);
        if (!why.empty()) return fail(FL_ECONFIG, "environment variable " + var + ": " + why);
    }
    *cfg = std::move(c);
    return FL_OK;
}

int config_load_string(std::string_view yaml, const std::string &name, uint32_t flags,
                       Config *out)
{
    if (flags & ~kConfigIgnoreEnv)
        return fail(FL_EINVAL, "unknown config flags " + std::to_string(flags));
    Config c;
    int rc = apply_yaml(yaml, name, c);
    if (rc == FL_OK && !(flags & kConfigIgnoreEnv)) rc = config_apply_env(&c);
    if (rc == FL_OK) *out = std::move(c);
    return rc;
}

int config_load_file(const std::string &path, uint32_t flags, Config *out)
{
    std::string text;
    int rc = read_file(path, &text);
    return rc == FL_OK ? config_load_string(text, path, flags, out) : rc;
}

} // namespace filelock
