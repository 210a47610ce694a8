// Lint: the import boundaries of STYLE.md (the folders are the architecture) and a few correctness rules.
import tseslint from 'typescript-eslint';

// Only src/archives talks to S3/R2 (STYLE.md): every other block below adds this pattern to its own list.
const S3_ONLY_IN_ARCHIVES = { group: ['@aws-sdk/*'], message: 'Only src/archives talks to S3/R2 (@aws-sdk/*).' };
const restrict = (patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns: [...patterns, S3_ONLY_IN_ARCHIVES] }] });
const pureModule = (what) => [
  { group: ['**/store/**', 'better-sqlite3'], message: `${what} is pure: it gets rows as arguments, it does not open the store.` },
  // Types of Cloudflare objects are data shapes; importing them calls nothing.
  { group: ['**/cloudflare/**', 'cloudflare', 'undici'], allowTypeImports: true, message: `${what} is pure: it does not call Cloudflare.` },
  { group: ['**/cli/**'], message: `${what} must not depend on the CLI.` },
];

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'test-output/**', 'bench-results/**', '.test-build/**'] },
  ...tseslint.configs.recommended,
  // Type-checked rules (STYLE.md) for the TypeScript, which tsconfig.json covers, sources and tests alike.
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['vitest.config.ts'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  // Generic first: the narrower blocks below replace it for their folders (flat config: last match wins).
  {
    // Only the store touches SQLite.
    files: ['src/**/*.ts'],
    ignores: ['src/store/**', 'src/archives/**', '**/*.test.ts'],
    rules: restrict([
      { group: ['better-sqlite3', 'pg', 'pg-copy-streams'], message: 'Only src/store imports a database driver (better-sqlite3, pg).' },
      // The emulator and graphql are an optional dependency: the CLI must run without them.
      {
        group: ['@luxeret/cloudflare-emulator', '@luxeret/cloudflare-emulator/*', 'graphql'],
        allowTypeImports: true,
        message: 'Only `demo` loads the emulator, with import().',
      },
    ]),
  },
  {
    // src/archives is the one S3/R2 client; like everything outside src/store it opens no database.
    files: ['src/archives/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['better-sqlite3', 'pg', 'pg-copy-streams'], message: 'Only src/store imports a database driver (better-sqlite3, pg).' }] },
      ],
    },
  },
  {
    files: ['src/policy/**/*.ts', 'src/inventory/**/*.ts'],
    // The inventory use case (collect.ts) and the readers it calls get rows from the store and Cloudflare; the
    // location builders they feed stay pure.
    ignores: [
      '**/*.test.ts',
      'src/inventory/collect.ts',
      'src/inventory/store-locations.ts',
      'src/inventory/cloudflare-objects.ts',
      'src/inventory/report-data.ts',
    ],
    rules: restrict(pureModule('This module')),
  },
  {
    files: ['src/report/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict([
      { group: ['**/store/**', 'better-sqlite3'], message: 'Formatters are pure: (data, options) => string.' },
      { group: ['**/cli/**'], message: 'Formatters must not depend on the CLI.' },
    ]),
  },
  {
    // Pure modules contain no display text: they return message codes with parameters (`{ code: 'undetermined.coverage',
    // since }`) and report/messages/{en,ko}.ts words them. Display text is anything a report shows a person in a
    // chosen language: Korean in a string, or an English/Korean pair (`ko:`). English that only the CLI prints as it is
    // (LuxeretError messages and hints, the text the audit log records, `verbatim` notes) is not display text here.
    files: ['src/**/*.ts'],
    ignores: ['src/report/**', 'src/cli/**', '**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'Literal[value=/[\\u3131-\\uD79D]/]', message: 'Display text belongs in report/messages/{en,ko}.ts: return a message code.' },
        { selector: 'TemplateElement[value.raw=/[\\u3131-\\uD79D]/]', message: 'Display text belongs in report/messages/{en,ko}.ts: return a message code.' },
        {
          selector: ':matches(Property, TSPropertySignature)[key.name="ko"]',
          message: 'No English/Korean pairs in pure modules: return a message code for report/messages to word.',
        },
      ],
    },
  },
  {
    // The Cloudflare side serves every use case (purge and subject erase delete alike): it knows none of them.
    files: ['src/cloudflare/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict([
      { group: ['better-sqlite3', 'pg', 'pg-copy-streams'], message: 'Only src/store imports a database driver (better-sqlite3, pg).' },
      { group: ['**/purge/**'], message: 'src/cloudflare serves every use case; it never imports purge.' },
    ]),
  },
  {
    // Subject erase deletes in Cloudflare through src/cloudflare as purge does; it does not reach into purge.
    files: ['src/subject/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict([
      { group: ['better-sqlite3', 'pg', 'pg-copy-streams'], message: 'Only src/store imports a database driver (better-sqlite3, pg).' },
      { group: ['**/purge/**'], message: 'One use case does not import another: shared parts live in src/cloudflare, src/hold, src/audit or src/policy.' },
    ]),
  },
  {
    // Commands parse, call a use case and render: the use case reads and writes the store.
    files: ['src/cli/commands/**/*.ts'],
    rules: restrict([
      { group: ['better-sqlite3', 'pg', 'pg-copy-streams'], message: 'Only src/store imports a database driver (better-sqlite3, pg).' },
      { group: ['**/store/**'], message: 'Commands never open the store: call a use case that does.' },
    ]),
  },
  { files: ['scripts/**', 'bench/**'], rules: { 'no-console': 'off' } },
  {
    // Tests read the CLI's JSON output back with JSON.parse and assert on it: `any` there is the point.
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
);
