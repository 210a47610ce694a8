import { NotFoundError } from 'cloudflare/error';
import type Cloudflare from 'cloudflare';
import { parseExpression } from '../expression.js';
import { asRecord, readBoolean, readDate, readString, requireString } from './fields.js';
import type { CustomRule } from './types.js';

export const CUSTOM_RULES_PHASE = 'http_request_firewall_custom';

/**
 * The rules of a zone's custom-rules entrypoint, with the IPs and countries their expressions name. A zone that
 * never had a custom rule has no entrypoint: Cloudflare answers 404, which means "no rules", not a failure.
 */
export async function fetchCustomRules(sdk: Cloudflare, zoneId: string): Promise<CustomRule[]> {
  let ruleset: Readonly<Record<string, unknown>>;
  try {
    ruleset = asRecord(await sdk.rulesets.phases.get(CUSTOM_RULES_PHASE, { zone_id: zoneId }));
  } catch (err) {
    if (err instanceof NotFoundError) return [];
    throw err;
  }
  const rulesetId = requireString(ruleset, 'id', 'custom-rules ruleset');
  const rules = Array.isArray(ruleset['rules']) ? ruleset['rules'] : [];
  return rules.map((raw: unknown) => {
    const rule = asRecord(raw);
    const expression = readString(rule, 'expression') ?? '';
    return {
      id: requireString(rule, 'id', `rule of ruleset ${rulesetId}`),
      zoneId,
      rulesetId,
      action: readString(rule, 'action') ?? '',
      description: readString(rule, 'description') ?? '',
      enabled: readBoolean(rule, 'enabled') ?? true,
      expression,
      lastUpdated: readDate(rule, 'last_updated'),
      parsed: parseExpression(expression),
    };
  });
}
