import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { S3Client } from '@aws-sdk/client-s3';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectLockConfigurationCommand, type DefaultRetention } from '@aws-sdk/client-s3';
import { describe } from 'vitest';
import { openTestS3Client } from './s3-server.js';

// A real S3 server with versioning and object lock for the archive tests: moto (python), run as `moto_server` on
// 127.0.0.1. It accepts any credentials (no IAM unless told), so refusals are made by a pass-through proxy.

/** moto takes any key pair; these are only what the tests hand the CLI. */
export const MOTO_ACCESS_KEY_ID = 'motoTestKey';
export const MOTO_SECRET_ACCESS_KEY = 'motoTestSecret';

function findMotoProblem(): string | undefined {
  const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore', timeout: 30_000 });
  if (probe.error) return probe.error.message;
  return probe.status === 0 ? undefined : `moto_server --help exited with ${probe.status}`;
}

const motoProblem = findMotoProblem();
if (motoProblem !== undefined) {
  // In CI a missing server is a failure, never a silent skip (as the PostgreSQL tests).
  if (process.env['CI']) throw new Error(`The versioning and object-lock tests need moto_server on PATH (pip install 'moto[server]'): ${motoProblem}`);
  process.stderr.write(`\nNOTICE: skipping the moto (S3 versioning/object lock) tests: no moto_server on PATH (${motoProblem}); in CI they fail instead.\n`);
}

/** describe() when moto_server is installed; describe.skip (after the notice above) otherwise. */
export const describeMoto = motoProblem === undefined ? describe : describe.skip;

export interface TestMotoServer {
  readonly endpoint: string;
  /** A client for seeding; it sends checksums only where S3 requires them, as the tool's client does. */
  readonly client: S3Client;
  close(): Promise<void>;
}

async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`moto_server exited with ${exited} before answering`);
    try {
      const answer = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(1_000) });
      await answer.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  throw new Error(`moto_server did not answer at ${endpoint} within ${timeoutMs} ms`);
}

/**
 * Starts moto_server on a free 127.0.0.1 port and waits until it answers; close() stops it. `env` adds to its
 * environment (e.g. MOTO_S3_DEFAULT_MAX_KEYS, the page size of a listing that names none; 1,000 as in S3 otherwise).
 */
export async function startMotoServer(options: { env?: Record<string, string> } = {}): Promise<TestMotoServer> {
  const port = await findFreePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(endpoint, child, 30_000);
  } catch (err) {
    child.kill('SIGTERM');
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }
  const client = openTestS3Client(endpoint, MOTO_ACCESS_KEY_ID, MOTO_SECRET_ACCESS_KEY);
  return {
    endpoint,
    client,
    close: async () => {
      client.destroy();
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Creates a bucket: plain, versioned, or with object lock (which turns versioning on) and an optional default retention. */
export async function createMotoBucket(
  client: S3Client,
  bucket: string,
  options: { versioned?: boolean; lock?: { defaultRetention?: DefaultRetention } } = {},
): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket, ...(options.lock ? { ObjectLockEnabledForBucket: true } : {}) }));
  if (options.versioned === true && !options.lock) {
    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  }
  if (options.lock?.defaultRetention) {
    await client.send(
      new PutObjectLockConfigurationCommand({
        Bucket: bucket,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: options.lock.defaultRetention } },
      }),
    );
  }
}
