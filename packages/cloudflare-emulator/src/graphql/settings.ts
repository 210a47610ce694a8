import { getNamedType, isObjectType, type GraphQLObjectType } from 'graphql';
import { defaultDatasetLimits, defaultHiddenFields, GRAPHQL_DATASETS, type DatasetLimits, type GraphqlDataset } from '../limits.js';
import type { BehaviourSettings, ZoneState } from '../state.js';
import { loadCloudflareSchema } from './schema.js';

const ROW_TYPES: Record<GraphqlDataset, string> = {
  firewallEventsAdaptive: 'ZoneFirewallEventsAdaptive',
  httpRequestsAdaptiveGroups: 'ZoneHttpRequestsAdaptiveGroups',
};

export type FieldSpelling = BehaviourSettings['availableFieldsSpelling'];
const FIELD_SPELLINGS: readonly FieldSpelling[] = ['underscore', 'dotted', 'bare'];

export interface EffectiveSettings extends DatasetLimits {
  availableFields: string[];
  /** Dotted paths, whatever the spelling of `availableFields`. */
  hiddenFields: ReadonlySet<string>;
}

const allFieldsCache = new Map<string, string[]>();

/** Every selectable leaf path of a row type (`count`, `dimensions.clientIP`, `sum.visits`, …). */
function allFields(typeName: string): string[] {
  let fields = allFieldsCache.get(typeName);
  if (fields === undefined) {
    const walk = (type: GraphQLObjectType, prefix: string, depth: number): string[] =>
      Object.values(type.getFields()).flatMap((field) => {
        if (field.args.length > 0) return [];
        const named = getNamedType(field.type);
        if (isObjectType(named)) return depth < 1 && !String(field.type).startsWith('[') ? walk(named, `${prefix}${field.name}.`, depth + 1) : [];
        return [prefix + field.name];
      });
    fields = walk(loadCloudflareSchema().getType(typeName) as GraphQLObjectType, '', 0);
    allFieldsCache.set(typeName, fields);
  }
  return fields;
}

/** G1: a dotted path as `availableFields` spells it. */
export function spellField(path: string, spelling: FieldSpelling): string {
  if (spelling === 'dotted') return path;
  if (spelling === 'bare') return path.slice(path.lastIndexOf('.') + 1);
  return path.replaceAll('.', '_');
}

/** The dotted paths an override names in any spelling (`dimensions_clientIP`, `dimensions.clientIP`, `clientIP`). */
function canonicalPaths(all: readonly string[], names: readonly string[]): string[] {
  const wanted = new Set(names);
  return all.filter((path) => FIELD_SPELLINGS.some((spelling) => wanted.has(spellField(path, spelling))));
}

/** The zone's limits for a dataset: plan defaults, then the zone's overrides; `availableFields` in the state's spelling. */
export function datasetSettings(zone: ZoneState, dataset: GraphqlDataset, spelling: FieldSpelling): EffectiveSettings {
  const overrides = zone.graphqlOverrides[dataset] ?? {};
  const { hiddenFields: hiddenOverride, ...limitOverrides } = overrides;
  const all = allFields(ROW_TYPES[dataset]);
  const hidden = new Set(canonicalPaths(all, hiddenOverride ?? defaultHiddenFields(dataset, zone.plan)));
  return {
    ...defaultDatasetLimits(dataset, zone.plan),
    ...limitOverrides,
    availableFields: all.filter((field) => !hidden.has(field)).map((field) => spellField(field, spelling)),
    hiddenFields: hidden,
  };
}

export function isKnownDataset(name: string): name is GraphqlDataset {
  return (GRAPHQL_DATASETS as readonly string[]).includes(name);
}

/** The `settings` value for a dataset node the emulator does not serve: reported as disabled. */
export const DISABLED_SETTINGS = { enabled: false, availableFields: [], maxDuration: 0, maxNumberOfFields: 0, maxPageSize: 0, notOlderThan: 0 };
