import { gzipSync } from 'node:zlib';
import { formatCompactTime } from '../../src/archives/object-time.js';
import { MOTO_ACCESS_KEY_ID, MOTO_SECRET_ACCESS_KEY } from './moto-server.js';

/**
 * The `n`th five-minute Logpush object of `day` under `prefix`, named as Logpush names it
 * (`<prefix><YYYYMMDD>/<start>_<end>_<hash>.log.gz`), so the name tells its data time.
 */
export function logpushObjectAt(prefix: string, day: Date, n: number): { key: string; start: Date } {
  const start = new Date(day.getTime() + n * 5 * 60_000);
  const end = new Date(start.getTime() + 5 * 60_000);
  return {
    key: `${prefix}${formatCompactTime(day).slice(0, 8)}/${formatCompactTime(start)}_${formatCompactTime(end)}_${n.toString(16).padStart(8, '0')}.log.gz`,
    start,
  };
}

/** A gzip NDJSON body of firewall-event lines, one per address, a second apart from `start`. */
export function logpushBody(start: Date, ips: readonly string[]): Buffer {
  return gzipSync(
    ips.map((ip, i) => JSON.stringify({ ClientIP: ip, ClientCountry: 'kr', Datetime: new Date(start.getTime() + i * 1000).toISOString() })).join('\n') + '\n',
  );
}

/** A CLI run's environment against an S3 server: its own home, the server's key pair, and a Cloudflare URL nothing answers. */
export function s3CliEnv(home: string, accessKeyId: string, secretAccessKey: string): Record<string, string> {
  return {
    LUXERET_HOME: home,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    CLOUDFLARE_BASE_URL: 'http://127.0.0.1:9',
  };
}

/** s3CliEnv against moto. */
export function motoCliEnv(home: string): Record<string, string> {
  return s3CliEnv(home, MOTO_ACCESS_KEY_ID, MOTO_SECRET_ACCESS_KEY);
}
