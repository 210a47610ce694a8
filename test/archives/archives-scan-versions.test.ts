import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand, ListObjectVersionsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { createMotoBucket, describeMoto, startMotoServer, type TestMotoServer } from '../helpers/moto-server.js';
import { logpushBody, logpushObjectAt, motoCliEnv } from '../helpers/logpush-objects.js';

// Scanning in a versioned bucket (moto_server on 127.0.0.1): the purge deletes every version of a key, so every
// version with data is scanned, not only the current one; a key hidden behind a delete marker is scanned too.

const DAY_MS = 86_400_000;
const BUCKET = 'luxeret-scan-versions';
const PREFIX = 'firewall/';
const HELD_IP = '203.0.113.7';

let moto: TestMotoServer;
let temp: { dir: string; cleanup: () => void };
let env: Record<string, string>;

const day = new Date(Math.floor((Date.now() - 40 * DAY_MS) / DAY_MS) * DAY_MS);

const keyAt = (n: number) => logpushObjectAt(PREFIX, day, n);

async function put(key: string, data: Buffer): Promise<void> {
  await moto.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: data }));
}

async function versionsOf(key: string): Promise<number> {
  const page = await moto.client.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: key }));
  return (page.Versions ?? []).length + (page.DeleteMarkers ?? []).length;
}

describeMoto('purge scans every version of a key in a versioned bucket (moto_server)', () => {
  beforeAll(async () => {
    moto = await startMotoServer();
    temp = makeTempDir();
    env = motoCliEnv(join(temp.dir, 'home'));
    expect((await runCli(['init'], { env, cwd: temp.dir })).code).toBe(0);
    await createMotoBucket(moto.client, BUCKET, { versioned: true });
    writeFileSync(
      join(env.LUXERET_HOME!, 'config.yaml'),
      `retention:\n  firewall_events: 30d\narchives:\n  - name: firewall\n    url: s3://${BUCKET}/${PREFIX}\n    endpoint: ${moto.endpoint}\n`,
    );
  }, 120_000);
  afterAll(async () => {
    await moto?.close();
    temp?.cleanup();
  });

  it('keeps a key whose older version holds the address; deletes every version of a key (hidden or not) that holds none', async () => {
    const rewritten = keyAt(0);
    const hidden = keyAt(1);
    const clean = keyAt(2);
    // The held line only in the older version of `rewritten`; the current version has other addresses.
    await put(rewritten.key, logpushBody(rewritten.start, ['198.51.100.1', `::ffff:${HELD_IP}`]));
    await put(rewritten.key, logpushBody(rewritten.start, ['198.51.100.2', '198.51.100.3']));
    // A key behind a delete marker (GetObject without a version would answer 404): its data is still there.
    await put(hidden.key, logpushBody(hidden.start, ['2001:db8::1', '198.51.100.4']));
    await moto.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: hidden.key }));
    await put(clean.key, logpushBody(clean.start, ['198.51.100.5']));
    await put(clean.key, logpushBody(clean.start, ['198.51.100.6']));

    const hold = await runCli(
      ['hold', 'add', '--ip', HELD_IP, '--from', day.toISOString(), '--to', new Date(day.getTime() + 3_600_000).toISOString(), '--reason', 'Police request'],
      { env, cwd: temp.dir },
    );
    expect(hold.code, hold.stderr).toBe(0);
    const purge = await runCli(['purge', '--trust-clock', '--json'], { env, cwd: temp.dir });
    expect(purge.code, purge.stderr).toBe(0);
    const archive = (JSON.parse(purge.stdout) as { locations: { id: string }[] }).locations.find((l) => l.id === 'archive/firewall');
    expect(archive).toMatchObject({ planned: 2, deleted: 2, held: 1, undetermined: 0, scanned: { objects: 3, held: 1, deletable: 2 } });
    expect(await versionsOf(rewritten.key)).toBe(2);
    expect(await versionsOf(hidden.key)).toBe(0);
    expect(await versionsOf(clean.key)).toBe(0);
  });
});
