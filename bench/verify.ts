import { generateKeyPairSync, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { buildAuditEntry, buildAuditHead, type AuditEntry } from '../src/audit/entry.js';
import { canonicalJson } from '../src/audit/canonical-json.js';
import { splitAuditExport, renderAuditExport } from '../src/audit/export.js';
import { buildGenesisInput } from '../src/audit/key-entries.js';
import { verifyAuditLog, verifyAuditLogAsync } from '../src/audit/verify.js';
import { ed25519Backend, verifyEd25519 } from '../src/audit/ed25519.js';

export interface VerifyBenchResult {
  name: string;
  entries: number;
  cores: number;
  /** Building and signing the log once (setup, not part of the figures). */
  setupSeconds: number;
  /** One thread: parse the JSON Lines export, then check every signature, hash link and seq, and the head. */
  singleThreadSeconds: number;
  singleThreadEntriesPerSecond: number;
  /** What `audit verify` runs: the same, with the signature checks on one worker thread per core. */
  seconds: number;
  entriesPerSecond: number;
  /** Which library checks the signatures: libsodium (sodium-native), or node:crypto where it cannot load. */
  backend: string;
  /** Ed25519 verifications alone cap the rate: this many per second on one core of this machine. */
  ed25519VerifiesPerSecondPerCore: number;
  /** The same with node:crypto (OpenSSL), for comparison. */
  nodeCryptoVerifiesPerSecondPerCore: number;
  /** The most any per-entry signature check can reach here: every core verifying, nothing parsed or hashed. */
  ceilingEntriesPerSecond: number;
  targetEntriesPerSecond: number;
  ok: boolean;
}

export interface VerifyBenchOptions {
  entries?: number;
  onProgress?: (line: string) => void;
}

/** `audit verify` throughput for a signed log of 100,000 entries (export parsing included); target ≥ 20,000/s. */
export async function benchAuditVerify(options: VerifyBenchOptions = {}): Promise<VerifyBenchResult> {
  const count = options.entries ?? 100_000;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  let tick = Date.parse('2026-01-01T00:00:00Z');
  const signer = { privateKey, actor: 'bench@localhost', now: () => new Date((tick += 1000)) };

  const setupStart = performance.now();
  const lines: string[] = [];
  let previous: AuditEntry | undefined = buildAuditEntry(undefined, signer, buildGenesisInput(privateKey, '2026-01-01T00:00:00.000Z', 'init'));
  lines.push(canonicalJson(previous));
  for (let i = 1; i < count; i++) {
    // Shaped like real purge intents and outcomes.
    previous = buildAuditEntry(previous, signer, {
      event: i % 2 === 0 ? 'purge.intent' : 'purge.outcome',
      command: 'purge',
      run_id: `00000000-0000-4000-8000-${String(i >> 1).padStart(12, '0')}`,
      location: 'local/firewall-events',
      counts: i % 2 === 0 ? { planned: 900, held: 3 } : { planned: 900, deleted: 897, held: 3, failed: 0 },
      retention_rule: 'retention.firewall_events=30d',
      policy_hash: 'sha256:' + 'a'.repeat(64),
      reason: 'retention period ended',
      details: { oldest: '2025-12-01T00:00:00Z', newest: '2025-12-02T00:00:00Z' },
    });
    lines.push(canonicalJson(previous));
    if (i % 20_000 === 19_999) options.onProgress?.(`audit verify: signed ${i + 1}/${count} entries (setup)`);
  }
  const text = renderAuditExport(lines, canonicalJson(buildAuditHead(count, previous?.hash ?? '', signer)));
  const setupSeconds = (performance.now() - setupStart) / 1000;

  options.onProgress?.('audit verify: one thread');
  const singleStart = performance.now();
  const single = splitAuditExport(text);
  const singleResult = verifyAuditLog(single.entries, publicKey, single.head);
  const singleThreadSeconds = (performance.now() - singleStart) / 1000;
  if (!singleResult.ok) throw new Error(`bench log did not verify: ${singleResult.errors[0]?.reason ?? '?'}`);

  options.onProgress?.('audit verify: worker threads');
  const poolStart = performance.now();
  const pooled = splitAuditExport(text);
  const pooledResult = await verifyAuditLogAsync(pooled.entries, publicKey, pooled.head);
  const seconds = (performance.now() - poolStart) / 1000;
  if (!pooledResult.ok) throw new Error('bench log did not verify on the worker threads');

  const entriesPerSecond = count / seconds;
  const ed25519VerifiesPerSecondPerCore = measureVerifies((message, signature, key) => verifyEd25519(message, signature, key));
  const nodeCryptoVerifiesPerSecondPerCore = measureVerifies((message, signature, key) => cryptoVerify(null, message, key, signature));
  return {
    name: 'audit verify',
    entries: count,
    cores: availableParallelism(),
    setupSeconds,
    singleThreadSeconds,
    singleThreadEntriesPerSecond: count / singleThreadSeconds,
    seconds,
    entriesPerSecond,
    backend: ed25519Backend(),
    ed25519VerifiesPerSecondPerCore,
    nodeCryptoVerifiesPerSecondPerCore,
    ceilingEntriesPerSecond: ed25519VerifiesPerSecondPerCore * availableParallelism(),
    targetEntriesPerSecond: 20_000,
    ok: entriesPerSecond >= 20_000,
  };
}

/** The floor under any per-entry signature check: bare Ed25519 verifications per second, one thread. */
function measureVerifies(verifyOne: (message: Buffer, signature: Buffer, key: KeyObject) => boolean): number {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const message = Buffer.alloc(766, 'x');
  const signature = cryptoSign(null, message, privateKey);
  const rounds = 5_000;
  const start = performance.now();
  for (let i = 0; i < rounds; i++) if (!verifyOne(message, signature, publicKey)) throw new Error('bench signature did not verify');
  return rounds / ((performance.now() - start) / 1000);
}

/** Renders the result as the lines `npm run bench` prints. */
export function renderVerifyBench(result: VerifyBenchResult): string {
  const rate = (n: number) => `${Math.round(n).toLocaleString('en-US')} entries/s`;
  return (
    [
      `audit verify, ${result.entries.toLocaleString('en-US')} entries (${result.cores} cores; signing them took ${result.setupSeconds.toFixed(1)} s, not counted)`,
      `  worker threads (what \`audit verify\` runs): ${result.seconds.toFixed(2)} s = ${rate(result.entriesPerSecond)}  target ≥ ${rate(result.targetEntriesPerSecond)}: ${result.ok ? 'met' : 'NOT met'}`,
      `  one thread:                                   ${result.singleThreadSeconds.toFixed(2)} s = ${rate(result.singleThreadEntriesPerSecond)}`,
      `  bare Ed25519 verify on one core, ${result.backend.padEnd(12)} ${Math.round(result.ed25519VerifiesPerSecondPerCore).toLocaleString('en-US')}/s (node:crypto: ${Math.round(result.nodeCryptoVerifiesPerSecondPerCore).toLocaleString('en-US')}/s)`,
      `  ceiling on all ${result.cores} cores:                      ${rate(result.ceilingEntriesPerSecond)} (signatures alone; reached ${Math.round((100 * result.entriesPerSecond) / result.ceilingEntriesPerSecond)}% of it)`,
    ].join('\n') + '\n'
  );
}
