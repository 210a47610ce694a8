import { Argument, Command } from 'commander';
import { COMPLETION_SHELLS, readCompletionTree, renderCompletionScript, type CompletionShell } from '../completion.js';
import type { CliContext } from '../context.js';

/** A completion script read from the program's own command tree, so it lists what this version accepts. */
export const completionCommand = (ctx: CliContext) =>
  new Command('completion')
    .description('Print a shell completion script (bash, zsh or fish) for every command, option and option value')
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(COMPLETION_SHELLS))
    .addHelpText(
      'after',
      '\nExamples:\n  luxeret-privacy completion bash > ~/.local/share/bash-completion/completions/luxeret-privacy\n' +
        '  source <(luxeret-privacy completion zsh)     # in ~/.zshrc, after compinit\n' +
        '  luxeret-privacy completion fish > ~/.config/fish/completions/luxeret-privacy.fish',
    )
    .action((shell: CompletionShell, _flags: unknown, command: Command) => {
      let root = command;
      while (root.parent) root = root.parent;
      ctx.io.stdout(renderCompletionScript(readCompletionTree(root), shell, root.name()));
    });
