/**
 * The archives bench's purge, in a process of its own so that its peak RSS is the purge's alone (not the seeding's,
 * nor the emulator's): `purge` of one Logpush archive in a fresh SQLite store, as the CLI runs it. Argument: the
 * archive's endpoint, bucket/prefix and object count as JSON; AWS credentials come from the environment. Prints
 * the archive location of the purge result as JSON.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openArchiveClient } from '../src/archives/read-archive.js';
import { buildConfig } from '../src/config/config.js';
import { purgeExpired } from '../src/purge/purge.js';
import { openStore } from '../src/store/db.js';
import { createSqliteStorePort } from '../src/store/sqlite/adapter.js';

const { endpoint, url, maxDeletes } = JSON.parse(process.argv[2] ?? '{}') as { endpoint: string; url: string; maxDeletes: number };
const { config, problems } = buildConfig({
  retention: { firewall_events: '1d' },
  safety: { max_deletes: maxDeletes },
  archives: [{ name: 'bench', url, endpoint, region: 'us-east-1' }],
});
if (!config) throw new Error(`bench config: ${problems.join('; ')}`);
const dir = mkdtempSync(join(tmpdir(), 'luxeret-bench-archive-store-'));
const storePath = join(dir, 'luxeret.db');
const db = openStore(storePath, { create: true });
const { privateKey } = generateKeyPairSync('ed25519');
try {
  const result = await purgeExpired(
    {
      store: createSqliteStorePort(db, { path: storePath, lockPath: `${storePath}.lock` }),
      config,
      signer: () => ({ privateKey, actor: 'bench@localhost', now: () => new Date() }),
      now: () => new Date(),
      openArchiveClient: (archive) => openArchiveClient(archive, process.env),
    },
    { dryRun: false, trustClock: true },
  );
  process.stdout.write(`${JSON.stringify(result.locations.find((location) => location.id === 'archive/bench') ?? null)}\n`);
} finally {
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
