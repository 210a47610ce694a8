/**
 * Logpush `destination_conf` values carry credentials: R2/S3 `access-key-id` and `secret-access-key`, Azure SAS
 * tokens (`sig`, `sv`, `se`, …), signed URLs (`X-Amz-Signature`, `X-Amz-Credential`), HTTP destinations'
 * `header_Authorization` / API keys, user:password in the URL, and tokens carried as URL path segments (Sumo Logic's
 * collector path, webhook URLs) under any scheme. Every value
 * leaves this module redacted, before it reaches output, JSON, or the audit log.
 */

export const REDACTED = 'REDACTED';

// Query parameters known to hold no secret; every other parameter's value is redacted (allow-list, not block-list).
const SAFE_PARAMS = new Set(['region', 'account-id', 'sse', 'endpoint', 'channel', 'insecure-skip-verify', 'jurisdiction', 'ddsource', 'service', 'host']);
// Hosts whose URL path itself is the credential (Sumo Logic HTTP source: /receiver/v1/http/<token>).
const SECRET_PATH_HOST = /(^|\.)sumologic\.com$/i;

/**
 * Whether one URL path segment looks like a credential rather than a name: webhook and collector URLs of every
 * kind (HTTPS endpoints, Splunk/Sumo-style receivers, signed paths) carry their token as a path segment. A token is
 * long, uses only URL-safe token characters, mixes digits and letters (or upper and lower case), and is not
 * readable words: `ZaVnC4dhaV39Tn37` is one, `firewall-logs`, `{DATE}` and `2026-01-01` are not.
 */
export function isSecretLike(segment: string): boolean {
  let text = segment;
  try {
    text = decodeURIComponent(segment);
  } catch {
    // Keep it raw: malformed escapes are judged as written.
  }
  if (text.length < 16 || !/^[A-Za-z0-9._~+=\-/]+$/.test(text)) return false;
  const hasDigit = /\d/.test(text);
  const hasLetter = /[A-Za-z]/.test(text);
  const mixedCase = /[a-z]/.test(text) && /[A-Z]/.test(text);
  if (!((hasDigit && hasLetter) || (mixedCase && text.length >= 20))) return false;
  // Names and dates are mostly words and separators: a credential has few separators and many distinct characters.
  const separators = (text.match(/[._~-]/g) ?? []).length;
  return separators <= text.length / 8 && new Set(text).size >= 10;
}

/** Redacts every secret in a Logpush destination (`r2://…?access-key-id=…`, `s3://…`, `https://…`, `azure://…`). */
export function redactDestinationConf(conf: string): string {
  const queryAt = conf.indexOf('?');
  const base = queryAt < 0 ? conf : conf.slice(0, queryAt);
  const query = queryAt < 0 ? undefined : conf.slice(queryAt + 1);
  return redactBase(base) + (query === undefined ? '' : `?${redactQuery(query)}`);
}

function redactBase(base: string): string {
  // user:password@ (or a bare token@) before the host.
  let out = base.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@]+)@/i, `$1${REDACTED}@`);
  const url = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]+)(\/.*)?$/i.exec(out);
  if (url && SECRET_PATH_HOST.test(url[2]!.replace(/^.*@/, '').replace(/:\d+$/, '')) && url[3]) {
    out = `${url[1]}${url[2]}${url[3].replace(/\/[^/]+$/, `/${REDACTED}`)}`;
  } else if (url?.[3]) {
    // Any scheme: a path segment that looks like a token is one.
    out = `${url[1]}${url[2]}${url[3]
      .split('/')
      .map((segment) => (isSecretLike(segment) ? REDACTED : segment))
      .join('/')}`;
  }
  return out;
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      if (pair === '') return pair;
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      if (eq < 0) return pair;
      let decoded = key;
      try {
        decoded = decodeURIComponent(key);
      } catch {
        // Keep the raw key: a malformed escape is not a reason to show the value.
      }
      return SAFE_PARAMS.has(decoded.toLowerCase()) ? pair : `${key}=${REDACTED}`;
    })
    .join('&');
}

// Parameter names that hold secrets wherever they appear in free text (error messages, notes).
const SECRET_KEY =
  /((?:access[-_]?key[-_]?id|secret[-_]?access[-_]?key|secret|x-amz-signature|x-amz-credential|x-amz-security-token|sig|signature|token|sas|sv|se|sp|api[-_]?key|apikey|password|passwd|header_[a-z0-9_-]+)=)([^&\s"'<>]+)/gi;

/** Redacts credential-looking `key=value` pairs, URL userinfo and Bearer tokens in any text (errors, notes). */
export function redactSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)([^/@\s]+)@/gi, `$1${REDACTED}@`)
    .replace(/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${REDACTED}`)
    .replace(SECRET_KEY, `$1${REDACTED}`)
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s"'<>]*sumologic\.com\/[^\s"'<>?]*\/)[^/\s"'<>?]+/gi, `$1${REDACTED}`)
    .replace(
      /([a-z][a-z0-9+.-]*:\/\/[^/\s"'<>?]+)(\/[^\s"'<>?]*)/gi,
      (_match, start: string, path: string) =>
        `${start}${path
          .split('/')
          .map((segment) => (isSecretLike(segment) ? REDACTED : segment))
          .join('/')}`,
    );
}
