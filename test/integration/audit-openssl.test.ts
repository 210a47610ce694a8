import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCanonicalBytes, buildHeadBytes, type AuditEntry, type AuditHead } from '../../src/audit/entry.js';
import { loadSigningKey } from '../../src/audit/keys.js';
import { appendAuditEntry } from '../../src/audit/log.js';
import { openStore } from '../../src/store/db.js';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { childEnv } from '../helpers/child-env.js';

// The recipe docs/audit.md gives an auditor: standard tools only, no luxeret-privacy.
function hasTool(tool: string, args: string[]): boolean {
  try {
    execFileSync(tool, args, { stdio: 'ignore', env: childEnv() });
    return true;
  } catch {
    return false;
  }
}
const hasOpenssl = hasTool('openssl', ['version']);
const hasJq = hasTool('jq', ['--version']);
const hasPython = hasTool('python3', ['--version']);

const work = makeTempDir();
const home = join(work.dir, 'home');
const exportPath = join(work.dir, 'audit.jsonl');
const pemPath = join(work.dir, 'pub.pem');
let lines: string[];

beforeAll(async () => {
  const env = { LUXERET_HOME: home };
  expect((await runCli(['init'], { env })).code).toBe(0);
  const db = openStore(join(home, 'luxeret.db'));
  const signer = {
    privateKey: loadSigningKey(join(home, 'keys', 'audit-signing-key.pem')),
    actor: 'ops@host',
    now: () => new Date('2026-11-01T03:00:00.123Z'),
  };
  // Everything the escaping and number rules of RFC 8785 and jq might disagree on, within what the log accepts.
  appendAuditEntry(db, signer, {
    event: 'purge.outcome',
    command: 'purge',
    run_id: '550e8400-e29b-41d4-a716-446655440000',
    counts: { planned: 9007199254740991, deleted: 0, failed: -3 },
    reason: 'quotes " backslash \\ slash / tab \t newline \n cr \r nul \u0000 unit \u001f bell \u0007 é 한국어 😀 \u2028 \u2029 \ufeff',
    details: {
      share: 0.25,
      ratio: 123456789.125,
      small: 0.0001,
      big: 999999999999999.9,
      neg: -1.5,
      z: { b: [1, 'x', null, true, false, {}], a: [] },
      A: 'upper before lower',
    },
    subjects: ['hmac-sha256:' + 'ab'.repeat(32)],
  });
  appendAuditEntry(db, signer, { event: 'hold.add', command: 'hold add', reason: 'plain' });
  db.close();
  expect((await runCli(['hold', 'add', '--ip', '203.0.113.5', '--reason', 'Police request'], { env })).code).toBe(0);
  expect((await runCli(['audit', 'export', '--output', exportPath], { env })).code).toBe(0);
  expect((await runCli(['keys', 'public', '--output', pemPath], { env })).code).toBe(0);
  lines = readFileSync(exportPath, 'utf8').trimEnd().split('\n');
});
afterAll(() => work.cleanup());

const sh = (script: string) =>
  execFileSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: work.dir, encoding: 'utf8', env: childEnv({ LUXERET_HOME: home }) });

/** The shell block that follows `<!-- test: name -->` in docs/audit.md: the doc's commands are the ones tested. */
function docBlock(name: string): string {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'audit.md'), 'utf8');
  const match = new RegExp(`<!-- test: ${name} -->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\n`).exec(doc);
  if (!match) throw new Error(`docs/audit.md has no block "${name}"`);
  return match[1]!;
}

describe.skipIf(!hasJq)('jq rebuilds the signed bytes', () => {
  it('equals RFC 8785 for every entry and the head', () => {
    for (const [index, line] of lines.entries()) {
      writeFileSync(join(work.dir, 'line.json'), line + '\n');
      const parsed = JSON.parse(line) as AuditEntry | AuditHead;
      const expected = 'type' in parsed ? buildHeadBytes(parsed) : buildCanonicalBytes(parsed);
      const filter = 'type' in parsed ? 'del(.signature)' : 'del(.hash, .signature)';
      sh(`jq -cjS '${filter}' line.json > canonical.bin`);
      expect(readFileSync(join(work.dir, 'canonical.bin')).equals(expected), `line ${index + 1}`).toBe(true);
    }
  });
});

