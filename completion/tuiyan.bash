# bash completion for tuiyan                                     -*- shell-script -*-
# Installed as share/bash-completion/completions/tuiyan. Commands, the options each takes, the
# formats and help topics, file names, and installed package names (from `tuiyan list`, read only
# after `tuiyan run`/`remove` where one can be named). tests/cli/test_install.sh checks that every
# option `tuiyan --help` lists is offered here, so a new option cannot be forgotten silently.

_tuiyan()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -n =: || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    local commands="run merge progress check extract repl help keygen pack verify install list remove"
    local topics="progress plan targets run check extract repl package exit"
    local formats="text csv json md html svg xlsx"
    local cmd="" i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            -*) ;;
            *) cmd=${words[i]}; break ;;
        esac
    done

    # The value of the option before the cursor.
    case $prev in
        --format)
            if [[ $cmd == extract ]]; then
                COMPREPLY=($(compgen -W "csv json md" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$formats" -- "$cur"))
            fi
            return ;;
        --out|--data)
            COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --peers)
            COMPREPLY=($(compgen -f -X '!*.csv' -- "$cur") $(compgen -d -- "$cur")); return ;;
        --key)
            COMPREPLY=($(compgen -f -X '!*.key' -- "$cur") $(compgen -d -- "$cur")); return ;;
        --trust)
            COMPREPLY=($(compgen -f -X '!*.pub' -- "$cur") $(compgen -d -- "$cur")); return ;;
        -o|--output)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --as-of|--seed|--samples|--set|--limit|--region|--max-bytes|--max-file-bytes|--max-files|--shard|--samples-range)
            return ;;
    esac

    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi

    local opts=""
    case $cmd in
        progress) opts="--as-of --format --no-bom --wide --out --force --peers --region --quiet --wait" ;;
        run)      opts="--out --format --no-bom --wide --set --seed --samples --as-of --data --limit --force --quiet --wait --shard --samples-range" ;;
        merge)    opts="--out --force --quiet --wait" ;;
        check)    opts="--quiet" ;;
        extract)  opts="--check --out --format --force --quiet" ;;
        keygen)   opts="--quiet" ;;
        pack)     opts="-o --output --key --force --quiet --max-bytes --max-file-bytes --max-files" ;;
        verify|install)
                  opts="--trust --allow-downgrade --allow-expired --quiet --max-bytes --max-file-bytes --max-files" ;;
        remove)   opts="--quiet" ;;
        help)     COMPREPLY=($(compgen -W "$topics" -- "$cur")); return ;;
        list|repl) return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi

    case $cmd in
        progress)
            COMPREPLY=($(compgen -f -X '!*.csv' -- "$cur") $(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur")) ;;
        run)
            # Scripts, or NAME: of an installed package (its scenario follows the colon).
            local pkgs
            pkgs=$("${words[0]}" list 2>/dev/null | awk 'NR > 1 { print $1 ":" }')
            COMPREPLY=($(compgen -f -X '!*.lua' -- "$cur") $(compgen -d -- "$cur") $(compgen -W "$pkgs" -- "$cur"))
            [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *: ]] && compopt -o nospace 2>/dev/null ;;
        remove)
            COMPREPLY=($(compgen -W "$("${words[0]}" list 2>/dev/null | awk 'NR > 1 { print $1 }')" -- "$cur")) ;;
        extract)
            COMPREPLY=($(compgen -f -X '!*.txt' -- "$cur") $(compgen -f -X '!*.csv' -- "$cur") $(compgen -d -- "$cur")) ;;
        verify|install)
            COMPREPLY=($(compgen -f -X '!*.tpkg' -- "$cur") $(compgen -d -- "$cur")) ;;
        pack)
            COMPREPLY=($(compgen -d -- "$cur")) ;;
        check|*)
            COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
}
complete -F _tuiyan tuiyan
