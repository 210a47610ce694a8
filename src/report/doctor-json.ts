import type { DoctorReport } from '../doctor/doctor.js';

/**
 * `doctor --json`: `{ok, checks, assumptions, observations}` in that order, snake_case keys. `observations` is the
 * full record of what the account showed (settings, listing behaviour, rate headers, error shapes) for the maintainers.
 * Absent values are written as null, so every record has the same keys.
 */
export function renderDoctorJson(report: DoctorReport): string {
  const json = { ok: report.ok, checks: report.checks, assumptions: report.assumptions, observations: report.observations ?? null };
  return JSON.stringify(snakeCaseKeys(json), null, 2) + '\n';
}

function snakeCaseKeys(value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeCaseKeys(child)]));
}
