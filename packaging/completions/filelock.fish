# fish completion for filelock(1)
set -l cmds status clean run wait info batch
complete -c filelock -f
complete -c filelock -n "not __fish_seen_subcommand_from $cmds" -a status -d 'Show lock files under a directory'
complete -c filelock -n "not __fish_seen_subcommand_from $cmds" -a clean -d 'Remove stale lock files'
complete -c filelock -n "not __fish_seen_subcommand_from $cmds" -a run -d 'Run a command under a lock'
complete -c filelock -n "not __fish_seen_subcommand_from $cmds" -a wait -d 'Wait until a file is not locked'
complete -c filelock -n "not __fish_seen_subcommand_from $cmds" -a info -d 'Show one lock file'
complete -c filelock -n "not __fish_seen_subcommand_from $cmds" -a batch -d 'Run a command on many files'
complete -c filelock -l version -d 'Print the version'
complete -c filelock -l config -r -F -d 'YAML file with a file_locking section'
complete -c filelock -s v -l verbose -d 'More detail'
complete -c filelock -s q -l quiet -d 'Only errors and the requested output'
complete -c filelock -n "__fish_seen_subcommand_from status clean" -s d -l directory -r -a '(__fish_complete_directories)'
complete -c filelock -n "__fish_seen_subcommand_from status clean info" -l max-age-hours -x
complete -c filelock -n "__fish_seen_subcommand_from status clean" -l max-depth -x
complete -c filelock -n "__fish_seen_subcommand_from status clean" -l cross-filesystems
complete -c filelock -n "__fish_seen_subcommand_from status clean info batch" -l json
complete -c filelock -n "__fish_seen_subcommand_from clean" -s n -l dry-run
complete -c filelock -n "__fish_seen_subcommand_from run wait batch" -s t -l timeout -x
complete -c filelock -n "__fish_seen_subcommand_from run" -s s -l shared
complete -c filelock -n "__fish_seen_subcommand_from run" -s k -l keep
complete -c filelock -n "__fish_seen_subcommand_from run" -l tag -x
complete -c filelock -n "__fish_seen_subcommand_from run" -s n -l nonblock
complete -c filelock -n "__fish_seen_subcommand_from run" -s w -l wait -x
complete -c filelock -n "__fish_seen_subcommand_from run" -s x -l exclusive
complete -c filelock -n "__fish_seen_subcommand_from run" -s E -l conflict-exit-code -x
complete -c filelock -n "__fish_seen_subcommand_from run" -s c -l command -x
complete -c filelock -n "__fish_seen_subcommand_from run" -s o -l close
complete -c filelock -n "__fish_seen_subcommand_from run" -l no-record
complete -c filelock -n "__fish_seen_subcommand_from run" -l clean-stale
complete -c filelock -n "__fish_seen_subcommand_from run" -l lock-file -r
complete -c filelock -n "__fish_seen_subcommand_from batch" -l files-from -r -F
complete -c filelock -n "__fish_seen_subcommand_from batch" -s j -l workers -x
complete -c filelock -n "__fish_seen_subcommand_from batch" -l skip-locked
complete -c filelock -n "__fish_seen_subcommand_from batch" -l stop-on-failure
complete -c filelock -n "__fish_seen_subcommand_from run wait info batch" -F
