import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getDirectiveValues,
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isEnumType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type SelectionSetNode,
} from 'graphql';

export interface ExecutionScope {
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/** One selected field, after fragments are inlined and @skip/@include applied; merged by response key. */
export interface SelectedField {
  key: string;
  name: string;
  node: FieldNode;
  definition: GraphQLField<unknown, unknown> | undefined;
  /** Sub-selections of every node merged under this key. */
  selections: SelectionSetNode[];
}

function isIncluded(scope: ExecutionScope, node: FieldNode | { directives?: readonly unknown[] | undefined }): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node as FieldNode, scope.variables);
  if (skip?.['if'] === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node as FieldNode, scope.variables);
  return include?.['if'] !== false;
}

export function collectFields(scope: ExecutionScope, parentType: GraphQLObjectType, selectionSets: readonly SelectionSetNode[]): SelectedField[] {
  const byKey = new Map<string, SelectedField>();
  const visit = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (!isIncluded(scope, selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        let field = byKey.get(key);
        if (field === undefined) {
          field = {
            key,
            name: selection.name.value,
            node: selection,
            definition: parentType.getFields()[selection.name.value],
            selections: [],
          };
          byKey.set(key, field);
        }
        if (selection.selectionSet) field.selections.push(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else {
        const fragment = scope.fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  selectionSets.forEach(visit);
  return [...byKey.values()];
}

/** What Cloudflare answers for a field a row does not carry: the type's zero value. */
export function zeroValue(type: GraphQLOutputType): unknown {
  if (isNonNullType(type)) return zeroValue(type.ofType);
  if (isListType(type)) return [];
  if (isScalarType(type)) {
    if (['string', 'String', 'ID', 'bytes'].includes(type.name)) return '';
    if (type.name === 'Time') return '0001-01-01T00:00:00Z';
    if (type.name === 'Date') return '0001-01-01';
    if (type.name === 'bool' || type.name === 'Boolean') return false;
    return 0;
  }
  if (isEnumType(type)) return type.getValues()[0]?.value ?? null;
  return null;
}

/** Leaf fields selected below these selections (what `maxNumberOfFields` counts), as dotted paths. */
export function leafPaths(scope: ExecutionScope, parentType: GraphQLObjectType, selectionSets: readonly SelectionSetNode[], prefix = ''): string[] {
  const paths: string[] = [];
  for (const field of collectFields(scope, parentType, selectionSets)) {
    if (field.name === '__typename') continue;
    const named = field.definition ? getNamedType(field.definition.type) : undefined;
    if (named !== undefined && isObjectType(named) && field.selections.length > 0) {
      paths.push(...leafPaths(scope, named, field.selections, `${prefix}${field.name}.`));
    } else {
      paths.push(prefix + field.name);
    }
  }
  return paths;
}
