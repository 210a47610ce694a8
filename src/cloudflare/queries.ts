import { CloudflareApiError } from '../errors.js';

/**
 * GraphQL documents for the Analytics API (reference §2) and parsers for their answers. Filters are written inline
 * and only leaf values travel as variables (reference §2.5: the input-object type names are easy to get wrong).
 */

/** One dataset's limits, from `settings` (reference §2.3): never hard-coded, they vary by plan and zone. */
export interface DatasetSettings {
  readonly enabled: boolean;
  readonly maxDuration: number;
  readonly maxNumberOfFields: number;
  readonly maxPageSize: number;
  readonly notOlderThan: number;
  readonly availableFields: readonly string[];
}

export interface ZoneSettings {
  readonly firewallEventsAdaptive: DatasetSettings;
  readonly httpRequestsAdaptiveGroups: DatasetSettings;
}

/** A filter term on one field: equality (`op` ''), or `_geq`, `_gt`, `_lt`. */
export interface FilterTerm {
  readonly field: string;
  readonly op: '' | '_geq' | '_gt' | '_lt';
  readonly value: string;
}

const SETTINGS_FIELDS = 'enabled maxDuration maxNumberOfFields maxPageSize notOlderThan availableFields';

export const ZONE_SETTINGS_QUERY =
  'query ZoneSettings($zoneTag: string) { viewer { zones(filter: {zoneTag: $zoneTag}) { settings { ' +
  `firewallEventsAdaptive { ${SETTINGS_FIELDS} } httpRequestsAdaptiveGroups { ${SETTINGS_FIELDS} } } } } }`;

/**
 * Whether `availableFields` offers a field, given as a bare name (`clientIP`) or a path in any spelling. Cloudflare
 * documents nested fields as the path joined with underscores (`dimensions_clientIP`, `sum_requests`: field reports
 * G1); dotted paths and bare names are accepted too, since nobody can check every account.
 */
export function isFieldAvailable(settings: DatasetSettings, field: string): boolean {
  const wanted = pathSegments(field);
  return settings.availableFields.some((listed) => isSamePath(pathSegments(listed), wanted));
}

// Cloudflare's field names are camelCase without `_` or `.`, so both can only be path separators.
function pathSegments(name: string): string[] {
  return name.split(/[._]/);
}

/** Equal paths, or a bare name against a path ending in it. */
function isSamePath(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === b.length) return a.every((segment, i) => segment === b[i]);
  if (a.length !== 1 && b.length !== 1) return false;
  return a.at(-1) === b.at(-1);
}

/** A query document and its variables for one page of a dataset. */
export interface PageQuery {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
}

/** One page of `firewallEventsAdaptive`, selecting `fields`, ordered by `orderBy` ascending. */
export function buildFirewallEventsQuery(
  zoneTag: string,
  fields: readonly string[],
  filter: readonly FilterTerm[],
  orderBy: readonly string[],
  limit: number,
): PageQuery {
  return buildPageQuery('FirewallEvents', 'firewallEventsAdaptive', zoneTag, fields.join(' '), filter, orderBy, limit);
}

/** One page of `httpRequestsAdaptiveGroups`: request counts grouped by `dimensions`. */
export function buildHttpGroupsQuery(
  zoneTag: string,
  dimensions: readonly string[],
  filter: readonly FilterTerm[],
  orderBy: readonly string[],
  limit: number,
): PageQuery {
  return buildPageQuery('HttpRequestGroups', 'httpRequestsAdaptiveGroups', zoneTag, `count dimensions { ${dimensions.join(' ')} }`, filter, orderBy, limit);
}

function buildPageQuery(
  operation: string,
  node: string,
  zoneTag: string,
  selection: string,
  filter: readonly FilterTerm[],
  orderBy: readonly string[],
  limit: number,
): PageQuery {
  const declarations = ['$zoneTag: string', '$limit: uint64!'];
  const terms: string[] = [];
  const variables: Record<string, unknown> = { zoneTag, limit };
  filter.forEach((term, i) => {
    const name = `f${i}`;
    declarations.push(`$${name}: ${isTimeField(term.field) ? 'Time' : 'string'}!`);
    terms.push(`${term.field}${term.op}: $${name}`);
    variables[name] = term.value;
  });
  const order = orderBy.map((field) => `${field}_ASC`).join(', ');
  const query =
    `query ${operation}(${declarations.join(', ')}) { viewer { zones(filter: {zoneTag: $zoneTag}) { ` +
    `${node}(filter: {${terms.join(', ')}}, limit: $limit, orderBy: [${order}]) { ${selection} } } } }`;
  return { query, variables };
}

function isTimeField(field: string): boolean {
  return field === 'datetime' || field.startsWith('datetime');
}

type Json = Record<string, unknown>;

/** Reads `viewer.zones[0].settings`; a zone the token cannot see comes back as no zone at all. */
export function parseZoneSettings(data: unknown, zoneTag: string): ZoneSettings {
  const zone = firstZone(data, zoneTag);
  const settings = zone['settings'];
  if (!isObject(settings)) throw malformed(`no settings for zone ${zoneTag}`);
  return {
    firewallEventsAdaptive: parseDatasetSettings(settings['firewallEventsAdaptive'], 'firewallEventsAdaptive'),
    httpRequestsAdaptiveGroups: parseDatasetSettings(settings['httpRequestsAdaptiveGroups'], 'httpRequestsAdaptiveGroups'),
  };
}

function parseDatasetSettings(raw: unknown, name: string): DatasetSettings {
  if (!isObject(raw)) throw malformed(`settings.${name} is missing`);
  const num = (key: string): number => {
    const value = Number(raw[key]);
    if (!Number.isFinite(value) || value < 0) throw malformed(`settings.${name}.${key} is not a number`);
    return value;
  };
  const fields = raw['availableFields'];
  if (!Array.isArray(fields) || fields.some((f) => typeof f !== 'string')) throw malformed(`settings.${name}.availableFields is not a list`);
  return {
    enabled: raw['enabled'] === true,
    maxDuration: num('maxDuration'),
    maxNumberOfFields: num('maxNumberOfFields'),
    maxPageSize: num('maxPageSize'),
    notOlderThan: num('notOlderThan'),
    availableFields: fields as string[],
  };
}

/** Reads the rows of one dataset node; each row must be an object. */
export function parseDatasetRows(data: unknown, zoneTag: string, node: string): Json[] {
  const rows = firstZone(data, zoneTag)[node];
  if (!Array.isArray(rows) || rows.some((row) => !isObject(row))) throw malformed(`${node} is not a list of rows`);
  return rows as Json[];
}

function firstZone(data: unknown, zoneTag: string): Json {
  const viewer = isObject(data) ? data['viewer'] : undefined;
  const zones = isObject(viewer) ? viewer['zones'] : undefined;
  if (!Array.isArray(zones)) throw malformed('viewer.zones is missing');
  const zone: unknown = zones[0];
  if (!isObject(zone)) {
    throw new CloudflareApiError(
      `Zone ${zoneTag} is not visible to this API token`,
      { method: 'POST', path: '/graphql' },
      {
        hint: 'Check the zone id in the config and that the token has Zone Analytics Read on it.',
      },
    );
  }
  return zone;
}

function malformed(detail: string): CloudflareApiError {
  return new CloudflareApiError(`Cloudflare sent an unexpected GraphQL answer: ${detail}`, { method: 'POST', path: '/graphql' });
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
