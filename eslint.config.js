import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'cdktf.out/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    // src/dev/ holds dev tools (the Route53 stand-in run by tests, bench and scripts/): no production path imports them.
    files: ['src/**/*.ts'],
    ignores: ['src/dev/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/dev/*', '../dev/*', './dev/*'], message: 'src/dev/ is a dev tool (tests, bench, scripts/): production code must not import it.' }] }] },
  },
  {
    // Tool configuration files are read through their default export.
    files: ['eslint.config.js', 'vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // The report page's script runs in the browser.
    files: ['assets/**/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'script' },
  },
  {
    files: ['bench/**/*.mjs', 'test/**/*.mjs', 'docs/**/*.mjs', 'scripts/**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
);
