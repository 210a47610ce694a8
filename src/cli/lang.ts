import type { EnvVars } from '../config/environment.js';
import type { Lang } from '../report/messages/index.js';

/**
 * The language of a human-readable report when `--lang` is not given, decided in one place: `lang:` of the config,
 * then the locale (LC_ALL, else LANG, as POSIX orders them) when it starts with `ko`, then English. The ledger passes
 * its own fallback, Korean: it is a Korean legal form, so only `--lang` or `lang:` make it English.
 */
export function selectLang(flag: Lang | undefined, configured: Lang | undefined, env: EnvVars, fallback?: Lang): Lang {
  if (flag !== undefined) return flag;
  if (configured !== undefined) return configured;
  if (fallback !== undefined) return fallback;
  const locale = env['LC_ALL'] || env['LANG'] || '';
  return locale.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}
