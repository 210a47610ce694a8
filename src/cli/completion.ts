import type { Command } from 'commander';

/** The shells `luxeret-privacy completion` writes a script for. */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** One option as completion needs it: its names, whether it takes a value, and what that value may be. */
export interface CompletionOption {
  /** `--format`, `-c`: long first. */
  readonly names: readonly string[];
  readonly description: string;
  readonly takesValue: boolean;
  readonly choices: readonly string[] | undefined;
  /** The value is a file name (`<file>`, `<pem-file>`): the shell completes paths. */
  readonly isFile: boolean;
}

/** A command of the tree: `path` is its words after the program name (`['hold', 'add']`, `[]` for the program). */
export interface CompletionCommand {
  readonly path: readonly string[];
  readonly description: string;
  readonly options: readonly CompletionOption[];
  readonly commands: readonly CompletionCommand[];
  /** What its first argument may be, when commander knows (`completion <shell>`). */
  readonly argumentChoices: readonly string[];
}

const FILE_VALUE = /<[\w-]*(?:file|path|dir)>/i;

/** The command tree as commander has it, so the scripts list exactly what the program accepts (no list to keep). */
export function readCompletionTree(command: Command, parents: readonly string[] = []): CompletionCommand {
  const path = command.parent ? [...parents, command.name()] : [];
  const options = command
    .createHelp()
    .visibleOptions(command)
    .map((option) => ({
      names: [option.long, option.short].filter((name): name is string => name !== undefined),
      description: option.description,
      takesValue: option.required || option.optional,
      choices: option.argChoices,
      isFile: FILE_VALUE.test(option.flags),
    }));
  return {
    path,
    description: command.description(),
    options,
    commands: command.commands.map((sub) => readCompletionTree(sub, path)),
    argumentChoices: command.registeredArguments[0]?.argChoices ?? [],
  };
}

/** The completion script for one shell, for a program called `program` (the root of `tree`). */
export function renderCompletionScript(tree: CompletionCommand, shell: CompletionShell, program: string): string {
  switch (shell) {
    case 'bash':
      return renderBash(tree, program);
    case 'zsh':
      return renderZsh(tree, program);
    case 'fish':
      return renderFish(tree, program);
  }
}

function allCommands(tree: CompletionCommand): CompletionCommand[] {
  return [tree, ...tree.commands.flatMap((sub) => allCommands(sub))];
}

/** Every option that takes a value, anywhere: a word after one is its value, not a command. */
function valueOptionNames(tree: CompletionCommand): string[] {
  const names = allCommands(tree).flatMap((command) => command.options.filter((option) => option.takesValue).flatMap((option) => option.names));
  return [...new Set(names)].sort();
}

/** A command's options but those the program has too (`--help`): the program's apply after every command. */
function ownOptions(command: CompletionCommand, tree: CompletionCommand): CompletionOption[] {
  const globals = new Set(tree.options.flatMap((option) => option.names));
  return command.options.filter((option) => !option.names.every((name) => globals.has(name)));
}

const key = (command: CompletionCommand): string => command.path.join(' ');
const functionName = (program: string): string => `_${program.replace(/[^A-Za-z0-9]/g, '_')}`;

/** POSIX single quotes: the text exactly, in bash, zsh and fish alike only `'` needs care (fish: also `\`). */
function shQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function fishQuote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** One line of a description: the shells show it in a menu. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Shared by bash and zsh: sets `cmdpath` to the command the words before the cursor chose (words that are options, or
 * values of options, or arguments, are passed over), from the variables `words_before`.
 */
function walkCommandPath(tree: CompletionCommand, indent: string): string[] {
  const commandKeys = allCommands(tree)
    .filter((command) => command.path.length > 0)
    .map((command) => shQuote(key(command)));
  return [
    `${indent}local cmdpath='' skip_value=0 word next`,
    `${indent}for word in "\${words_before[@]}"; do`,
    `${indent}  if [[ $skip_value == 1 ]]; then skip_value=0; continue; fi`,
    `${indent}  case "$word" in`,
    `${indent}    ${valueOptionNames(tree).map(shQuote).join('|')}) skip_value=1; continue ;;`,
    `${indent}    -*) continue ;;`,
    `${indent}  esac`,
    `${indent}  next="\${cmdpath:+$cmdpath }$word"`,
    `${indent}  case "$next" in`,
    `${indent}    ${commandKeys.join('|')}) cmdpath="$next" ;;`,
    `${indent}  esac`,
    `${indent}done`,
  ];
}

