import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * An S3-compatible server on 127.0.0.1 standing in for the R2 bucket a Logpush job writes into: s3rver, storing
 * into a temporary directory. It runs as a child process because s3rver's continuation tokens use DES, which Node's
 * OpenSSL 3 offers only with --openssl-legacy-provider (a flag for the child alone). s3rver is an optional
 * dependency of the CLI, as graphql is: only `demo` (and the benchmarks) start this server.
 */
export interface ArchiveServer {
  /** `http://127.0.0.1:<port>`: path-style addressing. */
  readonly endpoint: string;
  /** s3rver's one fixed key pair (it refuses any other); good for this server and nothing else. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  close(): Promise<void>;
}

/** An object to put: its key and its bytes. */
export interface ArchiveObjectBody {
  readonly key: string;
  readonly body: Buffer;
}

const S3RVER_KEY = 'S3RVER';

// The child's whole program. It imports s3rver by the URL the parent resolved (an eval module resolves bare names
// from the working directory, not from this package), prints {"port": N} once it listens, and stops on SIGTERM or
// when the parent goes away (its stdin closes), so a killed demo leaves no server behind.
const CHILD_PROGRAM = `
const [s3rverUrl, directory, bucketList] = process.argv.slice(1);
const { default: S3rver } = await import(s3rverUrl);
const buckets = bucketList.split(',').filter((name) => name !== '');
const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
const { port } = await server.run();
process.stdout.write(JSON.stringify({ port }) + '\\n');
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop).resume();
`;

/**
 * Starts the server with the named buckets. Throws an error with code ERR_MODULE_NOT_FOUND when s3rver is not
 * installed (an install with --omit=optional).
 */
export async function startArchiveServer(options: { buckets: readonly string[] }): Promise<ArchiveServer> {
  const s3rverUrl = import.meta.resolve('s3rver');
  const directory = mkdtempSync(join(tmpdir(), 'luxeret-archive-'));
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '--input-type=module', '-e', CHILD_PROGRAM, s3rverUrl, directory, options.buckets.join(',')],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
      // Nothing of the caller's environment: the server needs none of it.
      env: {},
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => void (stderr = (stderr + text).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the archive server (s3rver) exited with ${code} before listening: ${stderr.trim()}`)));
      createInterface({ input: child.stdout }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    });
    return {
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY },
      close: async () => {
        child.kill('SIGTERM');
        await exited;
        rmSync(directory, { recursive: true, force: true });
      },
    };
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    rmSync(directory, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Puts the objects with unsigned PUTs (s3rver accepts anonymous writes), `concurrency` in flight: the server is one
 * process, so more only queues.
 */
export async function putArchiveObjects(server: ArchiveServer, bucket: string, objects: readonly ArchiveObjectBody[], concurrency = 16): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < objects.length) {
      const object = objects[next++]!;
      const url = `${server.endpoint}/${bucket}/${object.key.split('/').map(encodeURIComponent).join('/')}`;
      const response = await fetch(url, { method: 'PUT', body: object.body, headers: { 'content-type': 'application/octet-stream' } });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`PUT ${bucket}/${object.key} answered ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, objects.length) }, worker));
}
