// completion.cpp - `filelock completion bash|zsh|fish`: shell completion
// scripts written from the command-line definition itself, so they list
// exactly the subcommands and options the tool has.  The build installs
// their output; the subcommand is not shown in --help.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"

namespace flcli {

namespace {

struct Opt {
    std::vector<std::string> shorts, longs;  // without dashes
    std::string help;
    bool takes_value = false;
    bool file = false, dir = false;  // what its value names
};

struct Sub {
    std::string name, help;
    std::vector<Opt> opts;
    bool positional_files = false;  // takes a FILE/PATH
    bool takes_command = false;     // run, batch: COMMAND after --
};

std::vector<Opt> options_of(const CLI::App *app)
{
    std::vector<Opt> out;
    for (const CLI::Option *o : app->get_options()) {
        if (o->get_lnames().empty() && o->get_snames().empty()) continue;  // positionals
        Opt x;
        x.shorts = o->get_snames();
        x.longs = o->get_lnames();
        x.help = o->get_description();
        x.takes_value = o->get_expected_min() > 0;
        const std::string t = o->get_type_name();
        x.dir = t == "DIR";
        x.file = t == "FILE" || t == "PATH" || t == "LIST";
        out.push_back(x);
    }
    return out;
}

std::string quote_single(const std::string &s)
{
    std::string out;
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out;
}

// zsh's _arguments descriptions: no ']' or ':'.
std::string zsh_text(const std::string &s)
{
    std::string out;
    for (char c : s) {
        if (c == ']' || c == '[') continue;
        out += c == ':' ? ' ' : c;
    }
    return quote_single(out);
}

std::string words(const std::vector<Opt> &opts)
{
    std::string w;
    for (const Opt &o : opts) {
        for (const std::string &s : o.shorts) w += " -" + s;
        for (const std::string &l : o.longs) w += " --" + l;
    }
    return w.empty() ? w : w.substr(1);
}

void bash(const std::vector<Opt> &global, const std::vector<Sub> &subs)
{
    std::string names, file_opts, dir_opts, value_opts;
    for (const Sub &s : subs) names += (names.empty() ? "" : " ") + s.name;
    auto collect = [&](const std::vector<Opt> &opts) {
        for (const Opt &o : opts) {
            std::string &into = o.dir ? dir_opts : o.file ? file_opts : value_opts;
            if (!o.takes_value) continue;
            for (const std::string &s : o.shorts) into += " -" + s;
            for (const std::string &l : o.longs) into += " --" + l;
        }
    };
    collect(global);
    for (const Sub &s : subs) collect(s.opts);
    // " -a --b -a" -> "-a | --b": a case pattern, each word once.
    auto alts = [](const std::string &list) {
        std::vector<std::string> seen;
        std::string out, w;
        for (size_t i = 0; i <= list.size(); ++i) {
            if (i < list.size() && list[i] != ' ') {
                w += list[i];
                continue;
            }
            if (!w.empty() && std::find(seen.begin(), seen.end(), w) == seen.end()) {
                seen.push_back(w);
                out += (out.empty() ? "" : " | ") + w;
            }
            w.clear();
        }
        return out.empty() ? std::string("--no-such-option--") : out;
    };
    std::printf("# bash completion for filelock(1), written by 'filelock completion bash'\n");
    std::printf("_filelock()\n{\n    local cur prev words cword\n    _init_completion || return\n");
    std::printf("    local cmds=\"%s\"\n    local global=\"%s\"\n", names.c_str(), words(global).c_str());
    std::printf("    local sub=\"\" i\n    for ((i = 1; i < cword; i++)); do\n        case ${words[i]} in\n");
    std::printf("            --) return ;;\n            %s) sub=${words[i]}; break ;;\n        esac\n    done\n",
                alts(" " + names).c_str());
    std::printf("    case $prev in\n        %s) _filedir; return ;;\n        %s) _filedir -d; return ;;\n"
                "        %s) return ;;\n    esac\n",
                alts(file_opts).c_str(), alts(dir_opts).c_str(), alts(value_opts).c_str());
    std::printf("    local opts=\"\"\n    case $sub in\n");
    std::printf("        \"\") COMPREPLY=($(compgen -W \"$cmds $global\" -- \"$cur\")); return ;;\n");
    for (const Sub &s : subs) std::printf("        %s) opts=\"%s\" ;;\n", s.name.c_str(), words(s.opts).c_str());
    std::printf("    esac\n    if [[ $cur == -* ]]; then\n        COMPREPLY=($(compgen -W \"$opts $global\" -- \"$cur\"))\n"
                "    else\n        _filedir\n    fi\n}\ncomplete -F _filelock filelock\n");
}

std::string zsh_spec(const Opt &o)
{
    std::vector<std::string> names;
    for (const std::string &s : o.shorts) names.push_back("-" + s);
    for (const std::string &l : o.longs) names.push_back("--" + l);
    std::string action = !o.takes_value ? "" : o.dir ? ":dir:_files -/" : o.file ? ":file:_files" : ":value:";
    std::string desc = "[" + zsh_text(o.help) + "]" + action;
    if (names.size() == 1) return "'" + names[0] + desc + "'";
    std::string excl = "(", brace = "{";
    for (size_t i = 0; i < names.size(); ++i) {
        excl += (i ? " " : "") + names[i];
        brace += (i ? "," : "") + names[i];
    }
    return "'" + excl + ")'" + brace + "}'" + desc + "'";
}

void zsh(const std::vector<Opt> &global, const std::vector<Sub> &subs)
{
    std::printf("#compdef filelock\n# zsh completion for filelock(1), written by 'filelock completion zsh'\n");
    std::printf("local -a global\nglobal=(\n");
    for (const Opt &o : global) std::printf("  %s\n", zsh_spec(o).c_str());
    std::printf(")\n_arguments -C $global '1:command:((");
    for (size_t i = 0; i < subs.size(); ++i)
        std::printf("%s%s\\:\"%s\"", i ? " " : "", subs[i].name.c_str(), zsh_text(subs[i].help).c_str());
    std::printf("))' '*::arg:->args'\ncase $words[1] in\n");
    for (const Sub &s : subs) {
        std::printf("  %s) _arguments $global", s.name.c_str());
        for (const Opt &o : s.opts) std::printf(" %s", zsh_spec(o).c_str());
        if (s.takes_command) std::printf(" '1:file:_files' '*::command:_normal'");
        else if (s.positional_files) std::printf(" '*:file:_files'");
        std::printf(" ;;\n");
    }
    std::printf("esac\n");
}

void fish_opt(const char *cond, const Opt &o)
{
    std::printf("complete -c filelock%s", cond);
    for (const std::string &s : o.shorts) std::printf(" -s %s", s.c_str());
    for (const std::string &l : o.longs) std::printf(" -l %s", l.c_str());
    if (o.takes_value) std::printf(o.file || o.dir ? " -r -F" : " -x");
    std::printf(" -d '%s'\n", quote_single(o.help).c_str());
}

void fish(const std::vector<Opt> &global, const std::vector<Sub> &subs)
{
    std::string names;
    for (const Sub &s : subs) names += " " + s.name;
    std::printf("# fish completion for filelock(1), written by 'filelock completion fish'\n");
    std::printf("set -l cmds%s\ncomplete -c filelock -f\n", names.c_str());
    for (const Sub &s : subs)
        std::printf("complete -c filelock -n \"not __fish_seen_subcommand_from $cmds\" -a %s -d '%s'\n",
                    s.name.c_str(), quote_single(s.help).c_str());
    for (const Opt &o : global) fish_opt("", o);
    for (const Sub &s : subs) {
        const std::string cond = " -n \"__fish_seen_subcommand_from " + s.name + "\"";
        for (const Opt &o : s.opts) fish_opt(cond.c_str(), o);
        if (s.positional_files || s.takes_command)
            std::printf("complete -c filelock%s -F\n", cond.c_str());
    }
}

} // namespace

Command add_completion(CLI::App &app, std::vector<Command> *commands)
{
    auto shell = std::make_shared<std::string>();
    Command c;
    c.app = app.add_subcommand("completion", "Print a shell completion script (bash, zsh, fish)");
    c.app->group("");  // not listed in --help
    c.app->add_option("SHELL", *shell, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
    c.run = [&app, shell, commands](Context &, const std::vector<std::string> &) {
        std::vector<Opt> global = options_of(&app);
        std::vector<Sub> subs;
        for (Command &cmd : *commands) {
            cmd.ensure_populated();
            Sub s;
            s.name = cmd.app->get_name();
            s.help = cmd.app->get_description();
            s.opts = options_of(cmd.app);
            s.takes_command = cmd.takes_command;
            for (const CLI::Option *o : cmd.app->get_options())
                if (o->get_lnames().empty() && o->get_snames().empty()) s.positional_files = true;
            subs.push_back(s);
        }
        if (*shell == "bash") bash(global, subs);
        else if (*shell == "zsh") zsh(global, subs);
        else fish(global, subs);
        return kExitOk;
    };
    return c;
}

} // namespace flcli
