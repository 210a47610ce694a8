import { join } from 'node:path';

/** The files inside LUXERET_HOME. */
export interface HomePaths {
  readonly home: string;
  readonly store: string;
  readonly lock: string;
  readonly keysDir: string;
  readonly signingKey: string;
  readonly publicKey: string;
  readonly subjectSecret: string;
}

export function homePaths(home: string): HomePaths {
  const keysDir = join(home, 'keys');
  return {
    home,
    store: join(home, 'luxeret.db'),
    lock: join(home, 'luxeret.lock'),
    keysDir,
    signingKey: join(keysDir, 'audit-signing-key.pem'),
    publicKey: join(keysDir, 'audit-public-key.pem'),
    subjectSecret: join(keysDir, 'subject-hmac.key'),
  };
}
