# bash completion for tuiyan                                     -*- shell-script -*-
# Installed as share/bash-completion/completions/tuiyan. What a word may become is asked of
# tuiyan itself (`tuiyan --complete CWORD WORDS...`, lua/commands.lua): the commands, the options
# each command takes, the formats it writes, help topics, installed package names, and which files
# fit its arguments — from the same table its parser and help use, so they cannot disagree.
# tests/cli/test_install.sh checks that every option `tuiyan --help` lists is offered here.

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

    # The first line names the files that fit ("-" none, "file", "dir", or extensions), the
    # rest are words.
    local IFS=$'\n'
    local -a answer
    answer=($("${words[0]}" --complete "$cword" "${words[@]:0:cword}" "$cur" 2>/dev/null)) || return
    [[ ${#answer[@]} -gt 0 ]] || return
    local files=${answer[0]} ext
    COMPREPLY=()
    if [[ ${#answer[@]} -gt 1 ]]; then
        COMPREPLY=($(compgen -W "${answer[*]:1}" -- "$cur"))
    fi
    case $files in
        -) ;;
        file) COMPREPLY+=($(compgen -f -- "$cur")) ;;
        dir) COMPREPLY+=($(compgen -d -- "$cur")) ;;
        *)
            IFS=' '
            for ext in $files; do COMPREPLY+=($(compgen -f -X "!*.$ext" -- "$cur")); done
            IFS=$'\n'
            COMPREPLY+=($(compgen -d -- "$cur")) ;;
    esac
    # A package name ends in ':' (its scenario follows): no space after it.
    [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *: ]] && compopt -o nospace 2>/dev/null
    return 0
}
complete -F _tuiyan tuiyan
