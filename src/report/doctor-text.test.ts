import { describe, expect, it } from 'vitest';
import type { DoctorReport } from '../doctor/doctor.js';
import { renderDoctorJson } from './doctor-json.js';
import { renderDoctorText } from './doctor-text.js';

const report: DoctorReport = {
  ok: false,
  outcome: 'no',
  checks: [
    { name: 'config', status: 'pass', detail: 'valid: 1 zone(s)', hint: undefined },
    { name: 'token', status: 'fail', detail: 'not valid: "<script>", a, b', hint: 'Check CLOUDFLARE_API_TOKEN' },
  ],
  assumptions: [
    {
      fact: 'G1',
      subject: 'shop.example httpRequestsAdaptiveGroups field names',
      expected: 'fields named like dimensions_clientIP',
      status: 'held',
      saw: 'underscore (dimensions_clientIP)',
    },
    { fact: 'G11', subject: 'out-of-window query', expected: 'HTTP 200 with data null', status: 'differs', saw: 'HTTP 400' },
    { fact: 'L1', subject: 'list bulk operations', expected: 'HTTP 201', status: 'not_observable', saw: 'only a write shows it' },
  ],
  observations: {
    zones: [],
    accounts: [],
    limitError: { status: 400, errors: [{ message: 'cannot request data older than 1d', code: 'quota' }], detail: undefined },
    unknownObject: undefined,
    responses: [],
  },
};

describe('doctor formatters', () => {
  it('renders checks, then the assumptions with what was seen', () => {
    expect(renderDoctorText(report, false)).toMatchInlineSnapshot(`
      "PASS  config: valid: 1 zone(s)
      FAIL  token: not valid: "<script>", a, b
            hint: Check CLOUDFLARE_API_TOKEN
      1 check(s) failed.

      Assumptions about Cloudflare (docs/field reports), checked read-only on this account:
        held            G1   shop.example httpRequestsAdaptiveGroups field names: underscore (dimensions_clientIP)
        differs         G11  out-of-window query: saw HTTP 400 (we assume HTTP 200 with data null)
        not observable  L1   list bulk operations: HTTP 201: only a write shows it
      1 assumption(s) differ. The client copes with each; please send \`luxeret-privacy doctor --json\` (token, secrets and IP addresses redacted) to the maintainers (README: First run on a real account).
      "
    `);
  });

  it('writes JSON keys in snake_case, in a fixed order, with null for what is absent', () => {
    const json = JSON.parse(renderDoctorJson(report)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['ok', 'checks', 'assumptions', 'observations']);
    expect(json['observations']).toEqual({
      zones: [],
      accounts: [],
      limit_error: { status: 400, errors: [{ message: 'cannot request data older than 1d', code: 'quota' }], detail: null },
      unknown_object: null,
      responses: [],
    });
    expect(json['checks']).toEqual([
      { name: 'config', status: 'pass', detail: 'valid: 1 zone(s)', hint: null },
      { name: 'token', status: 'fail', detail: 'not valid: "<script>", a, b', hint: 'Check CLOUDFLARE_API_TOKEN' },
    ]);
    expect(JSON.parse(renderDoctorJson({ ...report, observations: undefined }))).toMatchObject({ observations: null });
  });
});
