import { isS3ServiceException } from './s3-sdk.js';

/** `denied`: the credentials were refused or lack s3:ListBucket; `no_bucket`: no such bucket; `unreachable`: no answer. */
export type ArchiveFailure = 'denied' | 'no_bucket' | 'unreachable';

const DENIED = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'CredentialsProviderError']);

/** Whether an error code (as errorCode gives it) says the credentials were refused or lack the permission. */
export function isDeniedCode(code: string): boolean {
  return DENIED.has(code) || code === 'Forbidden';
}

export function classifyFailure(err: unknown): { reason: ArchiveFailure; code: string } {
  const code = errorCode(err);
  if (isS3ServiceException(err)) {
    if (code === 'NoSuchBucket') return { reason: 'no_bucket', code };
    const status = err.$metadata.httpStatusCode;
    if (DENIED.has(code) || status === 401 || status === 403) return { reason: 'denied', code };
    return { reason: 'unreachable', code };
  }
  return { reason: DENIED.has(code) ? 'denied' : 'unreachable', code };
}

/** The S3 error code or the network error's code: never a message, which may quote a key or a header. */
export function errorCode(err: unknown): string {
  if (isS3ServiceException(err)) return err.name;
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    return typeof code === 'string' ? code : err.name;
  }
  return 'unknown';
}
