import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Emulator } from '@luxeret/cloudflare-emulator';
import { startTestEmulator } from '@luxeret/cloudflare-emulator/testing';
import { startStoreHome, type StoreHome } from './store-home.js';
import type { StoreKind, TestStoreTarget } from './store-kinds.js';

/**
 * (purge tests) Gives each test a fresh StoreHome of `kind` made by `init`, its config `extraConfig` plus the store's
 * lines, and CLOUDFLARE_BASE_URL pointing at an emulator shared by the file (for the purge's clock check); removed
 * after each test (the PostgreSQL schema dropped).
 */
export function useStoreHome(kind: StoreKind, extraConfig: string, use: (home: StoreHome) => void): void {
  let emulator: Emulator | undefined;
  let made: StoreHome | undefined;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(async () => {
    await emulator?.close();
  });
  beforeEach(async () => {
    made = await startStoreHome(kind, { env: { CLOUDFLARE_BASE_URL: emulator!.baseUrl }, config: extraConfig });
    use(made);
  });
  afterEach(async () => {
    await made?.close();
    made = undefined;
  });
}

/** The schema named in a PostgreSQL target's config lines. */
export function schemaOf(target: TestStoreTarget): string {
  return /store_schema: (\S+)/.exec(target.configYaml)![1]!;
}
