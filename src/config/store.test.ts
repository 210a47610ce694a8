import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { buildConfig } from './config.js';
import { selectStore } from './store.js';

describe('store selection', () => {
  it('is SQLite unless a connection string is given', () => {
    const { config } = buildConfig({});
    expect(config?.store).toEqual({ url: undefined, schema: 'luxeret' });
    expect(selectStore(config!.store, {})).toEqual({ kind: 'sqlite' });
  });

  it('takes store: and store_schema: from the file, showing the URL without its password', () => {
    const { config, problems } = buildConfig({ store: 'postgres://lux:s3cret@db.internal:5432/privacy', store_schema: 'luxeret_kr' });
    expect(problems).toEqual([]);
    expect(selectStore(config!.store, {})).toEqual({
      kind: 'postgres',
      url: 'postgres://lux:s3cret@db.internal:5432/privacy',
      displayUrl: 'postgres://lux:***@db.internal:5432/privacy',
      schema: 'luxeret_kr',
      source: 'config',
    });
  });

  it('LUXERET_DATABASE_URL wins over store:', () => {
    const { config } = buildConfig({ store: 'postgres://a@host-a/db' });
    expect(selectStore(config!.store, { LUXERET_DATABASE_URL: 'postgresql://b@host-b:6432/db' })).toMatchObject({
      kind: 'postgres',
      url: 'postgresql://b@host-b:6432/db',
      schema: 'luxeret',
      source: 'LUXERET_DATABASE_URL',
    });
  });

  it.each([
    [{ store: 'mysql://lux:s3cret@db/privacy' }, 'store: "mysql://lux:***@db/privacy" is not a postgres:// URL'],
    [{ store: 'postgres://lux:s3cret@db.internal:5432' }, 'store: "postgres://lux:***@db.internal:5432" names no database'],
    [{ store: 'not a url' }, 'store: is not a postgres:// URL'],
    [{ store: 5432 }, 'store: must be a string'],
    [{ store_schema: 'Luxeret-Privacy' }, 'store_schema: "Luxeret-Privacy" is not a usable schema name'],
    [{ store_schema: 'pg_catalog' }, 'store_schema: "pg_catalog" is not a usable schema name'],
  ])('refuses %j, naming the key and never the password', (doc, problem) => {
    const { config, problems } = buildConfig(doc);
    expect(config).toBeUndefined();
    expect(problems).toEqual([expect.stringContaining(problem)]);
    expect(problems.join('\n')).not.toContain('s3cret');
  });

  it('refuses a bad LUXERET_DATABASE_URL with a configuration error (exit 2) that hides the password', () => {
    const { config } = buildConfig({});
    let thrown: unknown;
    try {
      selectStore(config!.store, { LUXERET_DATABASE_URL: 'postgres://lux:s3cret@db.internal' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).exitCode).toBe(2);
    expect((thrown as ConfigError).message).toBe(
      'LUXERET_DATABASE_URL "postgres://lux:***@db.internal" names no database (postgres://user@host:5432/database)',
    );
  });
});
