import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/cli/context.js';
import { buildProgram } from '../../src/cli/main.js';
import { makeTempDir, runCli } from '../helpers/cli.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

function hasShell(shell: string): boolean {
  const found = spawnSync(shell, ['-c', 'exit 0'], { stdio: 'ignore' }).status === 0;
  if (!found) process.stderr.write(`\nNOTICE: ${shell} is not installed: its completion script is not checked here.\n`);
  return found;
}
const has = Object.fromEntries(SHELLS.map((shell) => [shell, hasShell(shell)])) as Record<(typeof SHELLS)[number], boolean>;

/** The program as main.ts builds it, only read. */
function readProgram(): Command {
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
  return buildProgram(createContext(io, () => ({}), ''));
}

function commandsOf(command: Command, parents: readonly string[] = []): string[][] {
  return command.commands.flatMap((sub) => [[...parents, sub.name()], ...commandsOf(sub, [...parents, sub.name()])]);
}

function findCommand(path: readonly string[]): Command {
  let at = readProgram();
  for (const name of path) at = at.commands.find((sub) => sub.name() === name)!;
  return at;
}

let temp: { dir: string; cleanup: () => void };
const scripts: Record<string, string> = {};
const files: Record<string, string> = {};
beforeAll(async () => {
  temp = makeTempDir();
  for (const shell of SHELLS) {
    const result = await runCli(['completion', shell]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    scripts[shell] = result.stdout;
    files[shell] = join(temp.dir, `luxeret-privacy.${shell}`);
    writeFileSync(files[shell], result.stdout);
  }
});
afterAll(() => temp.cleanup());

/** What the bash function offers for the words typed so far (the last is the word being completed). */
function completeInBash(...words: string[]): string[] {
  const script = [
    `source ${JSON.stringify(files['bash'])}`,
    `COMP_WORDS=(luxeret-privacy ${words.map((word) => `'${word}'`).join(' ')})`,
    `COMP_CWORD=${words.length}`,
    '_luxeret_privacy',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { encoding: 'utf8', cwd: temp.dir });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout.split('\n').filter(Boolean).sort();
}

describe.skipIf(!has.bash)('bash completion, run in bash', () => {
  it('completes a command from its start', () => {
    expect(completeInBash('pu')).toEqual(['pull', 'purge']);
  });

  it("completes a command's options, its own and the global ones", () => {
    // --debug is the program's, valid after any command.
    expect(completeInBash('purge', '--d')).toEqual(['--debug', '--dry-run']);
    expect(completeInBash('purge', '--dr')).toEqual(['--dry-run']);
  });

  it("completes an option's choices, as commander knows them", () => {
    const choices = findCommand(['inventory']).options.find((option) => option.long === '--format')!.argChoices!;
    expect(choices).toContain('html');
    expect(completeInBash('inventory', '--format', '')).toEqual([...choices].sort());
    expect(completeInBash('inventory', '--format', 'c')).toEqual(['csv']);
  });

  it('completes subcommands after global options and their values, and options after a subcommand', () => {
    expect(completeInBash('-c', 'some.yaml', 'hold', '')).toEqual(['add', 'list', 'release']);
    expect(completeInBash('--config', 'x.yaml', 'hold', 'add', '--ip', '203.0.113.5', '--re')).toEqual(['--reason', '--reference']);
    expect(completeInBash('completion', '')).toEqual(['bash', 'fish', 'zsh']);
    expect(completeInBash('--log-format', '')).toEqual(['json', 'text']);
  });

  it('offers nothing for a value that is free text', () => {
    expect(completeInBash('hold', 'add', '--reason', '')).toEqual([]);
  });
});

describe('the zsh and fish scripts', () => {
  it.skipIf(!has.zsh)('zsh -n parses the zsh script', () => {
    const result = spawnSync('zsh', ['-n', files['zsh']!], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.skipIf(!has.zsh)('zsh runs the function: with the completion system stood in for, it offers what commander has', () => {
    // _describe/compadd/_files print what they were given; zsh itself would then filter by the typed prefix.
    const stubs = [
      'compdef() { :; }',
      '_describe() { local array="$4"; print -l -- "${(P@)array}" | cut -d: -f1 | tr "\\n" " "; echo; }',
      'compadd() { shift; echo "$@"; }',
      '_files() { echo FILES; }',
      '_message() { echo MESSAGE; }',
    ];
    const complete = (...typed: string[]) => {
      const script = [
        ...stubs,
        `source ${JSON.stringify(files['zsh'])}`,
        `words=(luxeret-privacy ${typed.map((word) => `'${word}'`).join(' ')})`,
        'CURRENT=${#words}',
        '_luxeret_privacy',
      ];
      const result = spawnSync('zsh', ['-f', '-c', script.join('\n')], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      return result.stdout.trim().split(/\s+/);
    };
    expect(complete('')).toEqual(readProgram().commands.map((command) => command.name()));
    expect(complete('hold', '')).toEqual(['add', 'list', 'release']);
    expect(complete('purge', '--d')).toContain('--dry-run');
    expect(complete('inventory', '--format', '')).toEqual(['table', 'json', 'csv', 'html', 'md']);
    expect(complete('audit', 'verify', '--file', '')).toEqual(['FILES']);
  });

  it.skipIf(!has.fish)('fish --no-execute parses the fish script, and fish completes from it', () => {
    const parsed = spawnSync('fish', ['--no-execute', files['fish']!], { encoding: 'utf8' });
    expect(parsed.stderr).toBe('');
    expect(parsed.status).toBe(0);
    const complete = (line: string) => {
      const result = spawnSync('fish', ['--no-config', '-c', `source ${files['fish']}; complete -C ${JSON.stringify(line)}`], {
        encoding: 'utf8',
        cwd: temp.dir,
      });
      expect(result.stderr).toBe('');
      return result.stdout
        .split('\n')
        .filter(Boolean)
        .map((row) => row.split('\t')[0])
        .sort();
    };
    expect(complete('luxeret-privacy pu')).toEqual(['pull', 'purge']);
    expect(complete('luxeret-privacy inventory --format ')).toEqual(['csv', 'html', 'json', 'md', 'table']);
    expect(complete('luxeret-privacy audit ')).toEqual(['export', 'show', 'verify']);
  });
});

describe('every script covers the whole command tree', () => {
  const program = readProgram();
  const tree = commandsOf(program);

  it('the tree is what the program has (completion itself included)', () => {
    expect(tree).toContainEqual(['hold', 'add']);
    expect(tree).toContainEqual(['completion']);
  });

  it.each(SHELLS)('%s: every command and subcommand, and every long option', (shell) => {
    const script = scripts[shell]!;
    for (const path of tree) {
      // Each script keys its cases on the command path, quoted.
      expect(script, `${shell} lacks ${path.join(' ')}`).toContain(`'${path.join(' ')}'`);
      for (const option of findCommand(path).options) {
        if (option.long)
          expect(script, `${shell} lacks ${path.join(' ')} ${option.long}`).toContain(shell === 'fish' ? `-l ${option.long.slice(2)}` : option.long);
      }
    }
  });

  it('refuses a shell it has no script for (exit 2)', async () => {
    const result = await runCli(['completion', 'powershell']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'powershell' is invalid for argument 'shell'");
  });
});
