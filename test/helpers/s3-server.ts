import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

/** s3rver's fixed key pair: any other is refused (InvalidAccessKeyId), which the denied-credentials tests rely on. */
export const S3_ACCESS_KEY_ID = 'S3RVER';
export const S3_SECRET_ACCESS_KEY = 'S3RVER';

export interface TestS3Server {
  readonly endpoint: string;
  /** A client with the server's credentials, for seeding. */
  readonly client: S3Client;
  close(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./s3rver-child.mjs', import.meta.url));

/** Starts a real S3 server (s3rver) on 127.0.0.1, port 0, with the named buckets, storing into a temporary directory. */
export async function startS3Server(buckets: readonly string[]): Promise<TestS3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'luxeret-s3-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', CHILD, directory, buckets.join(',')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = openTestS3Client(endpoint, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY);
  return {
    endpoint,
    client,
    close: async () => {
      client.destroy();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A client for a local S3 server (s3rver, moto, or a pass-through in front of one): path style, checksums only when required. */
export function openTestS3Client(endpoint: string, accessKeyId: string, secretAccessKey: string, options: { maxAttempts?: number } = {}): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...options,
  });
}

/** Puts objects, a few dozen at a time (the server is one process; more in flight only queues). */
export async function putObjects(client: S3Client, bucket: string, objects: readonly { key: string; body: Buffer }[], concurrency = 32): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < objects.length) {
      const object = objects[next++]!;
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.body }));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
