// `npm run readme`: rewrites README.md's command table from the commands' own help.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderCommandTable, replaceCommandTable } from './command-table.js';

const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const updated = replaceCommandTable(readme, renderCommandTable());
if (updated === readme) console.log('README.md: the command table is up to date');
else {
  writeFileSync(path, updated);
  console.log('README.md: rewrote the command table');
}
