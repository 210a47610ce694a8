// Lint: the import boundaries of STYLE.md (the folders are the architecture) and a few correctness rules.
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });
const pureModule = (what) => [
  { group: ['**/store/**', 'better-sqlite3'], message: `${what} is pure: it gets rows as arguments, it does not open the store.` },
  // Types of Cloudflare objects are data shapes; importing them calls nothing.
  { group: ['**/cloudflare/**', 'cloudflare', 'undici'], allowTypeImports: true, message: `${what} is pure: it does not call Cloudflare.` },
  { group: ['**/cli/**'], message: `${what} must not depend on the CLI.` },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-output/**', 'bench-results/**'] },
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
    ignores: ['src/store/**', 'src/bench/**', '**/*.test.ts'],
    rules: restrict([{ group: ['better-sqlite3', 'pg', 'pg-copy-streams'], message: 'Only src/store imports a database driver (better-sqlite3, pg).' }]),
  },
  { files: ['src/policy/**/*.ts', 'src/inventory/**/*.ts'], ignores: ['**/*.test.ts'], rules: restrict(pureModule('This module')) },
  {
    files: ['src/report/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict([
      { group: ['**/store/**', 'better-sqlite3'], message: 'Formatters are pure: (data, options) => string.' },
      { group: ['**/cli/**'], message: 'Formatters must not depend on the CLI.' },
    ]),
  },
  { files: ['scripts/**', 'src/bench/**'], rules: { 'no-console': 'off' } },
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