function renderBash(tree: CompletionCommand, program: string): string {
  const fn = functionName(program);
  const commands = allCommands(tree);
  const globals = tree.options.flatMap((option) => option.names);
  const lines = [
    `# bash completion for ${program}, generated from its command tree by \`${program} completion bash\`.`,
    `# Load it with: source <(${program} completion bash)`,
    `${fn}() {`,
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '  local -a words_before=("${COMP_WORDS[@]:1:COMP_CWORD-1}")',
    ...walkCommandPath(tree, '  '),
    '  local subcommands="" options=""',
    '  case "$cmdpath" in',
    ...commands.map((command) => {
      const subs = [...command.commands.map((sub) => sub.path.at(-1)!), ...command.argumentChoices].join(' ');
      const options = [...new Set([...command.options.flatMap((option) => option.names), ...globals])].join(' ');
      return `    ${shQuote(key(command))}) subcommands=${shQuote(subs)}; options=${shQuote(options)} ;;`;
    }),
    '  esac',
    '  # The value of an option: its choices, a file name, or nothing to offer.',
    '  case "$cmdpath|$prev" in',
    ...commands
      .filter((command) => command !== tree)
      .flatMap((command) =>
        ownOptions(command, tree)
          .filter((option) => option.takesValue)
          .map((option) => `    ${option.names.map((name) => shQuote(`${key(command)}|${name}`)).join('|')}) ${bashValue(option)}; return 0 ;;`),
      ),
    // The program's options work after any command.
    ...tree.options
      .filter((option) => option.takesValue)
      .map((option) => `    ${option.names.map((name) => `*${shQuote(`|${name}`)}`).join('|')}) ${bashValue(option)}; return 0 ;;`),
    '  esac',
    '  if [[ "$cur" == -* || -z "$subcommands" ]]; then',
    '    COMPREPLY=($(compgen -W "$options" -- "$cur"))',
    '  else',
    '    COMPREPLY=($(compgen -W "$subcommands" -- "$cur"))',
    '  fi',
    '  return 0',
    '}',
    `complete -F ${fn} ${program}`,
    '',
  ];
  return lines.join('\n');
}

function bashValue(option: CompletionOption): string {
  if (option.choices) return `COMPREPLY=($(compgen -W ${shQuote(option.choices.join(' '))} -- "$cur"))`;
  return option.isFile ? 'compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur"))' : 'COMPREPLY=()';
}

function renderZsh(tree: CompletionCommand, program: string): string {
  const fn = functionName(program);
  const commands = allCommands(tree);
  const describe = (name: string, description: string): string => shQuote(`${name.replaceAll(':', '\\:')}:${oneLine(description)}`);
  const lines = [
    `#compdef ${program}`,
    `# zsh completion for ${program}, generated from its command tree by \`${program} completion zsh\`.`,
    `# Load it with: source <(${program} completion zsh), or save it as _${program} in a directory on $fpath.`,
    `${fn}() {`,
    '  local cur="${words[CURRENT]}" prev="${words[CURRENT-1]}"',
    '  local -a words_before=("${(@)words[2,CURRENT-1]}")',
    ...walkCommandPath(tree, '  '),
    '  local -a subcommands options',
    '  case "$cmdpath" in',
    ...commands.map((command) => {
      const subs = [
        ...command.commands.map((sub) => describe(sub.path.at(-1)!, sub.description)),
        ...command.argumentChoices.map((choice) => describe(choice, choice)),
      ];
      const own = command === tree ? tree.options : [...ownOptions(command, tree), ...tree.options];
      const options = own.flatMap((option) => option.names.map((name) => describe(name, option.description)));
      return `    ${shQuote(key(command))}) subcommands=(${subs.join(' ')}); options=(${options.join(' ')}) ;;`;
    }),
    '  esac',
    '  case "$cmdpath|$prev" in',
    ...commands
      .filter((command) => command !== tree)
      .flatMap((command) =>
        ownOptions(command, tree)
          .filter((option) => option.takesValue)
          .map((option) => `    ${option.names.map((name) => shQuote(`${key(command)}|${name}`)).join('|')}) ${zshValue(option)}; return ;;`),
      ),
    ...tree.options
      .filter((option) => option.takesValue)
      .map((option) => `    ${option.names.map((name) => `*${shQuote(`|${name}`)}`).join('|')}) ${zshValue(option)}; return ;;`),
    '  esac',
    '  if [[ "$cur" == -* || ${#subcommands} -eq 0 ]]; then',
    "    _describe -t options 'option' options",
    '  else',
    "    _describe -t commands 'command' subcommands",
    '  fi',
    '}',
    // Autoloaded from $fpath the file's body is the function; sourced, it registers itself.
    `if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then`,
    `  ${fn} "$@"`,
    'else',
    `  compdef ${fn} ${program}`,
    'fi',
    '',
  ];
  return lines.join('\n');
}

