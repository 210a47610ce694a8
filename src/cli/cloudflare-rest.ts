import { createRestClient, type RestClient } from '../cloudflare/rest-client.js';
import { parseRestBudget, REST_BUDGET, type RestBudget } from '../cloudflare/rest-pacer.js';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';

const clients = new WeakMap<CliContext, RestClient>();

/**
 * The run's one REST client (official SDK + shared pacer), so every command part spends the same budget.
 * `LUXERET_REST_BUDGET` (`1200/5m` by default) scales the pacer for a smaller allowance or an emulator.
 */
export function openRestClient(ctx: CliContext): RestClient {
  const existing = clients.get(ctx);
  if (existing) return existing;
  const client = createRestClient({ baseUrl: ctx.environment().baseUrl, token: ctx.apiToken(), budget: readRestBudget(ctx.env['LUXERET_REST_BUDGET']) });
  clients.set(ctx, client);
  return client;
}

/** Whether Cloudflare can be asked at all in this run (a token is set). */
export function hasApiToken(ctx: CliContext): boolean {
  return ctx.environment().apiToken !== undefined;
}

export function readRestBudget(text: string | undefined): RestBudget {
  if (text === undefined || text.trim() === '') return REST_BUDGET;
  const budget = parseRestBudget(text);
  if (budget === undefined) {
    throw new UsageError(`LUXERET_REST_BUDGET: "${text}" is not a budget`, { hint: 'Write requests per window, e.g. 1200/5m or 20/5s.' });
  }
  return budget;
}
