import type { Reply } from './envelope.js';
import type { LimitDecision } from './rate-limit.js';
import type { EmulatorState, TokenState } from './state.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RestRequest {
  state: EmulatorState;
  method: HttpMethod;
  /** Path below `/client/v4`, e.g. `/zones/abc/firewall/access_rules/rules`. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  token: TokenState;
  /** A request header (lower-case name), e.g. `cf-r2-jurisdiction`. */
  header: (name: string) => string | undefined;
  /** Counts one modifying list request of `items` item changes against the account's 12-hour list budgets (L3). */
  takeListChange: (accountId: string, items: number) => LimitDecision;
}

export interface Route {
  method: HttpMethod;
  /** `:name` segments become params; `:zone_id` / `:account_id` are checked against the token's scope. */
  path: string;
  /** The token needs any one of these permissions; empty means any valid token. */
  permissions: readonly string[];
  handle: (request: RestRequest) => Reply | Promise<Reply>;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => {
      const names: string[] = [];
      const source = route.path
        .split('/')
        .map((segment) => {
          if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(segment.slice(1));
          return '([^/]+)';
        })
        .join('/');
      return { route, names, pattern: new RegExp(`^${source}/?$`) };
    });
  }

  /** The route for method + path; `'method'` when the path exists for another method only, undefined when unknown. */
  match(method: string, path: string): RouteMatch | 'method' | undefined {
    let pathKnown = false;
    for (const { route, pattern, names } of this.compiled) {
      const found = pattern.exec(path);
      if (found === null) continue;
      pathKnown = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      names.forEach((name, index) => {
        params[name] = decodeURIComponent(found[index + 1] ?? '');
      });
      return { route, params };
    }
    return pathKnown ? 'method' : undefined;
  }
}
