import type * as S3Sdk from '@aws-sdk/client-s3';

/**
 * The AWS SDK's S3 client, imported on first use: a run with no archive configured (most commands, most setups)
 * never loads it. Every function in src/archives that sends a request awaits `loadS3Sdk()` first, so by the time an
 * S3 error can exist the SDK is loaded, and `isS3ServiceException` can answer without importing it.
 */
let loading: Promise<typeof S3Sdk> | undefined;
let loaded: typeof S3Sdk | undefined;

/** The `@aws-sdk/client-s3` module, imported by the first call (the same module for every caller). */
export function loadS3Sdk(): Promise<typeof S3Sdk> {
  loading ??= import('@aws-sdk/client-s3').then((sdk) => (loaded = sdk));
  return loading;
}

/** Whether `err` is an error the S3 service answered with (none can exist before the SDK is loaded). */
export function isS3ServiceException(err: unknown): err is S3Sdk.S3ServiceException {
  return loaded !== undefined && err instanceof loaded.S3ServiceException;
}
