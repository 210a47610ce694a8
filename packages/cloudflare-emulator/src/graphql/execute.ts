import {
  OperationTypeNode,
  Kind,
  execute,
  getArgumentValues,
  getVariableValues,
  getNamedType,
  isObjectType,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type OperationDefinitionNode,
} from 'graphql';

import { canReachZone, hasAnyPermission } from '../auth.js';
import { GRAPHQL_BUDGET } from '../limits.js';
import type { EmulatorState, TokenState, ZoneState } from '../state.js';
import { compileProjection, type DatasetRequest } from './dataset.js';
import { QueryError } from './errors.js';
import { queryFirewallEvents } from './firewall-events.js';
import { queryHttpRequestGroups } from './http-requests.js';
import { loadCloudflareSchema } from './schema.js';
import { collectFields, type ExecutionScope, type SelectedField } from './selection.js';
import { DISABLED_SETTINGS, datasetSettings, isKnownDataset } from './settings.js';

export const ANALYTICS_PERMISSIONS = ['Analytics Read', 'Account Analytics Read'] as const;
const MAX_ZONES = GRAPHQL_BUDGET.maxZonesPerQuery;

export interface ExecutionInput {
  state: EmulatorState;
  token: TokenState;
  document: DocumentNode;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
  nowMs: number;
}

interface Context extends ExecutionInput {
  scope: ExecutionScope;
}

/**
 * Executes a validated query. Only `viewer.zones` with `settings`, `firewallEventsAdaptive` and
 * `httpRequestsAdaptiveGroups` has data; other valid nodes fail with an explicit "not served by the emulator" error
 * rather than an empty answer that could pass for real data. Throws QueryError; the handler turns it into `errors`.
 */
export function executeQuery(input: ExecutionInput): Record<string, unknown> {
  const schema = loadCloudflareSchema();
  const operation = selectOperation(input.document, input.operationName);
  if (operation.operation !== OperationTypeNode.QUERY) throw new QueryError('Mutations are not supported', 'validation');
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of input.document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], input.variables ?? {});
  if (coerced.errors !== undefined) {
    throw new QueryError(`error parsing args: ${coerced.errors.map((e) => e.message).join('; ')}`, 'validation');
  }
  const context: Context = { ...input, scope: { fragments, variables: coerced.coerced } };
  const queryType = schema.getQueryType() as GraphQLObjectType;
  const rootFields = collectFields(context.scope, queryType, [operation.selectionSet]);
  // Introspection (`__schema`, `__type`) is answered by graphql-js itself: the schema is Cloudflare's.
  if (rootFields.some((field) => field.name === '__schema' || field.name === '__type')) {
    if (!rootFields.every((field) => field.name.startsWith('__')))
      throw new QueryError('the Cloudflare emulator does not serve introspection mixed with data in one query', 'validation');
    const result = execute({ schema, document: input.document, variableValues: input.variables ?? {}, operationName: operation.name?.value });
    if ('then' in result) throw new QueryError('Internal server error', 'internal');
    if (result.errors !== undefined && result.errors.length > 0) throw new QueryError(result.errors.map((e) => e.message).join('; '), 'validation');
    return result.data ?? {};
  }
  const data: Record<string, unknown> = {};
  for (const field of rootFields) {
    if (field.name === '__typename') data[field.key] = 'Query';
    else if (field.name === 'cost') data[field.key] = 1;
    else if (field.name === 'viewer') data[field.key] = resolveViewer(context, field);
    else throw notServed(field.name, [field.key]);
  }
  return data;
}

function selectOperation(document: DocumentNode, operationName: string | undefined): OperationDefinitionNode {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName === undefined ? operations[0] : operations.find((op) => op.name?.value === operationName);
  if (operation === undefined || (operationName === undefined && operations.length > 1)) {
    throw new QueryError(
      operationName === undefined ? 'Must provide operation name if query contains multiple operations.' : `Unknown operation named "${operationName}".`,
      'validation',
    );
  }
  return operation;
}

function notServed(name: string, path: string[]): QueryError {
  return new QueryError(`the Cloudflare emulator does not serve "${name}"`, 'validation', path);
}

