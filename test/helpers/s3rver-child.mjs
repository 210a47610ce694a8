// A real S3 server (s3rver) on 127.0.0.1 for the archive tests, run as a child process: s3rver's continuation
// tokens use DES, which Node's OpenSSL 3 only offers with --openssl-legacy-provider (a flag for this child alone).
// Prints {"port": N} on stdout once it listens; the directory is its storage; stops on SIGTERM.
import S3rver from 's3rver';

const directory = process.argv[2];
const buckets = (process.argv[3] ?? '').split(',').filter((name) => name !== '');
const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
