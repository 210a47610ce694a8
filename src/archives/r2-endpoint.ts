/** Where an R2 bucket lives, as its S3 endpoint names it: the Cloudflare account and the jurisdiction. */
export interface R2Location {
  readonly accountId: string;
  /** `default`, or the jurisdiction of `https://<account_id>.<jurisdiction>.r2.cloudflarestorage.com`. */
  readonly jurisdiction: 'default' | 'eu' | 'fedramp';
}

// https://<account_id>.r2.cloudflarestorage.com, with .eu or .fedramp before .r2 for jurisdiction buckets (reference §6.4).
const R2_HOST = /^([0-9a-f]{32})(?:\.(eu|fedramp))?\.r2\.cloudflarestorage\.com$/;

/** The account and jurisdiction of an R2 endpoint; undefined for AWS S3 (no endpoint) or any other server. */
export function parseR2Endpoint(endpoint: string | undefined): R2Location | undefined {
  if (endpoint === undefined) return undefined;
  let host: string;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  const match = R2_HOST.exec(host);
  if (!match) return undefined;
  return { accountId: match[1]!, jurisdiction: (match[2] as 'eu' | 'fedramp' | undefined) ?? 'default' };
}
