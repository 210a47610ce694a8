import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { canonicalJson } from '../audit/canonical-json.js';
import { parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { buildConfig, type Config } from './config.js';

/** Reads and validates the YAML config file; every problem is reported at once (exit 2). */
export function loadConfigFile(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ConfigError(missing ? `No config file at ${path}` : `Could not read the config file ${path}`, [], {
      cause: err,
      hint: missing ? 'Run `luxeret-privacy init` to write an example, or pass --config FILE.' : undefined,
    });
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      `The config file ${path} is not valid YAML`,
      doc.errors.map((error) => error.message.split('\n')[0] ?? error.message),
    );
  }
  const { config, problems } = buildConfig(doc.toJS());
  if (!config) throw new ConfigError(`The config file ${path} has ${problems.length} problem(s)`, problems);
  return config;
}

/** A short hash of the rules in force, so audit entries say which policy they applied. */
export function hashPolicy(config: Config): string {
  const policy = {
    retention: {
      firewall_events: config.retention.firewallEvents.ms,
      http_analytics: config.retention.httpAnalytics.ms,
      access_rules: config.retention.accessRules.ms,
      list_items: config.retention.listItems.ms,
    },
    managed_lists: [...config.managedLists].sort(),
    statistics: { min_count: config.statistics.minCount },
    safety: { max_deletes: config.safety.maxDeletes },
    secure_delete: config.secureDelete,
  };
  return 'sha256:' + createHash('sha256').update(canonicalJson(policy)).digest('hex');
}
