import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authenticate, canReachAccount, canReachZone, hasAnyPermission } from './auth.js';
import { apiError, authenticationError, invalidToken, missingCredentials, noRoute, rateLimited, serverError, unknownObject, type Reply } from './envelope.js';
import { FaultInjector, truncateBody, type FaultPlan } from './faults.js';
import { graphqlErrorReply, graphqlUnauthorized, handleGraphql } from './graphql/handler.js';
import { QueryError } from './graphql/errors.js';
import { graphqlRequestCost } from './graphql/cost.js';
import { SlidingWindowLimiter, rateLimitHeaders, type LimitDecision } from './rate-limit.js';
import { REST_ROUTES } from './rest/index.js';
import { Router, type HttpMethod } from './router.js';
import { createState, type EmulatorState, type StateOptions, type TokenState } from './state.js';

export const API_PREFIX = '/client/v4';

/** What the emulator saw: enough for tests to assert on paging and auth, never the token itself. */
export interface SeenRequest {
  method: string;
  /** Path below `/client/v4`. */
  path: string;
  query: Record<string, string>;
  status: number;
  hasAuth: boolean;
  kind: 'rest' | 'graphql';
  /** GraphQL `operationName`, when the client sent one. */
  operationName?: string;
  /** When it arrived, by the emulator's clock (ms since epoch). */
  atMs: number;
}

export interface Emulator {
  /** `http://127.0.0.1:PORT/client/v4`; GraphQL is `${baseUrl}/graphql`. */
  baseUrl: string;
  graphqlUrl: string;
  requests: SeenRequest[];
  state: EmulatorState;
  close(): Promise<void>;
}

export interface EmulatorOptions extends StateOptions {
  /** Use this state instead of a fresh one (e.g. one built by a seed function). */
  state?: EmulatorState;
  /** Default 0: any free port. */
  port?: number;
  host?: string;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = options.state ?? createState(options);
  const requests: SeenRequest[] = [];
  const runtime = new Runtime(state, requests);
  const server = createServer((req, res) => void runtime.respond(req, res));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, ready);
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://${host}:${port}${API_PREFIX}`;
  return { baseUrl, graphqlUrl: `${baseUrl}/graphql`, requests, state, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((done, fail) => {
    server.close((error) => (error ? fail(error) : done()));
    server.closeAllConnections();
  });
}

const router = new Router(REST_ROUTES);
/** G12: the two transient GraphQL answers errors.mdx documents (HTTP 503); injected faults alternate them. */
const GRAPHQL_TRANSIENT = ['unable to execute query, please try again later', 'too many queries in progress, please try again later'];

class Runtime {
  private readonly limiter = new SlidingWindowLimiter();
  private injectors: { seed: number; rest: FaultInjector; graphql: FaultInjector } | undefined;

  constructor(
    private readonly state: EmulatorState,
    private readonly requests: SeenRequest[],
  ) {}

