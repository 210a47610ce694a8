import { parseArchiveUrl, type ArchiveLocation } from '../archives/archive-url.js';
import { parseDuration, type Duration } from './duration.js';

/** One Logpush archive (`archives:`): an S3 or R2 bucket and prefix that Cloudflare pushes logs into. */
export interface ArchiveConfig {
  readonly name: string;
  /** As written (`s3://bucket/prefix/`). */
  readonly url: string;
  readonly location: ArchiveLocation;
  /** An S3-compatible endpoint (R2: https://<account_id>.r2.cloudflarestorage.com); undefined for AWS S3. */
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly forcePathStyle: boolean;
  /** `retention:` of the entry, else the firewall-events retention. */
  readonly retention: Duration;
}

const ARCHIVE_KEYS = ['name', 'url', 'endpoint', 'region', 'force_path_style', 'retention'];
const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const REGION = /^(auto|[a-z]{2}(-[a-z]+)+-\d+)$/;
const DEFAULT_REGION = 'us-east-1';
// Keys that would put credentials in the file: the SDK's default chain supplies them.
const CREDENTIAL_KEYS = /secret|access_key|key_id|token|password|credential/i;

/** Reads and checks `archives:`; every problem names its key path (archives[0].url). */
export function readArchives(raw: unknown, fallbackRetention: Duration | undefined, problems: string[]): ArchiveConfig[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push('archives: must be a list of {name, url, endpoint, region, force_path_style, retention}');
    return [];
  }
  const names = new Set<string>();
  return raw.flatMap((entry: unknown, i): ArchiveConfig[] => {
    const path = `archives[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${path}: must be a mapping with a name and a url`);
      return [];
    }
    const doc = entry as Record<string, unknown>;
    const before = problems.length;
    for (const key of Object.keys(doc)) {
      if (CREDENTIAL_KEYS.test(key))
        problems.push(`${path}.${key}: credentials never go in the config (the AWS SDK reads AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE)`);
      else if (!ARCHIVE_KEYS.includes(key)) problems.push(`${path}.${key}: unknown key (known: ${ARCHIVE_KEYS.join(', ')})`);
    }
    const name = doc['name'];
    if (typeof name !== 'string' || !NAME.test(name)) {
      problems.push(
        `${path}.name: ${name === undefined ? 'is missing' : `${JSON.stringify(name)} is not a name (lower-case letters, digits, - and _, at most 63)`}`,
      );
    } else if (names.has(name)) problems.push(`${path}.name: "${name}" names another archive too`);
    else names.add(name);
    const url = doc['url'];
    const parsed = typeof url === 'string' ? parseArchiveUrl(url) : { problem: url === undefined ? 'is missing' : 'must be a string' };
    if ('problem' in parsed) problems.push(`${path}.url: ${parsed.problem}`);
    const endpoint = doc['endpoint'] ?? undefined;
    if (endpoint !== undefined && (typeof endpoint !== 'string' || !isHttpUrl(endpoint)))
      problems.push(
        // The value is not repeated: it may carry a user and password.
        `${path}.endpoint: is not an http(s) URL without user, password or query (R2: https://<account_id>.r2.cloudflarestorage.com)`,
      );
    const region = doc['region'] ?? DEFAULT_REGION;
    if (typeof region !== 'string' || !REGION.test(region))
      problems.push(`${path}.region: ${JSON.stringify(region)} is not a region (auto for R2, or like us-east-1)`);
    const forcePathStyle = doc['force_path_style'] ?? endpoint !== undefined;
    if (typeof forcePathStyle !== 'boolean') problems.push(`${path}.force_path_style: must be true or false`);
    const rawRetention = doc['retention'];
    const retention = rawRetention === undefined ? fallbackRetention : typeof rawRetention === 'string' ? parseDuration(rawRetention) : undefined;
    if (rawRetention !== undefined && (retention === undefined || retention.ms <= 0))
      problems.push(`${path}.retention: ${JSON.stringify(rawRetention)} is not a duration of at most 100 years (use 30d, 12h or ISO-8601 like P30D)`);
    if (problems.length > before || 'problem' in parsed || retention === undefined) return [];
    return [
      {
        name: name as string,
        url: url as string,
        location: parsed.location,
        endpoint: endpoint as string | undefined,
        region: region as string,
        forcePathStyle: forcePathStyle as boolean,
        retention,
      },
    ];
  });
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '' && url.search === '';
  } catch {
    return false;
  }
}
