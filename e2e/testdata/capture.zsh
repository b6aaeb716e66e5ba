# Usage: zsh -f capture.zsh COMPLETIONS_DIR "command line"
# Types the line into an interactive zsh on a pseudo-terminal, presses TAB and
# prints every candidate the completion system offers, one per line.
zmodload zsh/zpty || exit 3
dir=$1 line=$2
zpty z zsh -f -i
zpty -w z "fpath=($dir \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'compadd () {
  if [[ ${@[1,(i)(-[OAD]*)]} == *-[OAD]* ]]; then builtin compadd "$@"; return; fi
  typeset -a __hits __dscr
  if (( $@[(I)-d] )); then __dscr=( "${(@P)${@[$[${@[(i)-d]}+1]]}}" ); fi
  builtin compadd -A __hits "$@"
  (( $#__hits )) || return 1
  print -r -- "<<${(j:>> <<:)__hits}>>"
}'
zpty -w z 'zstyle ":completion:*" list-grouped false; zstyle ":completion:*" insert-tab false; PROMPT=; RPROMPT='
zpty -w z 'echo __READY__'
zpty -r z out '*__READY__*'
zpty -r z out '*__READY__*'
zpty -w -n z "$line"$'\t'
zpty -w z $'\x15echo __DONE__'   # ^U clears the line, then a marker
zpty -r z out '*__DONE__*'
print -r -- "$out" | grep -o '<<[^>]*>>' | tr -d '<>' 
zpty -d z
