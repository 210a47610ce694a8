import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalTsa, type LocalTsa } from '../../test/helpers/tsa.js';
import { childEnv } from '../../test/helpers/child-env.js';
import { buildTimestampRequest, readTimestampResponse, verifyTimestampToken } from './timestamp.js';

let tsa: LocalTsa;
beforeAll(async () => (tsa = await startLocalTsa()));
afterAll(() => tsa.close());

async function stamp(data: Buffer): Promise<Buffer> {
  const request = await buildTimestampRequest(data);
  const response = await fetch(tsa.url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: request.der });
  return readTimestampResponse(Buffer.from(await response.arrayBuffer()), request, data);
}

describe('RFC 3161 time stamps', () => {
  const head = Buffer.from('{"count":3,"last_hash":"sha256:aa","signature":"x","time":"2026-12-01T00:00:00.000Z","type":"head","v":1}');

  it('gets a token from a real TSA that verify and openssl ts -verify both accept', async () => {
    const token = await stamp(head);
    const check = await verifyTimestampToken(token, head, tsa.certificatePem);
    expect(check).toMatchObject({ ok: true, problem: undefined });
    expect(Math.abs(check.genTime!.getTime() - Date.now())).toBeLessThan(10 * 60_000);
    writeFileSync(join(tsa.dir, 'token.der'), token);
    writeFileSync(join(tsa.dir, 'head.json'), head);
    const out = execFileSync(
      'openssl',
      ['ts', '-verify', '-token_in', '-in', join(tsa.dir, 'token.der'), '-data', join(tsa.dir, 'head.json'), '-CAfile', tsa.certificatePath],
      { encoding: 'utf8', env: childEnv() },
    );
    expect(out).toContain('Verification: OK');
  });

  it('catches a token for a different head, and a token checked against another TSA certificate', async () => {
    const token = await stamp(head);
    const other = Buffer.from(head.toString().replace('"count":3', '"count":4'));
    expect(await verifyTimestampToken(token, other, tsa.certificatePem)).toMatchObject({
      ok: false,
      problem: 'the token stamps other data: it belongs to another head',
    });
    const stranger = await startLocalTsa();
    try {
      expect((await verifyTimestampToken(token, head, stranger.certificatePem)).ok).toBe(false);
    } finally {
      await stranger.close();
    }
    expect((await verifyTimestampToken(Buffer.from('not a token'), head, tsa.certificatePem)).problem).toMatch(/^the token cannot be checked/);
  });
});
