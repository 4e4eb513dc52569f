import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers of src/ (docs/architecture.md), held here so that a violation fails `npm test`:
// - src/domain: pure rules; imports nothing of the project but other domain files;
// - src/db: all SQL; imports domain only (and errors.ts);
// - shared plumbing (src/slack, src/http, src/charts and the root modules): no feature;
// - a feature (src/<feature>/): other features only through their public module, index.ts;
// - nothing outside src/db runs SQL.
// Import cycles (type-only ones included) are refused by dependency-cruiser (.dependency-cruiser.cjs).
export const FEATURES = ['ingest', 'org', 'digest', 'loops', 'budgets', 'queries', 'quality', 'operations'];
const COMPOSITION = ['**/app.js', '**/features.js', '**/main.js', '**/cli/**'];
const anyFeature = FEATURES.map((f) => `**/${f}/**`);

const restrict = (groups, message) => ({ 'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }] });

const noSql = {
  'no-restricted-syntax': [
    'error',
    {
      selector: "CallExpression[callee.property.name=/^(prepare|pragma)$/]",
      message: 'SQL lives in src/db: add a repository method instead.',
    },
    {
      selector: "CallExpression[callee.property.name='exec'][arguments.0.type=/^(Literal|TemplateLiteral)$/]",
      message: 'SQL lives in src/db: add a repository method instead.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'demo-output/**', 'dist/**', 'bench/results.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // config.ts is the only reader of process.env (DESIGN.md section 4)
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read settings through src/config.ts' }],
      'no-console': 'error',
    },
  },
  { files: ['src/config.ts', 'test/**', 'bench/**', 'src/cli/**'], rules: { 'no-restricted-properties': 'off', 'no-console': 'off' } },
  { files: ['src/main.ts'], rules: { 'no-console': 'off' } },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } } },

  // --- layers ---
  { files: ['src/**/*.ts'], ignores: ['src/db/**'], rules: noSql },
  {
    files: ['src/domain/**/*.ts'],
    rules: restrict(['../**', 'better-sqlite3', '@slack/*', 'node-cron', 'node:*'], 'src/domain holds pure rules: no I/O, nothing of db, slack, http, jobs or a feature.'),
  },
  {
    files: ['src/db/**/*.ts'],
    rules: restrict([...anyFeature, ...COMPOSITION, '**/slack/**', '**/http/**', '**/charts/**', '**/deps.js', '**/config.js'], 'src/db may import src/domain only.'),
  },
  {
    files: ['src/slack/**/*.ts', 'src/http/**/*.ts', 'src/charts/**/*.ts', 'src/*.ts'],
    ignores: ['src/app.ts', 'src/features.ts', 'src/main.ts'],
    rules: restrict([...anyFeature, ...COMPOSITION], 'Shared plumbing knows no feature: features register with it (src/feature.ts).'),
  },
  ...FEATURES.map((f) => ({
    files: [`src/${f}/**/*.ts`],
    rules: restrict(
      [...FEATURES.filter((g) => g !== f).flatMap((g) => [`**/${g}/**`, `!**/${g}/index.js`]), ...COMPOSITION],
      'A feature uses another only through its public module (src/<feature>/index.ts).',
    ),
  })),
);
