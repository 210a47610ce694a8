/**
 * `npm run bench [-- name…]`: runs each bench module (all by default), prints a readable result and writes
 * bench-results/<name>.json. Each module exports one function returning a plain result object; add an entry below.
 */
import { mkdirSync, writeFileSync } from 'node:fs';

type Say = (line: string) => void;

interface Bench {
  readonly name: string;
  readonly run: (say: Say) => Promise<{ result: object; text: string }>;
}

/** A bench run from its module, imported only when it runs; `pick` names the module's bench and render functions. */
function lazyBench<M, R extends object>(
  name: string,
  load: () => Promise<M>,
  pick: (module: M) => readonly [bench: (options: { onProgress: Say }) => Promise<R>, render: (result: R) => string],
): Bench {
  return {
    name,
    run: async (say) => {
      const [bench, render] = pick(await load());
      const result = await bench({ onProgress: say });
      return { result, text: render(result) };
    },
  };
}

// Each bench's module is imported when it runs, so a bench's process (and the peak RSS it reports) holds only what
// that bench loads: the Cloudflare SDK, the AWS SDK and s3rver of the others weigh 50-100 MB.
const BENCHES: readonly Bench[] = [
  lazyBench(
    'pull',
    () => import('./pull.js'),
    (m) => [m.benchPull, m.renderPullBench],
  ),
  lazyBench(
    'purge',
    () => import('./purge.js'),
    (m) => [m.benchPurge, m.renderPurgeBench],
  ),
  lazyBench(
    'verify',
    () => import('./verify.js'),
    (m) => [m.benchAuditVerify, m.renderVerifyBench],
  ),
  lazyBench(
    'cloudflare-purge',
    () => import('./cloudflare-purge.js'),
    (m) => [m.benchCloudflarePurge, m.renderCloudflarePurgeBench],
  ),
  lazyBench(
    'pg',
    () => import('./pg.js'),
    (m) => [m.benchPostgres, m.renderPgBench],
  ),
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
