import { canonicalJson } from './canonical-json.js';
import { verifyTimestampToken } from './timestamp.js';

/** One RFC 3161 token of a lodged head, as stored beside the head and exported after it. */
export interface TimestampLine {
  type: 'timestamp';
  v: 1;
  /** The signed head exactly as lodged; the token stamps its canonical line. */
  head: Record<string, unknown>;
  /** base64 DER TimeStampToken (a CMS ContentInfo): `openssl ts -verify -token_in` reads it. */
  token: string;
}

export function buildTimestampLine(headLine: string, token: Buffer): string {
  const line: TimestampLine = { type: 'timestamp', v: 1, head: JSON.parse(headLine) as Record<string, unknown>, token: token.toString('base64') };
  return canonicalJson(line);
}

export interface TimestampVerification {
  /** The heads the tokens stamp, for verify to check as lodged heads of this log. */
  heads: Record<string, unknown>[];
  errors: { line: number; reason: string }[];
  verified: number;
}

/**
 * Checks each timestamp line's bytes and, with the TSA certificate, its token against the head it carries.
 * Without a certificate the tokens are only read, and a note says they were not checked.
 */
export async function verifyTimestampLines(lines: readonly string[], certificatePem: string | undefined, firstLine: number): Promise<TimestampVerification> {
  const result: TimestampVerification = { heads: [], errors: [], verified: 0 };
  for (const [i, text] of lines.entries()) {
    const line = firstLine + i;
    let parsed: TimestampLine;
    try {
      parsed = JSON.parse(text) as TimestampLine;
      if (typeof parsed.token !== 'string' || typeof parsed.head !== 'object' || parsed.head === null) throw new Error('malformed');
      if (canonicalJson(parsed) !== text) throw new Error('not in canonical form');
    } catch (err) {
      result.errors.push({ line, reason: `timestamp line: ${(err as Error).message}` });
      continue;
    }
    result.heads.push(parsed.head);
    if (certificatePem === undefined) continue;
    const check = await verifyTimestampToken(Buffer.from(parsed.token, 'base64'), Buffer.from(canonicalJson(parsed.head), 'utf8'), certificatePem);
    if (check.ok) result.verified += 1;
    else result.errors.push({ line, reason: `timestamp of the head of ${String(parsed.head.count)} entries: ${check.problem ?? '?'}` });
  }
  return result;
}
