import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** A family as parse-prometheus-text-format returns it (the package ships no types). */
interface ParsedFamily {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly metrics: readonly { readonly value: string; readonly labels?: Readonly<Record<string, string>> }[];
}

const parsePrometheusText = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => ParsedFamily[];

/** A metrics file read with a Prometheus text-format parser: look samples up by name and (a subset of) labels. */
export interface ParsedMetrics {
  readonly families: readonly ParsedFamily[];
  /** The one sample matching; undefined when none does; throws when several do. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** Every sample of a family, labels and value. */
  samples(name: string): { labels: Record<string, string>; value: number }[];
}

export function readMetricsFile(path: string): ParsedMetrics {
  const families = parsePrometheusText(readFileSync(path, 'utf8'));
  const samples = (name: string) =>
    (families.find((family) => family.name === name)?.metrics ?? []).map((sample) => ({ labels: { ...sample.labels }, value: Number(sample.value) }));
  return {
    families,
    samples,
    value: (name, labels = {}) => {
      const matching = samples(name).filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
      if (matching.length > 1) throw new Error(`${name} ${JSON.stringify(labels)}: ${matching.length} samples`);
      return matching[0]?.value;
    },
  };
}
