import { apiError, badRequest, notEntitled, ok, type Reply } from '../envelope.js';
import type { LogpushJob, PlanId } from '../models.js';
import { PLAN_NAMES } from '../plans.js';
import type { RestRequest, Route } from '../router.js';
import { isRecord, scopeOf, zoneOf } from './scope.js';

/** Logpull retention flag (reference §6.2) and Logpush jobs (§6.3); both Enterprise-only. */

function enterpriseOnly(feature: string, plan: PlanId): Reply | undefined {
  return plan === 'enterprise' ? undefined : notEntitled(feature, PLAN_NAMES[plan]);
}

function jobsOf(request: RestRequest): { jobs: Map<number, LogpushJob>; plan: PlanId } {
  const scope = scopeOf(request);
  return scope.kind === 'zone' ? { jobs: scope.zone.logpushJobs, plan: scope.zone.plan } : { jobs: scope.account.logpushJobs, plan: scope.account.plan };
}

const jobNotFound = (): Reply => apiError(404, 1002, 'job not found');

function withJobs(handler: (request: RestRequest, jobs: Map<number, LogpushJob>) => Reply): (request: RestRequest) => Reply {
  return (request) => {
    const { jobs, plan } = jobsOf(request);
    return enterpriseOnly('Logpush', plan) ?? handler(request, jobs);
  };
}

function jobId(request: RestRequest): number | undefined {
  const text = request.params['job_id'] ?? '';
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

function retentionRoute(method: 'GET' | 'POST'): Route {
  return {
    method,
    path: '/zones/:zone_id/logs/control/retention/flag',
    permissions: method === 'GET' ? ['Logs Read', 'Logs Write'] : ['Logs Write'],
    handle: (request) => {
      const zone = zoneOf(request);
      const gated = enterpriseOnly('Logpull', zone.plan);
      if (gated !== undefined) return gated;
      if (method === 'POST') {
        const flag = isRecord(request.body) ? request.body['flag'] : undefined;
        if (typeof flag !== 'boolean') return badRequest('flag must be a boolean', 1004);
        zone.logRetention = flag;
      }
      return ok({ flag: zone.logRetention });
    },
  };
}

function jobRoutes(prefix: string): Route[] {
  // Listing and reading jobs need Logs Write too (reference §7).
  const permissions = ['Logs Write'];
  return [
    { method: 'GET', path: `${prefix}/logpush/jobs`, permissions, handle: withJobs((_r, jobs) => ok([...jobs.values()])) },
    {
      method: 'GET',
      path: `${prefix}/logpush/jobs/:job_id`,
      permissions,
      handle: withJobs((request, jobs) => {
        const job = jobs.get(jobId(request) ?? -1);
        return job === undefined ? jobNotFound() : ok(job);
      }),
    },
    {
      method: 'DELETE',
      path: `${prefix}/logpush/jobs/:job_id`,
      permissions,
      handle: withJobs((request, jobs) => {
        const id = jobId(request);
        return id !== undefined && jobs.delete(id) ? ok({ id }) : jobNotFound();
      }),
    },
    {
      method: 'GET',
      path: `${prefix}/logpush/datasets/:dataset_id/jobs`,
      permissions,
      handle: withJobs((request, jobs) => ok([...jobs.values()].filter((job) => job.dataset === request.params['dataset_id']))),
    },
  ];
}

export const LOG_ROUTES: Route[] = [retentionRoute('GET'), retentionRoute('POST'), ...jobRoutes('/zones/:zone_id'), ...jobRoutes('/accounts/:account_id')];
