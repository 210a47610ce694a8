import { apiError, badRequest, ok, type Reply } from '../envelope.js';
import type { R2Bucket } from '../models.js';
import type { Route } from '../router.js';
import { accountOf } from './scope.js';

/**
 * R2 bucket lifecycle (`GET /accounts/{account_id}/r2/buckets/{bucket_name}/lifecycle`, SDK
 * `r2.buckets.lifecycle.get`): `{ rules: [...] }` in the API's camelCase. A jurisdiction bucket is found only with
 * its `cf-r2-jurisdiction` header; an unknown bucket is R2's 404 code 10006.
 */

const JURISDICTIONS = new Set<R2Bucket['jurisdiction']>(['default', 'eu', 'fedramp']);

export const R2_ROUTES: Route[] = [
  {
    method: 'GET',
    path: '/accounts/:account_id/r2/buckets/:bucket_name/lifecycle',
    permissions: ['Workers R2 Storage Read', 'Workers R2 Storage Write'],
    handle: (request): Reply => {
      const jurisdiction = (request.header('cf-r2-jurisdiction') ?? 'default').toLowerCase();
      if (!JURISDICTIONS.has(jurisdiction as R2Bucket['jurisdiction'])) return badRequest('Invalid jurisdiction', 10_017);
      const bucket = accountOf(request).r2Buckets.get(`${jurisdiction}/${request.params['bucket_name'] ?? ''}`);
      if (bucket === undefined) return apiError(404, 10_006, 'The specified bucket does not exist.');
      return ok({ rules: bucket.lifecycleRules });
    },
  },
];
