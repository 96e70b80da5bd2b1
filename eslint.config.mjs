import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.esbuild/', '.serverless/', 'coverage/', '.local/', 'tests/bench/.out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Lambda code logs through the Powertools logger only.
    files: ['functions/**', 'shared/**'],
    rules: { 'no-console': 'error' },
  },
  {
    // the local console's page runs in the browser, with the Vega libraries as script tags
    files: ['infra/local/console/public/**'],
    languageOptions: { globals: { ...globals.browser, vegaEmbed: 'readonly' } },
  },
  {
    // Tests read CloudFormation and Slack JSON whose shape the assertions themselves check.
    files: ['tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
