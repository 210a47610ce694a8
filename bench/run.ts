/**
 * `npm run bench [-- name…]`: runs each bench module (all by default), prints a readable result and writes
 * bench-results/<name>.json. Each module exports one function returning a plain result object; add a line below.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchArchives, renderArchivesBench, type ArchivesBenchResult } from './archives.js';
import { benchArchiveScan, renderArchiveScanBench, type ArchiveScanBenchResult } from './archives-scan.js';
import { benchCloudflarePurge, renderCloudflarePurgeBench, type CloudflarePurgeBenchResult } from './cloudflare-purge.js';
import { benchPull, renderPullBench, type PullBenchResult } from './pull.js';
import { benchPostgres, renderPgBench, type PgBenchResult } from './pg.js';
import { benchPurge, renderPurgeBench, type PurgeBenchResult } from './purge.js';
import { benchAuditVerify, renderVerifyBench, type VerifyBenchResult } from './verify.js';

interface Bench {
  readonly name: string;
  readonly run: (say: (line: string) => void) => Promise<object>;
  readonly render: (result: never) => string;
}

const BENCHES: readonly Bench[] = [
  { name: 'pull', run: (say) => benchPull({ onProgress: say }), render: (r: PullBenchResult) => renderPullBench(r) },
  { name: 'purge', run: (say) => benchPurge({ onProgress: say }), render: (r: PurgeBenchResult) => renderPurgeBench(r) },
  { name: 'verify', run: (say) => benchAuditVerify({ onProgress: say }), render: (r: VerifyBenchResult) => renderVerifyBench(r) },
  {
    name: 'cloudflare-purge',
    run: (say) => benchCloudflarePurge({ onProgress: say }),
    render: (r: CloudflarePurgeBenchResult) => renderCloudflarePurgeBench(r),
  },
  { name: 'pg', run: (say) => benchPostgres({ onProgress: say }), render: (r: PgBenchResult) => renderPgBench(r) },
  {
    // Issue 14's three figures. The scan first: its RSS is this process's, which seeding 100,000 objects would raise
    // (the purge itself runs in a process of its own).
    name: 'archives',
    run: async (say) => {
      const scan = await benchArchiveScan({ onProgress: say });
      const purge = await benchArchives({ onProgress: say });
      return { ok: purge.ok && scan.ok, purge, scan };
    },
    render: (r: { purge: ArchivesBenchResult; scan: ArchiveScanBenchResult }) => renderArchivesBench(r.purge) + renderArchiveScanBench(r.scan),
  },
];

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const selected = wanted.length > 0 ? BENCHES.filter((b) => wanted.includes(b.name)) : BENCHES;
  const say = (line: string) => void process.stderr.write(process.stderr.isTTY ? `\r${line.padEnd(70)}` : '');
  mkdirSync('bench-results', { recursive: true });
  let failed = 0;
  for (const bench of selected) {
    try {
      const result = await bench.run(say);
      if (process.stderr.isTTY) process.stderr.write('\r'.padEnd(72) + '\r');
      process.stdout.write(`\n== ${bench.name} ==\n${bench.render(result as never)}`);
      writeFileSync(`bench-results/${bench.name}.json`, JSON.stringify(result, null, 2) + '\n');
      if ('ok' in result && result.ok === false) failed += 1;
    } catch (err) {
      failed += 1;
      process.stderr.write(`\nbench ${bench.name} failed: ${(err as Error).stack ?? String(err)}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