  async respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) || '/' : url.pathname;
    const kind: 'rest' | 'graphql' = path === '/graphql' || path === '/graphql/' ? 'graphql' : 'rest';
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      hasAuth: req.headers.authorization !== undefined,
      kind,
      atMs: this.state.now(),
    };
    this.requests.push(seen);
    let reply: Reply;
    let malformed = false;
    let headers: Record<string, string> = {};
    try {
      const raw = await readBody(req);
      const outcome = await this.handle(seen, url, path.replace(/\/$/, '') || '/', req.headers.authorization, raw, url.pathname.startsWith(API_PREFIX), req);
      reply = outcome.reply;
      malformed = outcome.malformed;
      headers = outcome.headers;
    } catch (error) {
      reply =
        kind === 'graphql'
          ? graphqlErrorReply(this.state, [new QueryError('Internal server error', 'internal')], 'internal')
          : error instanceof Error && error.message === 'body too large'
            ? apiError(500, 10002, 'Request body too large')
            : serverError(500, this.state.behaviour.serverErrorBody);
    }
    seen.status = reply.status;
    let text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    if (malformed) text = truncateBody(text);
    // Cloudflare's `Date` is its own clock: the emulator's, so clients' clock checks see the time the data lives in.
    res.writeHead(reply.status, { 'content-type': 'application/json', date: new Date(this.state.now()).toUTCString(), ...headers, ...reply.headers });
    res.end(text);
  }

  private async handle(
    seen: SeenRequest,
    url: URL,
    path: string,
    authorization: string | undefined,
    raw: string,
    isApiPath: boolean,
    req: IncomingMessage,
  ): Promise<{ reply: Reply; malformed: boolean; headers: Record<string, string> }> {
    const none = { malformed: false, headers: {} };
    const { state } = this;
    const method = seen.method.toUpperCase();
    const match = seen.kind === 'rest' && isApiPath ? router.match(method, path) : undefined;
    if (!isApiPath) return { reply: noRoute(), ...none };

    // Every API call counts, unknown routes included; only REST answers carry the rate-limit headers (G9).
    const auth = authenticate(state, authorization);
    const decision = this.takeRequestBudget(seen.kind, auth.kind === 'ok' ? auth.token : undefined, raw);
    const headers = seen.kind === 'rest' ? rateLimitHeaders(decision) : {};
    if ((seen.kind === 'graphql' && method !== 'POST') || (seen.kind === 'rest' && (match === undefined || match === 'method'))) {
      return { reply: noRoute(), malformed: false, headers };
    }
    if (auth.kind !== 'ok') {
      const reply =
        seen.kind === 'graphql'
          ? graphqlUnauthorized(state)
          : auth.kind === 'missing'
            ? missingCredentials(state.behaviour.invalidTokenStatus)
            : path === '/user/tokens/verify'
              ? invalidToken()
              : authenticationError(401);
      return { reply, malformed: false, headers };
    }
    if (!decision.allowed) {
      const reply = seen.kind === 'graphql' ? this.graphqlRateLimited(decision.retryAfterSeconds ?? 1) : rateLimited(decision.retryAfterSeconds ?? 1);
      return { reply, malformed: false, headers };
    }

    const fault = this.drawFault(seen.kind);
    if (fault.latencyMs > 0) await new Promise((resume) => setTimeout(resume, fault.latencyMs));
    const rates = state.faults[seen.kind];
    if (fault.rateLimit) {
      const reply = seen.kind === 'graphql' ? this.graphqlRateLimited(rates.retryAfterSeconds) : rateLimited(rates.retryAfterSeconds);
      return { reply, malformed: false, headers };
    }
    if (fault.serverError) {
      const reply =
        seen.kind === 'graphql'
          ? graphqlErrorReply(state, [new QueryError(GRAPHQL_TRANSIENT[this.requests.length % 2] as string, 'transient')], 'transient')
          : serverError(503, state.behaviour.serverErrorBody);
      return { reply, malformed: false, headers };
    }

    let body: unknown;
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        const reply =
          seen.kind === 'graphql'
            ? graphqlErrorReply(state, [new QueryError('query contains error, please review it and retry', 'validation')], 'validation')
            : apiError(400, 6007, 'Malformed JSON in request body');
        return { reply, malformed: false, headers };
      }
    }

    let reply: Reply;
    if (seen.kind === 'graphql') {
      const operationName = (body as { operationName?: unknown } | undefined)?.operationName;
      if (typeof operationName === 'string') seen.operationName = operationName;
      reply = handleGraphql(state, auth.token, body);
    } else {
      const { route, params } = match as Exclude<typeof match, 'method' | undefined>;
      reply =
        this.checkScope(auth.token, params) ??
        (hasAnyPermission(auth.token, route.permissions)
          ? await route.handle({
              state,
              method: method as HttpMethod,
              path,
              params,
              query: url.searchParams,
              body,
              token: auth.token,
              header: (name) => {
                const value = req.headers[name.toLowerCase()];
                return Array.isArray(value) ? value[0] : value;
              },
              takeListChange: (accountId, items) => this.takeListChange(accountId, items),
            })
          : authenticationError());
    }
    return { reply, malformed: fault.malformed, headers };
  }

  /**
   * A REST request costs 1 against the user's REST budget. A GraphQL request costs scopes × dataset nodes against the
   * GraphQL budget and, since GraphQL limits apply in addition to the general API limit (G8), as much against the
   * REST budget too; over either, it is refused.
   */
  /**
   * Charges a request to the user's budgets: a REST call 1 against REST; a GraphQL request its cost (scopes × nodes,
   * G8) against the GraphQL budget and, since the GraphQL limit applies in addition to the general one, the same cost
   * against REST. Nothing is taken when either would refuse it.
   */
  private takeRequestBudget(kind: 'rest' | 'graphql', token: TokenState | undefined, raw: string): LimitDecision {
    const { limits } = this.state;
    const nowMs = this.state.now();
    const user = token?.id ?? 'anonymous';
    if (kind === 'rest') return this.limiter.take(`rest:${user}`, 1, limits.restRequests, limits.windowMs, nowMs);
    const cost = token === undefined ? 1 : graphqlRequestCost(this.state, token, raw);
    const graphql = this.limiter.peek(`graphql:${user}`, limits.graphqlQueries, limits.windowMs, nowMs);
    const rest = this.limiter.peek(`rest:${user}`, limits.restRequests, limits.windowMs, nowMs);
    if (!graphql.allowed || graphql.remaining < cost) return this.limiter.take(`graphql:${user}`, cost, limits.graphqlQueries, limits.windowMs, nowMs);
    if (!rest.allowed || rest.remaining < cost) return this.limiter.take(`rest:${user}`, cost, limits.restRequests, limits.windowMs, nowMs);
    this.limiter.take(`rest:${user}`, cost, limits.restRequests, limits.windowMs, nowMs);
    return this.limiter.take(`graphql:${user}`, cost, limits.graphqlQueries, limits.windowMs, nowMs);
  }

  /**
   * One modifying list request of `items` item changes against the account's two 12-hour budgets (L3). Over either,
   * the request is refused until enough of the window has passed; unlike R1 this does not lock the account out.
   */
  private takeListChange(accountId: string, items: number): LimitDecision {
    const { limits } = this.state;
    const nowMs = this.state.now();
    const requests = this.limiter.peek(`list-requests:${accountId}`, limits.listModifyingRequests, limits.listWindowMs, nowMs);
    const changes = this.limiter.peek(`list-items:${accountId}`, limits.listItemChanges, limits.listWindowMs, nowMs);
    if (requests.remaining < 1) return this.limiter.refuse(`list-requests:${accountId}`, 1, limits.listModifyingRequests, limits.listWindowMs, nowMs);
    if (changes.remaining < items) return this.limiter.refuse(`list-items:${accountId}`, items, limits.listItemChanges, limits.listWindowMs, nowMs);
    this.limiter.take(`list-requests:${accountId}`, 1, limits.listModifyingRequests, limits.listWindowMs, nowMs);
    return this.limiter.take(`list-items:${accountId}`, items, limits.listItemChanges, limits.listWindowMs, nowMs);
  }

  /** Zone and account ids in the path must exist and be within the token's resources. */
  private checkScope(token: TokenState, params: Record<string, string>): Reply | undefined {
    const { state } = this;
    const zoneId = params['zone_id'];
    const accountId = params['account_id'];
    const status = state.behaviour.unknownObjectStatus;
    if (zoneId !== undefined) {
      if (!state.zones.has(zoneId)) return unknownObject(status, `/zones/${zoneId}`);
      if (!canReachZone(state, token, zoneId)) return authenticationError();
    }
    if (accountId !== undefined) {
      if (!state.accounts.has(accountId)) return unknownObject(status, `/accounts/${accountId}`);
      if (!canReachAccount(state, token, accountId)) return authenticationError();
    }
    return undefined;
  }

  private graphqlRateLimited(retryAfterSeconds: number): Reply {
    const reply = graphqlErrorReply(this.state, [new QueryError('rate limiter budget depleted, try again after 5 minutes', 'rate')], 'rate');
    const headers: Record<string, string> = this.state.behaviour.graphqlRetryAfter ? { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) } : {};
    return { ...reply, status: 429, headers };
  }

  private drawFault(kind: 'rest' | 'graphql'): FaultPlan {
    const seed = this.state.faults.seed;
    if (this.injectors === undefined || this.injectors.seed !== seed) {
      this.injectors = { seed, rest: new FaultInjector(seed), graphql: new FaultInjector(seed + 1) };
    }
    return this.injectors[kind].draw(this.state.faults[kind]);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        fail(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}
