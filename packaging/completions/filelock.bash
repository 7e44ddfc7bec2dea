# bash completion for filelock(1)
_filelock()
{
    local cur prev words cword
    _init_completion || return
    local cmds="status clean run wait info batch"
    local global="--help --version --config --verbose --quiet"
    local sub="" i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            status | clean | run | wait | info | batch) sub=${words[i]}; break ;;
            --) return ;;
        esac
    done
    case $prev in
        --config | --files-from) _filedir; return ;;
        -d | --directory) _filedir -d; return ;;
        -t | --timeout | --max-age-hours | --max-depth | -j | --workers | --tag) return ;;
    esac
    local opts
    case $sub in
        "") COMPREPLY=($(compgen -W "$cmds $global" -- "$cur")); return ;;
        status) opts="-d --directory --max-age-hours --max-depth --cross-filesystems --json" ;;
        clean) opts="-d --directory --max-age-hours --max-depth --cross-filesystems --json -n --dry-run" ;;
        run) opts="-n --nonblock -w --wait -t --timeout -s --shared -x --exclusive -E --conflict-exit-code -c --command -o --close -k --keep --no-record --clean-stale --lock-file --tag" ;;
        wait) opts="-t --timeout" ;;
        info) opts="--max-age-hours --json" ;;
        batch) opts="--files-from -j --workers -t --timeout --skip-locked --stop-on-failure --json" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts $global -h --help" -- "$cur"))
    else
        _filedir
    fi
}
complete -F _filelock filelock
