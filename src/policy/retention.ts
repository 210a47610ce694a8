import type { Duration } from '../config/duration.js';

/** The places that hold visitor IPs and countries locally, and the retention rule of each. */
export const LOCAL_LOCATIONS = [
  { id: 'local/firewall-events', ruleKey: 'firewall_events', retention: 'firewallEvents' },
  { id: 'local/http-analytics', ruleKey: 'http_analytics', retention: 'httpAnalytics' },
] as const;
export type LocalLocation = (typeof LOCAL_LOCATIONS)[number];

/** Records strictly older than this have outlived their purpose; a record exactly at the cut-off has not. */
export function retentionCutoff(retention: Duration, now: Date): Date {
  return new Date(now.getTime() - retention.ms);
}

/** Whether a record made at `recordedAt` is past its retention at `now`. */
export function isPastRetention(recordedAt: Date, retention: Duration, now: Date): boolean {
  return recordedAt.getTime() < retentionCutoff(retention, now).getTime();
}

/** How the rule is named in plans and audit entries, e.g. `retention.firewall_events=30d`. */
export function describeRule(location: LocalLocation, retention: Duration): string {
  return `retention.${location.ruleKey}=${retention.text}`;
}
