/**
 * `ikeprobe completion [bash|zsh]`: a script for the shell's completion. It asks ikeprobe itself for
 * the words that fit (`ikeprobe --get-yargs-completions WORDS...`), which yargs answers from the
 * commands and options it knows, so the script never goes stale. Install:
 *   ikeprobe completion >> ~/.bashrc          (or > /etc/bash_completion.d/ikeprobe)
 *   ikeprobe completion zsh >> ~/.zshrc       (or into a folder of $fpath as _ikeprobe)
 */
export const COMPLETION_FLAG = "--get-yargs-completions";

const BASH = `###-begin-ikeprobe-completions-###
# ikeprobe completion for bash. Install: ikeprobe completion >> ~/.bashrc
_ikeprobe_completions() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local words
  words=$(ikeprobe ${COMPLETION_FLAG} "\${COMP_WORDS[@]:0:COMP_CWORD+1}" 2>/dev/null)
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
  return 0
}
complete -o default -F _ikeprobe_completions ikeprobe
###-end-ikeprobe-completions-###
`;

const ZSH = `#compdef ikeprobe
###-begin-ikeprobe-completions-###
# ikeprobe completion for zsh. Install: ikeprobe completion zsh >> ~/.zshrc
_ikeprobe_completions() {
  local -a reply
  reply=("\${(@f)$(ikeprobe ${COMPLETION_FLAG} "\${(@)words[1,CURRENT]}" 2>/dev/null)}")
  _describe 'ikeprobe' reply
}
compdef _ikeprobe_completions ikeprobe
###-end-ikeprobe-completions-###
`;

export function completionScript(shell: "bash" | "zsh"): string {
  return shell === "zsh" ? ZSH : BASH;
}
