/** Where a Logpush archive lives: a bucket and a key prefix (`''` for the whole bucket, else ending in `/`). */
export interface ArchiveLocation {
  readonly bucket: string;
  readonly prefix: string;
}

// S3's bucket naming rules (R2's are a subset): 3–63 lower-case letters, digits, dots and hyphens.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses `s3://bucket/prefix/`; a problem in words (naming no secret, there is none in it) when it is not one. */
export function parseArchiveUrl(url: string): { location: ArchiveLocation } | { problem: string } {
  // Not repeated when it has a user, password or query: those may be credentials (as in a Logpush destination_conf).
  if (/[@?#]/.test(url)) return { problem: 'is not a plain s3://bucket/prefix/ URL (no user, password or query: credentials never go in the config)' };
  const match = /^s3:\/\/([^/?#]+)(?:\/([^?#]*))?$/.exec(url.trim());
  if (!match) return { problem: `"${url}" is not an s3://bucket/prefix/ URL` };
  const bucket = match[1]!;
  if (!BUCKET.test(bucket)) return { problem: `"${bucket}" is not a bucket name (3–63 lower-case letters, digits, dots and hyphens)` };
  const path = (match[2] ?? '').replace(/^\/+/, '');
  const prefix = path === '' || path.endsWith('/') ? path : `${path}/`;
  return { location: { bucket, prefix } };
}

/** `bucket/prefix/` as the archive is named in notes and matched against Logpush destinations. */
export function formatArchiveLocation(location: ArchiveLocation): string {
  return `${location.bucket}/${location.prefix}`;
}
