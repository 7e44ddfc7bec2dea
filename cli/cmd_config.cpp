// cmd_config.cpp - `filelock config show` (the effective settings and where
// each came from) and `filelock config check FILE` (validate one file).
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "commands.hpp"
#include "output.hpp"

namespace flcli {

namespace {

const char *const kHelp =
    "config show: every setting's effective value and its source: 'default',\n"
    "'environment (FILELOCK_KEY)', or the file it came from.  A key the file sets to its\n"
    "default value shows as 'default'.  Also which file was used and every place that was\n"
    "searched.  config check FILE: load FILE (without the environment) and report the\n"
    "first problem with its line and column; exit 0 when valid, 78 when not.\n\n"
    "WHERE THE FILE COMES FROM (first found wins; the others are not read)\n"
    "  1. --config FILE                                   (must exist)\n"
    "  2. $FILELOCK_CONFIG                                 (must exist)\n"
    "  3. $XDG_CONFIG_HOME/filelock/config.yaml, or ~/.config/filelock/config.yaml\n"
    "  4. /etc/filelock/config.yaml\n"
    "  Then FILELOCK_<KEY> environment variables override the file, and command-line\n"
    "  options override both.\n\n"
    "OUTPUT\n"
    "  show: a table KEY VALUE SOURCE.  With --json: {\"schema\": 1, \"file\": path or\n"
    "  null, \"found_by\": how or null, \"searched\": [paths], \"settings\": [{\"key\",\n"
    "  \"value\", \"source\"}]}.\n";

const char *const kKeys[] = {"enabled",           "timeout_seconds",       "retry_attempts",
                             "retry_delay_seconds", "cleanup_stale_locks", "stale_threshold_hours",
                             "poll_interval_seconds", "remove_lock_files", "lock_file_mode",
                             "lock_directory",     "shared",                "tag",
                             "backend",            "lease_ttl_seconds"};

std::string get(fl_config *c, const char *key)
{
    char *out = nullptr;
    if (!c || fl_config_get(c, key, &out) != FL_OK || !out) return "";
    std::string s(out);
    fl_free(out);
    return s;
}

std::string upper(std::string s)
{
    for (char &ch : s) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
    return s;
}

int run_show(Context &ctx, bool json)
{
    if (int rc = ctx.cfg.load(ctx.g); rc != kExitOk) return rc;
    const ConfigSource &src = ctx.cfg.source();
    fl_config *defaults = nullptr, *file_only = nullptr;
    fl_config_new(&defaults, FL_CONFIG_IGNORE_ENV);
    if (!src.path.empty()) fl_config_load_file(&file_only, src.path.c_str(), FL_CONFIG_IGNORE_ENV);
    nlohmann::ordered_json settings = nlohmann::ordered_json::array();
    Table t({"KEY", "VALUE", "SOURCE"});
    for (const char *key : kKeys) {
        const std::string value = ctx.cfg.value(key).value_or("");
        const std::string env = "FILELOCK_" + upper(key);
        const char *ev = std::getenv(env.c_str());
        std::string source = "default";
        if (ev && *ev) source = "environment (" + env + ")";
        else if (file_only && get(file_only, key) != get(defaults, key)) source = src.path;
        settings.push_back({{"key", key}, {"value", value}, {"source", source}});
        t.add({Cell{key}, Cell{printable(value.empty() ? "\"\"" : value)}, Cell{printable(source)}});
    }
    fl_config_free(defaults);
    fl_config_free(file_only);
    if (json) {
        nlohmann::ordered_json doc = json_doc("config show");
        doc["file"] = src.path.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(src.path);
        doc["found_by"] = src.how.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(src.how);
        doc["searched"] = src.searched;
        doc["settings"] = settings;
        print_json(doc);
        return kExitOk;
    }
    if (src.path.empty())
        std::printf("configuration file: none (searched: %s)\n",
                    printable([&] {
                        std::string s;
                        for (const std::string &p : src.searched) s += (s.empty() ? "" : ", ") + p;
                        return s.empty() ? std::string("nothing") : s;
                    }()).c_str());
    else
        std::printf("configuration file: %s (%s)\n", printable(src.path).c_str(), src.how.c_str());
    t.print(stdout, ctx.colour_out);
    return kExitOk;
}

int run_check(Context &ctx, const std::string &file)
{
    fl_config *c = nullptr;
    int rc = fl_config_load_file(&c, file.c_str(), FL_CONFIG_IGNORE_ENV);
    fl_config_free(c);
    if (rc == FL_OK) {
        if (!ctx.g.quiet) std::printf("%s: ok\n", printable(file).c_str());
        return kExitOk;
    }
    error(ctx, last_error(rc));
    return rc == FL_ENOENT ? kExitNoInput : kExitConfig;
}

struct ConfigArgs {
    CLI::App *show = nullptr, *check = nullptr;
    bool json = false;
    std::string file;
};

} // namespace

Command add_config(CLI::App &app)
{
    auto args = std::make_shared<ConfigArgs>();
    Command c;
    c.loads_config = false;  // show loads it itself; check must not need a valid one
    c.app = app.add_subcommand("config", "Show the effective settings, or check a file");
    c.app->footer(kHelp);
    CLI::App *sub = c.app;
    c.populate = [sub, args] {
        sub->require_subcommand(1);
        args->show = sub->add_subcommand("show", "Every setting, its value and where it came from");
        args->show->add_flag("--json", args->json, "Print JSON instead of a table");
        args->check = sub->add_subcommand("check", "Validate a configuration file");
        args->check->add_option("FILE", args->file, "The YAML file")->required();
    };
    c.run = [args](Context &ctx, const std::vector<std::string> &) {
        if (args->check->parsed()) return run_check(ctx, args->file);
        return run_show(ctx, args->json);
    };
    return c;
}

} // namespace flcli
