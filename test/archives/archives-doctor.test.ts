import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { putObjects, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, startS3Server, type TestS3Server } from '../helpers/s3-server.js';

// `doctor` checks each configured Logpush archive against a real S3 server (s3rver on 127.0.0.1): one listing page
// and the bucket's versioning, nothing read or deleted.

const BUCKET = 'luxeret-doctor';
let server: TestS3Server;
let temp: { dir: string; cleanup: () => void };

beforeAll(async () => {
  server = await startS3Server([BUCKET]);
  await putObjects(server.client, BUCKET, [{ key: 'firewall/20261201/20261201T000000Z_20261201T000500Z_ab12cd34.log.gz', body: gzipSync('{}\n') }]);
  temp = makeTempDir();
  const env = { LUXERET_HOME: join(temp.dir, 'home') };
  expect((await runCli(['init'], { env, cwd: temp.dir })).code).toBe(0);
}, 60_000);
afterAll(async () => {
  await server?.close();
  temp?.cleanup();
});

type CheckJson = { name: string; status: string; detail: string; hint: string | null };

async function doctorArchiveCheck(bucket: string, env: Record<string, string>): Promise<{ check: CheckJson; output: string }> {
  const home = join(temp.dir, 'home');
  writeFileSync(join(home, 'config.yaml'), `archives:\n  - name: firewall\n    url: s3://${bucket}/firewall/\n    endpoint: ${server.endpoint}\n`);
  const result = await runCli(['doctor', '--format', 'json'], {
    env: { LUXERET_HOME: home, CLOUDFLARE_BASE_URL: 'http://127.0.0.1:9', ...env },
    cwd: temp.dir,
  });
  const checks = (JSON.parse(result.stdout) as { checks: CheckJson[] }).checks;
  return { check: checks.find((c) => c.name === 'archive firewall')!, output: result.stdout + result.stderr };
}

describe('doctor: Logpush archives', () => {
  it('passes an archive the credentials can list, saying it is not versioned and that deleting is not tried', async () => {
    const { check } = await doctorArchiveCheck(BUCKET, { AWS_ACCESS_KEY_ID: S3_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: S3_SECRET_ACCESS_KEY });
    expect(check.status).toBe('pass');
    expect(check.detail).toContain(`${BUCKET}/firewall/: listable (objects under the prefix), not versioned`);
    expect(check.detail).toContain('deleting is not tried');
  });

  it('fails with the S3 code when the credentials are refused, never printing the secret', async () => {
    const secret = 'doctor-wrong-secret-0123456789';
    const { check, output } = await doctorArchiveCheck(BUCKET, { AWS_ACCESS_KEY_ID: 'WRONGKEY', AWS_SECRET_ACCESS_KEY: secret });
    expect(check.status).toBe('fail');
    expect(check.detail).toMatch(/listing refused \((InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied)\)/);
    expect(check.hint).toContain('s3:ListBucket');
    expect(output).not.toContain(secret);
  });

  it('fails on a bucket that does not exist, and says when no credentials are set at all', async () => {
    const missing = await doctorArchiveCheck('no-such-bucket', { AWS_ACCESS_KEY_ID: S3_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: S3_SECRET_ACCESS_KEY });
    expect(missing.check).toMatchObject({ status: 'fail', detail: 'no-such-bucket/firewall/: no such bucket (NoSuchBucket)' });
    const none = await doctorArchiveCheck(BUCKET, { AWS_SHARED_CREDENTIALS_FILE: join(temp.dir, 'none'), AWS_CONFIG_FILE: join(temp.dir, 'none') });
    expect(none.check.status).toBe('fail');
    expect(none.check.hint).toContain('No AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE is set');
  });
});
