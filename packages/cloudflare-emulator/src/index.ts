/**
 * A faithful local Cloudflare API for tests and `luxeret-privacy demo`: the v4 REST envelope and the GraphQL Analytics
 * API on 127.0.0.1 (port 0 by default). See /work/shared/reference/cloudflare-api.md for the behaviour it copies.
 *
 * Usage:
 * ```ts
 * import { startEmulator, addZone, addToken, addFirewallEvents, generateFirewallEvents, ALL_PERMISSIONS } from '@luxeret/cloudflare-emulator';
 * const emulator = await startEmulator({ now: () => fixedNowMs });       // options: now, limits, faults, behaviour, idSeed, state
 * const zone = addZone(emulator.state, { name: 'shop.example.com', plan: 'business' });
 * addToken(emulator.state, { value: 'test-token', permissions: ['Analytics Read'] });   // kind 'user' | 'account'
 * addFirewallEvents(emulator.state, zone.id, generateFirewallEvents({ from, to, count: 5000, bursts: [{ at, size: 3000 }] }));
 * // point clients at emulator.baseUrl (http://127.0.0.1:PORT/client/v4); GraphQL is emulator.graphqlUrl
 * emulator.requests;      // SeenRequest[]: method, path (below /client/v4), query, status, hasAuth, kind, operationName
 * emulator.state.limits = { ...emulator.state.limits, restRequests: 20, graphqlQueries: 20, windowMs: 5000 };
 * emulator.state.faults.graphql.serverError = 0.2;  // also rateLimit, latency (+latencyMs), malformed; faults.seed
 * emulator.state.behaviour.graphqlErrorStatus = 'documented';   // 400/403/429 instead of 200 + errors
 * emulator.state.behaviour.availableFieldsSpelling = 'dotted';   // G1 alternatives: 'underscore' (default) | 'dotted' | 'bare'
 * zone.graphqlOverrides.firewallEventsAdaptive = { maxPageSize: 100, notOlderThan: 3600 };
 * await emulator.close();
 * ```
 * Exports:
 * - server: startEmulator(options) → Emulator { baseUrl, graphqlUrl, requests, state, close() }; SeenRequest; API_PREFIX.
 * - state (mutable while running): createState, addAccount, addZone, addToken, getZone, getAccount, addFirewallEvents,
 *   addHttpRequests, addAccessRules, addIpList, addLockdowns, addRuleset, addLogpushJobs, addR2Bucket
 *   (+ R2_DEFAULT_MULTIPART_RULE); ALL_PERMISSIONS,
 *   CLOUDFLARE_RATE_LIMITS, NO_FAULTS; zone.plan, zone.logRetention, zone.graphqlOverrides[dataset]
 *   ({ maxPageSize, notOlderThan, maxDuration, maxNumberOfFields, enabled, hiddenFields }), state.limits,
 *   state.faults, state.behaviour ({ graphqlErrorStatus, availableFieldsSpelling, limitErrorWording,
 *   graphqlErrorCodes, graphqlRetryAfter, invalidTokenStatus, bulkOperationStepPolls, bulkOperationStepMs,
 *   maxListItemsPerAccount, unknownObjectStatus, serverErrorBody, asyncListStatus, accountRuleScopeType,
 *   zoneListingIncludesAccountRules, lockdownFreeListing, ingestionLagMaxMs }).
 * - models: FirewallEvent, HttpRequestSample, AccessRule, IpList, ListItem, BulkOperation, Lockdown, Ruleset,
 *   RulesetRule, LogpushJob, R2Bucket, R2LifecycleRule, PlanId.
 * - plans: PLAN_NAMES; limits: every limit and plan figure with its source — DATASET_LIMIT_TABLE,
 *   defaultDatasetLimits(dataset, plan), defaultHiddenFields, GRAPHQL_BUDGET (GraphQL); REST_LIMITS (REST).
 * - seeds (deterministic, seeded): generateFirewallEvents, generateHttpRequests, generateAccessRules, generateIpList,
 *   generateLockdowns, generateCustomRuleset, generateLogpushJobs, randomIPv4/6; seedDemoData(state, { now,
 *   tokenValue }) → DemoSummary for `luxeret-privacy demo`.
 * - createRng (mulberry32), TimeSortedStore.
 * - Logpush archives (an S3-compatible server standing in for R2; needs s3rver, an optional dependency of the CLI):
 *   startArchiveServer({ buckets }) → ArchiveServer { endpoint, credentials, close() }, putArchiveObjects,
 *   generateLogpushObjects (gzip NDJSON files named as Logpush names them), seedDemoArchive(server, { now }) for
 *   `luxeret-privacy demo` (DEMO_ARCHIVE: the bucket and prefix of the demo's firewall_events Logpush jobs).
 *
 * Served: POST /graphql (viewer.zones: settings, firewallEventsAdaptive, httpRequestsAdaptiveGroups); /user/tokens/verify,
 * /accounts/{id}/tokens/verify; /zones, /zones/{id}; {zones|accounts}/{id}/firewall/access_rules/rules[/{id}];
 * /accounts/{id}/rules/lists[/{id}[/items[/{id}]]], …/lists/bulk_operations/{id}; /zones/{id}/firewall/lockdowns[/{id}];
 * {zones|accounts}/{id}/rulesets[/phases/{phase}/entrypoint | /{id}[/rules[/{id}]]]; /zones/{id}/logs/control/retention/flag;
 * /zones/{id}/logs/received[/fields], /zones/{id}/logs/rayids/{ray}; {zones|accounts}/{id}/logpush/jobs[/{id}],
 * …/logpush/datasets/{dataset}/jobs; GET /accounts/{id}/r2/buckets/{name}/lifecycle. Anything else: 400 code 7000; an unknown zone/account id: 7003.
 */
export { startEmulator, API_PREFIX, type Emulator, type EmulatorOptions, type SeenRequest } from './server.js';
export * from './state.js';
export * from './models.js';
export * from './plans.js';
export * from './limits.js';
export * from './seed.js';
export { createRng, type Rng } from './rng.js';
export { TimeSortedStore, type StoredRow } from './event-store.js';
export { seedDemoData, type DemoSummary, type DemoZoneSummary } from './demo.js';
export { startArchiveServer, putArchiveObjects, type ArchiveServer, type ArchiveObjectBody } from './archive-server.js';
export { generateLogpushObjects, LOGPUSH_JOB_FIELDS, type LogpushField } from './logpush-archive.js';
export { seedDemoArchive, DEMO_ARCHIVE, type DemoArchiveSummary } from './demo-archive.js';
