// README's command table, built from the commands' own help: names, descriptions, options (`npm run readme` writes it).
import { tmpdir } from 'node:os';
import type { Command } from 'commander';
import { createContext } from '../src/cli/context.js';
import { buildProgram } from '../src/cli/main.js';

export const TABLE_START = '<!-- commands:start -->';
export const TABLE_END = '<!-- commands:end -->';

/** The table as `npm run readme` writes it between the markers. */
export function renderCommandTable(): string {
  // Nothing runs: the program is only read, so the io goes nowhere and the version is not shown.
  const io = {
    stdout: () => {},
    stderr: () => {},
    isStdoutTty: false,
    isStderrTty: false,
    env: {},
    cwd: tmpdir(),
    now: () => 0,
    sleep: () => Promise.resolve(),
  };
  const program = buildProgram(createContext(io, () => ({}), ''));
  const rows = program.commands.flatMap((command) => describeTree(command, []));
  return ['| command | what it does | output and options |', '| --- | --- | --- |', ...rows].join('\n');
}

/** README with its table between the markers replaced; an error when a marker is missing. */
export function replaceCommandTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md needs ${TABLE_START} and ${TABLE_END} around the command table`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}

/** The table between the markers, as README has it now. */
export function readCommandTable(readme: string): string {
  return readme.slice(readme.indexOf(TABLE_START) + TABLE_START.length, readme.indexOf(TABLE_END)).trim();
}

function describeTree(command: Command, parents: readonly string[]): string[] {
  const path = [...parents, command.name()];
  const args = command.registeredArguments.map((arg) => (arg.required ? `<${arg.name()}>` : `[${arg.name()}]`));
  const name = [...path, ...args].join(' ');
  const row = `| \`${escapeCell(name)}\` | ${escapeCell(command.description())} | ${escapeCell(describeOptions(command))} |`;
  return [row, ...command.commands.flatMap((sub) => describeTree(sub, path))];
}

/** `--format` with its forms, then every other option by its long name; `--json` is README's one general note. */
function describeOptions(command: Command): string {
  return command.options
    .filter((option) => option.long !== '--json' && option.long !== '--help')
    .map((option) => {
      const forms = option.argChoices;
      return forms ? `\`${option.long} ${forms.join('|')}\`` : `\`${option.long}${option.required ? ` ${option.flags.split(' ')[1]}` : ''}\``;
    })
    .join(', ');
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