function resolveViewer(context: Context, viewerField: SelectedField): Record<string, unknown> {
  const viewerType = loadCloudflareSchema().getType('viewer') as GraphQLObjectType;
  const out: Record<string, unknown> = {};
  for (const field of collectFields(context.scope, viewerType, viewerField.selections)) {
    const path = [viewerField.key, field.key];
    if (field.name === '__typename') out[field.key] = 'viewer';
    else if (field.name === 'budget') out[field.key] = 1_000_000;
    else if (field.name === 'zones' && field.definition) {
      const args = getArgumentValues(field.definition, field.node, context.scope.variables);
      const zones = selectZones(context, args['filter'] as Record<string, unknown> | undefined, args['limit'] as number | undefined, path);
      out[field.key] = zones.map((zone, index) => resolveZone(context, zone, field, [...path, String(index)]));
    } else throw notServed(field.name, path);
  }
  return out;
}

function selectZones(context: Context, filter: Record<string, unknown> | undefined, limit: number | undefined, path: string[]): ZoneState[] {
  const { state, token } = context;
  let ids: string[];
  if (typeof filter?.['zoneTag'] === 'string') ids = [filter['zoneTag']];
  else if (Array.isArray(filter?.['zoneTag_in'])) ids = (filter['zoneTag_in'] as unknown[]).map(String);
  else {
    const after = typeof filter?.['zoneTag_gt'] === 'string' ? filter['zoneTag_gt'] : '';
    ids = [...state.zones.keys()].filter((id) => id > after && canReachZone(state, token, id)).sort();
  }
  if (limit !== undefined) ids = ids.slice(0, limit);
  // A query that names too many zones never fits, however long the client waits: a limit (quota), not a rate error.
  if (ids.length > MAX_ZONES) throw new QueryError('in combination, your request queries too many nodes, zones and accounts', 'limit', path);
  const refused = ids.filter((id) => !hasAnyPermission(token, ANALYTICS_PERMISSIONS) || !canReachZone(state, token, id));
  if (refused.length > 0) throw new QueryError(`zones [${refused.join(' ')}] are not authorized`, 'forbidden', path);
  return ids.map((id) => state.zones.get(id) as ZoneState);
}

function resolveZone(context: Context, zone: ZoneState, zonesField: SelectedField, path: string[]): Record<string, unknown> {
  const zoneType = loadCloudflareSchema().getType('zone') as GraphQLObjectType;
  const out: Record<string, unknown> = {};
  for (const field of collectFields(context.scope, zoneType, zonesField.selections)) {
    const fieldPath = [...path, field.key];
    if (field.name === '__typename') out[field.key] = 'zone';
    else if (field.name === 'zoneTag') out[field.key] = zone.id;
    else if (field.name === 'settings') out[field.key] = resolveSettings(context, zone, field);
    else if (isKnownDataset(field.name) && field.definition) {
      const settings = datasetSettings(zone, field.name, context.state.behaviour.availableFieldsSpelling);
      const request: DatasetRequest = {
        zoneTag: zone.id,
        field,
        args: getArgumentValues(field.definition, field.node, context.scope.variables),
        scope: context.scope,
        path: fieldPath,
        nowMs: context.nowMs,
        ingestionLagMaxMs: context.state.behaviour.ingestionLagMaxMs,
        limits: settings,
        hiddenFields: settings.hiddenFields,
        limitWording: context.state.behaviour.limitErrorWording,
      };
      out[field.key] = field.name === 'firewallEventsAdaptive' ? queryFirewallEvents(zone, request) : queryHttpRequestGroups(zone, request);
    } else throw notServed(field.name, fieldPath);
  }
  return out;
}

function resolveSettings(context: Context, zone: ZoneState, settingsField: SelectedField): Record<string, unknown> {
  const settingsType = loadCloudflareSchema().getType('ZoneSettings') as GraphQLObjectType;
  const out: Record<string, unknown> = {};
  for (const field of collectFields(context.scope, settingsType, settingsField.selections)) {
    if (field.name === '__typename') {
      out[field.key] = 'ZoneSettings';
      continue;
    }
    const named = field.definition ? getNamedType(field.definition.type) : undefined;
    if (named === undefined || !isObjectType(named)) continue;
    const values: Record<string, unknown> = {
      ...(isKnownDataset(field.name) ? datasetSettings(zone, field.name, context.state.behaviour.availableFieldsSpelling) : DISABLED_SETTINGS),
    };
    out[field.key] = compileProjection<Record<string, unknown>>(context.scope, named, field.selections, (source, path) => source[path])(values);
  }
  return out;
}
