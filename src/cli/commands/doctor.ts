import { Command } from 'commander';
import { openArchiveProber } from '../../archives/probe-archive.js';
import { createAnalyticsGraphqlClient } from '../../cloudflare/analytics-graphql-client.js';
import { defaultFetch } from '../../cloudflare/http.js';
import { createResponseObserver } from '../../cloudflare/response-observer.js';
import { createRestClient } from '../../cloudflare/rest-client.js';
import { selectStore, storePasswords, type StoreSelection } from '../../config/store.js';
import { runDoctor } from '../../doctor/doctor.js';
import { redactReport } from '../../doctor/redact-report.js';
import { renderDoctorJson } from '../../report/doctor-json.js';
import { renderDoctorText } from '../../report/doctor-text.js';
import { createObservedRestPacer } from '../cloudflare-rest.js';
import type { CliContext } from '../context.js';
import { formatOption, jsonOption, readFormat } from '../format-option.js';

const FORMATS = ['table', 'json'] as const;

export const doctorCommand = (ctx: CliContext) =>
  new Command('doctor')
    .description(
      'Check config, token and its permissions, zone plans and windows, store, keys, Logpush archives, clock, the cron schedule, and our assumptions about Cloudflare',
    )
    .addOption(formatOption(FORMATS, 'table', 'output format; json: the checks, assumptions and observations (token, secrets and IP addresses redacted)'))
    .addOption(jsonOption())
    .option('--fail-on-drift', "also check the inventory report's policy drift: a contradiction fails (exit 1)")
    .addHelpText(
      'after',
      '\nExamples:\n  luxeret-privacy doctor\n  luxeret-privacy doctor --format json | jq \'.checks[] | select(.status == "fail")\'\n  luxeret-privacy doctor --format json | jq \'.assumptions[] | select(.status == "differs")\'\nExit 0 when every check passes (warnings allowed), 1 when any fails; assumptions that differ do not change the exit code.',
    )
    .action(async (flags: { format: (typeof FORMATS)[number]; json?: boolean; failOnDrift?: boolean }) => {
      const format = readFormat(flags);
      const environment = ctx.environment();
      const token = environment.apiToken;
      // Both clients send through the observer, so the assumption checks see real response headers and error bodies.
      const observer = createResponseObserver();
      const pacer = token ? createObservedRestPacer(ctx, observer.restFetch) : undefined;
      let storeSelection: StoreSelection | undefined;
      const report = await runDoctor(
        {
          config: ctx.config,
          store: ctx.storePort,
          storeSelection: () => (storeSelection = selectStore(ctx.config().store, ctx.env)),
          keyPaths: ctx.paths(),
          sqliteStorePath: ctx.paths().store,
          cloudflare: token
            ? {
                sdk: (await createRestClient({ baseUrl: environment.baseUrl, token, pacer, now: ctx.io.now, sleep: ctx.io.sleep })).sdk,
                graphql: createAnalyticsGraphqlClient({
                  baseUrl: environment.baseUrl,
                  token,
                  fetch: observer.graphqlFetch(defaultFetch),
                  restPacer: pacer,
                  now: ctx.io.now,
                  sleep: ctx.io.sleep,
                }),
                responses: observer.responses,
              }
            : undefined,
          now: ctx.now,
          baseUrl: { url: environment.baseUrl, source: environment.baseUrlSource },
          probeArchive: openArchiveProber(ctx.env),
        },
        { failOnDrift: flags.failOnDrift === true },
      );
      // The JSON is meant to be sent to the maintainers: no token, no secret, no address. The text stays readable.
      const secrets = [...(token ? [token] : []), ...(storeSelection ? storePasswords(storeSelection) : [])];
      ctx.io.stdout(
        format === 'json'
          ? renderDoctorJson(redactReport(report, secrets, { addresses: true }))
          : renderDoctorText(redactReport(report, secrets, { addresses: false }), ctx.useColour()),
      );
      ctx.recordOutcome(report.outcome);
    });
