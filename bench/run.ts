/**
 * `npm run bench [-- name…]`: runs each bench module (all by default), prints a readable result and writes
 * bench-results/<name>.json. Each module exports one function returning a plain result object; add an entry below.
 */
import { mkdirSync, writeFileSync } from 'node:fs';

interface Bench {
  readonly name: string;
  readonly run: (say: (line: string) => void) => Promise<{ result: object; text: string }>;
}

// Each bench's module is imported when it runs, so a bench's process (and the peak RSS it reports) holds only what
// that bench loads: the Cloudflare SDK, the AWS SDK and s3rver of the others weigh 50-100 MB.
const BENCHES: readonly Bench[] = [
  {
    name: 'pull',
    run: async (say) => {
      const { benchPull, renderPullBench } = await import('./pull.js');
      const result = await benchPull({ onProgress: say });
      return { result, text: renderPullBench(result) };
    },
  },
  {
    name: 'purge',
    run: async (say) => {
      const { benchPurge, renderPurgeBench } = await import('./purge.js');
      const result = await benchPurge({ onProgress: say });
      return { result, text: renderPurgeBench(result) };
    },
  },
  {
    name: 'verify',
    run: async (say) => {
      const { benchAuditVerify, renderVerifyBench } = await import('./verify.js');
      const result = await benchAuditVerify({ onProgress: say });
      return { result, text: renderVerifyBench(result) };
    },
  },
  {
    name: 'cloudflare-purge',
    run: async (say) => {
      const { benchCloudflarePurge, renderCloudflarePurgeBench } = await import('./cloudflare-purge.js');
      const result = await benchCloudflarePurge({ onProgress: say });
      return { result, text: renderCloudflarePurgeBench(result) };
    },
  },
  {
    name: 'pg',
    run: async (say) => {
      const { benchPostgres, renderPgBench } = await import('./pg.js');
      const result = await benchPostgres({ onProgress: say });
      return { result, text: renderPgBench(result) };
    },
  },
  {
    // Issue 14's three figures. The scan first: its RSS is this process's, which seeding 100,000 objects would raise
    // (the purge itself runs in a process of its own).
    name: 'archives',
    run: async (say) => {
      const { benchArchiveScan, renderArchiveScanBench } = await import('./archives-scan.js');
      const { benchArchives, renderArchivesBench } = await import('./archives.js');
      const scan = await benchArchiveScan({ onProgress: say });
      const purge = await benchArchives({ onProgress: say });
      return { result: { ok: purge.ok && scan.ok, purge, scan }, text: renderArchivesBench(purge) + renderArchiveScanBench(scan) };
    },
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
      const { result, text } = await bench.run(say);
      if (process.stderr.isTTY) process.stderr.write('\r'.padEnd(72) + '\r');
      process.stdout.write(`\n== ${bench.name} ==\n${text}`);
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
