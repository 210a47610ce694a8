import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCommandTable, renderCommandTable, replaceCommandTable } from '../../scripts/command-table.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe("README's command table", () => {
  it('is what the commands’ own help says', () => {
    expect(readCommandTable(readme), "README.md's command table differs from the commands' help: run `npm run readme`").toBe(renderCommandTable());
  });

  it('has a row per command and subcommand, with its output forms', () => {
    const table = renderCommandTable();
    expect(table).toContain('| `hold release <id>` | Release a hold: its records become subject to retention again | `--reason <text>` |');
    expect(table).toContain('`--format table\\|json\\|csv\\|html\\|md`');
  });

  it('is replaced between the markers only, and a missing marker is an error', () => {
    const text = 'intro\n<!-- commands:start -->\nold\n<!-- commands:end -->\nrest\n';
    expect(replaceCommandTable(text, 'new')).toBe('intro\n<!-- commands:start -->\nnew\n<!-- commands:end -->\nrest\n');
    expect(() => replaceCommandTable('no markers', 'new')).toThrow('<!-- commands:start -->');
  });
});
