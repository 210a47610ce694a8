import {
  Kind,
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isObjectType,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type OperationDefinitionNode,
} from 'graphql';
import { canReachZone } from '../auth.js';
import type { EmulatorState, TokenState } from '../state.js';
import { loadCloudflareSchema } from './schema.js';
import { collectFields, type ExecutionScope, type SelectedField } from './selection.js';
import { parseAndValidate } from './validate.js';

/**
 * What one GraphQL request costs against the per-user query budget (G8, limits.mdx): for each `viewer.zones` /
 * `viewer.accounts` selection, the number of zones or accounts it names times the nodes applied to them. Every
 * object-typed child counts as one node, so `settings { … }` counts once however many datasets it describes (the
 * docs do not say; it reads limits, not data). A request that does not parse or validate costs 1: it is refused anyway.
 */
export function graphqlRequestCost(state: EmulatorState, token: TokenState, raw: string): number {
  try {
    const body = JSON.parse(raw) as { query?: unknown; variables?: unknown; operationName?: unknown } | null;
    if (body === null || typeof body !== 'object' || typeof body.query !== 'string') return 1;
    const { document, errors } = parseAndValidate(body.query);
    if (errors.length > 0) return 1;
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const operation =
      typeof body.operationName === 'string' && body.operationName !== '' ? operations.find((op) => op.name?.value === body.operationName) : operations[0];
    if (operation === undefined) return 1;
    const schema = loadCloudflareSchema();
    const variables = typeof body.variables === 'object' && body.variables !== null ? (body.variables as Record<string, unknown>) : {};
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
    if (coerced.errors !== undefined) return 1;
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    }
    const scope: ExecutionScope = { fragments, variables: coerced.coerced };
    let cost = 0;
    for (const root of collectFields(scope, schema.getQueryType() as GraphQLObjectType, [operation.selectionSet])) {
      if (root.name !== 'viewer') continue;
      for (const field of collectFields(scope, schema.getType('viewer') as GraphQLObjectType, root.selections)) {
        if ((field.name === 'zones' || field.name === 'accounts') && field.definition) {
          cost += scopesOf(state, token, scope, field) * nodesOf(scope, field);
        }
      }
    }
    return Math.max(1, cost);
  } catch {
    return 1;
  }
}

function scopesOf(state: EmulatorState, token: TokenState, scope: ExecutionScope, field: SelectedField): number {
  const args = getArgumentValues(field.definition as NonNullable<SelectedField['definition']>, field.node, scope.variables);
  const filter = args['filter'] as Record<string, unknown> | undefined;
  const limit = typeof args['limit'] === 'number' ? args['limit'] : Number.POSITIVE_INFINITY;
  if (field.name === 'accounts') return 1;
  if (typeof filter?.['zoneTag'] === 'string') return 1;
  if (Array.isArray(filter?.['zoneTag_in'])) return Math.min(limit, filter['zoneTag_in'].length);
  const after = typeof filter?.['zoneTag_gt'] === 'string' ? filter['zoneTag_gt'] : '';
  const reachable = [...state.zones.keys()].filter((id) => id > after && canReachZone(state, token, id)).length;
  return Math.min(limit, reachable);
}

function nodesOf(scope: ExecutionScope, field: SelectedField): number {
  const type = getNamedType((field.definition as NonNullable<SelectedField['definition']>).type) as GraphQLObjectType;
  return collectFields(scope, type, field.selections).filter((child) => {
    const named = child.definition ? getNamedType(child.definition.type) : undefined;
    return named !== undefined && isObjectType(named);
  }).length;
}
