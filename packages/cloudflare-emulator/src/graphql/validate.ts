import {
  GraphQLError,
  Kind,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  parse,
  specifiedRules,
  typeFromAST,
  validate,
  VariablesInAllowedPositionRule,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLType,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';
import { loadCloudflareSchema } from './schema.js';

/**
 * Scalar families. Cloudflare's server accepts `$from: String` where the schema says `Time`, `$limit: Int` for
 * `uint64`, and so on (reference, header note): a variable fits a position when both scalars are in one family.
 */
const SCALAR_FAMILIES: Record<string, string> = {
  String: 'text',
  ID: 'text',
  string: 'text',
  Time: 'text',
  Date: 'text',
  bytes: 'text',
  Int: 'number',
  Float: 'number',
  int8: 'number',
  int16: 'number',
  int64: 'number',
  uint8: 'number',
  uint16: 'number',
  uint32: 'number',
  uint64: 'number',
  float32: 'number',
  float64: 'number',
  Boolean: 'bool',
  bool: 'bool',
};

function fits(varType: GraphQLType, locationType: GraphQLType): boolean {
  if (isNonNullType(locationType)) return isNonNullType(varType) && fits(varType.ofType, locationType.ofType);
  if (isNonNullType(varType)) return fits(varType.ofType, locationType);
  if (isListType(locationType)) return isListType(varType) && fits(varType.ofType, locationType.ofType);
  if (isListType(varType)) return false;
  if (isScalarType(varType) && isScalarType(locationType)) {
    if (varType.name === locationType.name) return true;
    const family = SCALAR_FAMILIES[varType.name];
    return family !== undefined && family === SCALAR_FAMILIES[locationType.name];
  }
  return (isEnumType(varType) || isInputObjectType(varType)) && varType === locationType;
}

/** VariablesInAllowedPositionRule with scalar families instead of exact scalar identity. */
const LenientVariablesInAllowedPositionRule: ValidationRule = (context: ValidationContext) => {
  let definitions = new Map<string, VariableDefinitionNode>();
  return {
    OperationDefinition: {
      enter() {
        definitions = new Map();
      },
      leave(operation) {
        for (const { node, type, defaultValue } of context.getRecursiveVariableUsages(operation)) {
          const definition = definitions.get(node.name.value);
          if (definition === undefined || type === undefined || type === null) continue;
          const varType = typeFromAST(context.getSchema(), definition.type);
          if (varType === undefined) continue;
          if (!isAllowed(varType, definition.defaultValue, type, defaultValue !== undefined)) {
            context.reportError(
              new GraphQLError(`Variable "$${node.name.value}" of type "${String(varType)}" used in position expecting type "${String(type)}".`, {
                nodes: [definition, node],
              }),
            );
          }
        }
      },
    },
    VariableDefinition(node) {
      definitions.set(node.variable.name.value, node);
    },
  };
};

function isAllowed(varType: GraphQLType, varDefault: ValueNode | undefined, locationType: GraphQLInputType, hasLocationDefault: boolean): boolean {
  if (isNonNullType(locationType) && !isNonNullType(varType)) {
    const hasUsableDefault = (varDefault !== undefined && varDefault.kind !== Kind.NULL) || hasLocationDefault;
    return hasUsableDefault && fits(varType, locationType.ofType);
  }
  return fits(varType, locationType);
}

const RULES: readonly ValidationRule[] = [...specifiedRules.filter((rule) => rule !== VariablesInAllowedPositionRule), LenientVariablesInAllowedPositionRule];

export type Validated = { document: DocumentNode; errors: readonly GraphQLError[] };

const cache = new Map<string, Validated>();
const CACHE_SIZE = 256;

/** Parses and validates against the Cloudflare schema; results are cached by query text (pulls repeat one query). */
export function parseAndValidate(query: string): Validated {
  const hit = cache.get(query);
  if (hit !== undefined) return hit;
  let result: Validated;
  try {
    const document = parse(query);
    result = { document, errors: validate(loadCloudflareSchema(), document, RULES) };
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    result = { document: { kind: Kind.DOCUMENT, definitions: [] }, errors: [error] };
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(query, result);
  return result;
}
