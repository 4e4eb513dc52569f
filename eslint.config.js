import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'demo-output/**', 'bench/results.json'] },
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
);