function zshValue(option: CompletionOption): string {
  if (option.choices) return `compadd -- ${option.choices.map(shQuote).join(' ')}`;
  return option.isFile ? '_files' : "_message 'value'";
}

function renderFish(tree: CompletionCommand, program: string): string {
  const fn = `__${program.replace(/[^A-Za-z0-9]/g, '_')}`;
  const commands = allCommands(tree);
  const at = (command: CompletionCommand): string => fishQuote(`${fn}_at ${fishQuote(key(command))}`);
  const optionLine = (option: CompletionOption, condition: string | undefined): string => {
    const parts = [`complete -c ${program}`];
    if (condition) parts.push(`-n ${condition}`);
    for (const name of option.names) parts.push(name.startsWith('--') ? `-l ${name.slice(2)}` : `-s ${name.slice(1)}`);
    if (option.takesValue) {
      if (option.choices) parts.push(`-x -a ${fishQuote(option.choices.join(' '))}`);
      else parts.push(option.isFile ? '-r -F' : '-x');
    }
    parts.push(`-d ${fishQuote(oneLine(option.description))}`);
    return parts.join(' ');
  };
  const lines = [
    `# fish completion for ${program}, generated from its command tree by \`${program} completion fish\`.`,
    `# Load it with: ${program} completion fish | source, or save it as ~/.config/fish/completions/${program}.fish`,
    `set -g ${fn}_commands ${commands
      .filter((command) => command.path.length > 0)
      .map((command) => fishQuote(key(command)))
      .join(' ')}`,
    `set -g ${fn}_value_options ${valueOptionNames(tree).map(fishQuote).join(' ')}`,
    '# The command the words before the cursor chose (options, their values and arguments are passed over).',
    `function ${fn}_path`,
    '    set -l tokens (commandline -opc)',
    '    set -e tokens[1]',
    "    set -l cmdpath ''",
    '    set -l skip_value 0',
    '    for word in $tokens',
    '        if test $skip_value = 1',
    '            set skip_value 0',
    '            continue',
    '        end',
    `        if contains -- $word $${fn}_value_options`,
    '            set skip_value 1',
    '            continue',
    '        end',
    "        string match -q -- '-*' $word; and continue",
    '        set -l next (string trim -- "$cmdpath $word")',
    `        contains -- $next $${fn}_commands; and set cmdpath $next`,
    '    end',
    '    echo $cmdpath',
    'end',
    `function ${fn}_at`,
    `    set -l cmdpath (${fn}_path)`,
    '    test "$cmdpath" = "$argv[1]"',
    'end',
    `complete -c ${program} -f`,
    ...commands.flatMap((command) =>
      command.commands.map((sub) => `complete -c ${program} -n ${at(command)} -a ${fishQuote(sub.path.at(-1)!)} -d ${fishQuote(oneLine(sub.description))}`),
    ),
    ...commands
      .filter((command) => command.argumentChoices.length > 0)
      .map((command) => `complete -c ${program} -n ${at(command)} -a ${fishQuote(command.argumentChoices.join(' '))}`),
    ...tree.options.map((option) => optionLine(option, undefined)),
    ...commands.filter((command) => command !== tree).flatMap((command) => ownOptions(command, tree).map((option) => optionLine(option, at(command)))),
    '',
  ];
  return lines.join('\n');
}