describe.skipIf(!hasJq || !hasOpenssl)('openssl verifies a single entry with the documented commands', () => {
  it('accepts an intact entry and checks its hash', () => {
    const out = sh(`
      jq -cjS 'select(.seq == 1) | del(.hash, .signature)' audit.jsonl > canonical.bin
      jq -j 'select(.seq == 1) | .signature' audit.jsonl | openssl base64 -d -A > sig.bin
      openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in canonical.bin -sigfile sig.bin
      echo "sha256:$(openssl dgst -sha256 -r canonical.bin | cut -d' ' -f1)"
      jq -r 'select(.seq == 1) | .hash' audit.jsonl
    `);
    const [verdict, computed, recorded] = out.trim().split('\n');
    expect(verdict).toBe('Signature Verified Successfully');
    expect(computed).toBe(recorded);
  });

  it('verifies the head checkpoint the same way', () => {
    const out = sh(`
      tail -n 1 audit.jsonl | jq -cjS 'del(.signature)' > head.bin
      tail -n 1 audit.jsonl | jq -j '.signature' | openssl base64 -d -A > head.sig
      openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in head.bin -sigfile head.sig
    `);
    expect(out.trim()).toBe('Signature Verified Successfully');
  });

  it('rejects an edited entry', () => {
    const out = sh(`
      jq -cjS 'select(.seq == 1) | del(.hash, .signature) | .counts.deleted = 1' audit.jsonl > canonical.bin
      jq -j 'select(.seq == 1) | .signature' audit.jsonl | openssl base64 -d -A > sig.bin
      openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in canonical.bin -sigfile sig.bin || true
    `);
    expect(out).toContain('Signature Verification Failure');
  });
});

describe.skipIf(!hasJq || !hasOpenssl)('the commands in docs/audit.md', () => {
  it('single entry: verifies seq 1 and prints matching hashes', () => {
    writeFileSync(join(work.dir, 'audit-public.pem'), readFileSync(pemPath));
    const out = sh(docBlock('single-entry').replaceAll('seq == 42', 'seq == 1')).trim().split('\n');
    expect(out[0]).toBe('Signature Verified Successfully');
    expect(out[1]).toBe(out[2]);
  });

  it('verify-all: passes the untouched export and fails a tampered one', () => {
    writeFileSync(join(work.dir, 'verify-audit-export.sh'), docBlock('verify-all'));
    expect(sh('sh verify-audit-export.sh audit.jsonl pub.pem')).toBe(`OK: ${lines.length} lines verified\n`);
    writeFileSync(join(work.dir, 'tampered.jsonl'), [lines[1], lines[0], ...lines.slice(2)].join('\n') + '\n');
    const out = sh('sh verify-audit-export.sh tampered.jsonl pub.pem || echo "exit $?"');
    expect(out).toContain('line 1: prev_hash breaks the chain');
    expect(out).toContain('line 1: expected seq 1');
    expect(out.trim().endsWith('BROKEN\nexit 1')).toBe(true);
    writeFileSync(join(work.dir, 'truncated.jsonl'), [...lines.slice(0, 1), lines[lines.length - 1]].join('\n') + '\n');
    expect(sh('sh verify-audit-export.sh truncated.jsonl pub.pem || true')).toContain('the head checkpoint does not match the end of the log');
  });

  it('subject hash: finds the hold on 203.0.113.5 by its keyed hash', () => {
    const out = sh(docBlock('subject-hash'));
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(out)).toMatchObject({ event: 'hold.add' });
  });
});

describe.skipIf(!hasPython)('python3 rebuilds the signed bytes too (when jq is not at hand)', () => {
  it('equals RFC 8785 for every entry', () => {
    const recipe = `import json,sys
e=json.loads(sys.stdin.read()); e.pop('hash',None); e.pop('signature',None)
sys.stdout.write(json.dumps(e,sort_keys=True,separators=(',',':'),ensure_ascii=False))`;
    writeFileSync(join(work.dir, 'canonical.py'), recipe);
    for (const line of lines.slice(0, -1)) {
      const out = execFileSync('python3', ['canonical.py'], { cwd: work.dir, input: line, env: childEnv() });
      expect(out.equals(buildCanonicalBytes(JSON.parse(line) as AuditEntry))).toBe(true);
    }
  });
});
