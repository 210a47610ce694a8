import { Kind, parse, type FieldNode, type SelectionSetNode, type ValueNode } from 'graphql';

/**
 * What one GraphQL request costs against the budgets (G8, cloudflare-docs analytics/graphql-api/limits.mdx): the
 * number of zone or account scopes it names times the dataset nodes it asks of each, at least 1. A body that does
 * not parse costs 1 (the validation error is the handler's business).
 */
export function graphqlCost(raw: string): number {
  let query: unknown;
  let variables: Record<string, unknown> = {};
  try {
    const body = JSON.parse(raw) as { query?: unknown; variables?: unknown };
    query = body.query;
    if (typeof body.variables === 'object' && body.variables !== null) variables = body.variables as Record<string, unknown>;
  } catch {
    return 1;
  }
  if (typeof query !== 'string') return 1;
  let cost = 0;
  try {
    for (const definition of parse(query).definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      for (const viewer of fields(definition.selectionSet)) {
        if (viewer.name.value !== 'viewer') continue;
        for (const scope of fields(viewer.selectionSet)) {
          if (scope.name.value !== 'zones' && scope.name.value !== 'accounts') continue;
          const nodes = fields(scope.selectionSet).filter((node) => !['__typename', 'zoneTag', 'accountTag'].includes(node.name.value)).length;
          cost += scopeCount(scope, variables) * Math.max(1, nodes);
        }
      }
    }
  } catch {
    return 1;
  }
  return Math.max(1, cost);
}

function fields(selectionSet: SelectionSetNode | undefined): FieldNode[] {
  return (selectionSet?.selections ?? []).filter((selection): selection is FieldNode => selection.kind === Kind.FIELD);
}

/** `zoneTag: X` names one scope, `zoneTag_in: [..]` (literal or variable) as many as it lists. */
function scopeCount(scope: FieldNode, variables: Record<string, unknown>): number {
  const filter = scope.arguments?.find((argument) => argument.name.value === 'filter')?.value;
  if (filter?.kind !== Kind.OBJECT) return 1;
  for (const field of filter.fields) {
    if (!/^(zoneTag|accountTag)_in$/.test(field.name.value)) continue;
    return Math.max(1, listLength(field.value, variables));
  }
  return 1;
}

function listLength(value: ValueNode, variables: Record<string, unknown>): number {
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.VARIABLE) {
    const bound = variables[value.name.value];
    return Array.isArray(bound) ? bound.length : 1;
  }
  return 1;
}
