import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv } from './child-env.js';

export interface LocalTsa {
  /** POST a DER TimeStampReq here (application/timestamp-query). */
  readonly url: string;
  readonly certificatePath: string;
  readonly certificatePem: string;
  readonly dir: string;
  readonly close: () => Promise<void>;
}

/**
 * A real RFC 3161 time-stamping authority on 127.0.0.1: `openssl ts -reply` behind a small HTTP server, with a
 * fresh self-signed ECDSA certificate marked critical timeStamping (what `openssl ts` requires of a TSA).
 */
export async function startLocalTsa(): Promise<LocalTsa> {
  const dir = mkdtempSync(join(tmpdir(), 'luxeret-tsa-'));
  const certificatePath = join(dir, 'tsa.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'tsa.key'),
      '-out',
      certificatePath,
      '-days',
      '2',
      '-subj',
      '/CN=luxeret test TSA',
      '-addext',
      'extendedKeyUsage=critical,timeStamping',
      '-addext',
      'keyUsage=critical,digitalSignature',
    ],
    { stdio: 'ignore', env: childEnv() },
  );
  writeFileSync(join(dir, 'serial'), '01\n');
  writeFileSync(
    join(dir, 'tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `dir = ${dir}`,
      'serial = $dir/serial',
      'crypto_device = builtin',
      'signer_cert = $dir/tsa.pem',
      'signer_key = $dir/tsa.key',
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'digests = sha256',
      'accuracy = secs:1',
      'ordering = yes',
      'tsa_name = no',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  let requests = 0;
  // One `openssl ts -reply` at a time: two at once race on the serial file, and the loser answers "system error"
  // (a client that retries a slow request under load sends a second one while the first still runs).
  let queue = Promise.resolve();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const n = ++requests;
      const query = join(dir, `q${n}.tsq`);
      const reply = join(dir, `r${n}.tsr`);
      writeFileSync(query, Buffer.concat(chunks));
      queue = queue.then(
        () =>
          new Promise<void>((done) =>
            execFile('openssl', ['ts', '-reply', '-config', join(dir, 'tsa.cnf'), '-queryfile', query, '-out', reply], { env: childEnv() }, (err) => {
              if (err) res.writeHead(500).end(err.message);
              else res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(readFileSync(reply));
              done();
            }),
          ),
      );
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    certificatePath,
    certificatePem: readFileSync(certificatePath, 'utf8'),
    dir,
    close: async () => {
      await new Promise<void>((done) => server.close(() => done()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
