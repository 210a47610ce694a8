import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useInitialisedHome } from '../helpers/store.js';

let dir: string;
let env: Record<string, string>;
useInitialisedHome('', (made) => ({ dir, env } = made));

const TOKEN = 'secret-token-value-1234567890';

describe('where the API token may go', () => {
  it.each([
    ['.env', 'http://api.example.test/client/v4', 'the .env file'],
    ['environment', 'http://10.0.0.5:8080/client/v4', 'the environment'],
    ['environment', 'ftp://api.example.test/client/v4', 'the environment'],
    ['environment', 'not a url', 'the environment'],
  ])('refuses CLOUDFLARE_BASE_URL from %s = %s (exit 2, naming where it was set, never showing the token)', async (source, url, where) => {
    const { CLOUDFLARE_BASE_URL: _unused, ...rest } = env;
    if (source === '.env') writeFileSync(join(dir, '.env'), `CLOUDFLARE_BASE_URL=${url}\nCLOUDFLARE_API_TOKEN=${TOKEN}\n`);
    const runEnv = source === '.env' ? rest : { ...rest, CLOUDFLARE_BASE_URL: url, CLOUDFLARE_API_TOKEN: TOKEN };
    const result = await runCli(['pull', '--since', '1h'], { env: runEnv, cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`CLOUDFLARE_BASE_URL (set in ${where})`);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
  });

  it.each(['https://api.example.test/client/v4', 'http://127.0.0.1:9/client/v4', 'http://localhost:9/client/v4', 'http://[::1]:9/client/v4'])(
    'accepts %s',
    async (url) => {
      const result = await runCli(['doctor', '--json'], { env: { ...env, CLOUDFLARE_BASE_URL: url }, cwd: dir });
      expect(result.stderr).not.toContain('refusing to send the API token');
    },
  );

  it('doctor flags a non-default base URL and where it was set', async () => {
    const { CLOUDFLARE_BASE_URL: _unused, ...rest } = env;
    const plain = JSON.parse((await runCli(['doctor', '--json'], { env: rest, cwd: dir })).stdout) as {
      checks: { name: string; status: string; detail: string }[];
    };
    expect(plain.checks.find((c) => c.name === 'API base URL')).toMatchObject({ status: 'pass', detail: 'https://api.cloudflare.com/client/v4 (default)' });
    writeFileSync(join(dir, '.env'), 'CLOUDFLARE_BASE_URL=https://proxy.example.test/client/v4\n');
    const fromFile = JSON.parse((await runCli(['doctor', '--json'], { env: rest, cwd: dir })).stdout) as typeof plain;
    expect(fromFile.checks.find((c) => c.name === 'API base URL')).toMatchObject({ status: 'warn' });
    expect(fromFile.checks.find((c) => c.name === 'API base URL')?.detail).toContain('set in the .env file');
    const fromEnv = JSON.parse((await runCli(['doctor', '--json'], { env, cwd: dir })).stdout) as typeof plain;
    expect(fromEnv.checks.find((c) => c.name === 'API base URL')?.detail).toContain('set in the environment');
  });
});
