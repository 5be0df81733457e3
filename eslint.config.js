// Lint rules that keep the architecture's arrows pointing one way:
// workflows stay deterministic, Prisma stays inside db/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import prettier from 'eslint-config-prettier';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'crypto',
  'http',
  'https',
  'net',
  'os',
  'child_process',
  'stream',
  'url',
  'util',
  'events',
  'timers',
  'worker_threads',
  'dns',
  'zlib',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'db/generated/', 'web/dist/', '.duban/', '.tools/', 'tmp/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Prisma is the data layer's business: nobody else imports it.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['db/**', 'prisma.config.ts', 'prisma/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@prisma/*', '**/db/generated/**'], message: 'Only db/ may use Prisma; call a repository instead.' }] },
      ],
    },
  },
  {
    // Workflow code is replayed: no I/O, no Node built-ins, no runtime imports of activities or the database.
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.test.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'Workflows must be deterministic: no Node built-ins. Do I/O in an activity.' },
            {
              group: [
                '@prisma/*',
                '**/db/**',
                'pg',
                'nodemailer',
                'fastify',
                '@temporalio/client',
                '@temporalio/worker',
                '**/notify/**',
                '**/api/**',
              ],
              message: 'Workflows must not do I/O: call an activity.',
            },
            {
              group: ['**/activities', '**/activities/**'],
              allowTypeImports: true,
              message: 'Import activity types only (import type) and use proxyActivities.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop.' },
        { name: 'process', message: 'Workflows read no environment.' },
      ],
    },
  },
  {
    // Routes are thin: one service from api/compose.ts, no database (not even its types), no development stack, no other route.
    files: ['api/routes/**/*.ts'],
    ignores: ['api/routes/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@prisma/*', '**/db/generated/**'], message: 'Only db/ may use Prisma; call a repository instead.' },
            {
              group: ['**/db/**', '**/storage/**', '**/platform/**'],
              message:
                "A route calls its one service (wired in api/compose.ts); repositories, storage and the rulebook store are the services' business.",
            },
            { group: ['**/stack/**'], message: 'The development stack is wired in api/compose.ts, never imported by a route.' },
            {
              group: ['./*', '!./schemas'],
              message: 'Routes do not import each other: shared schemas go in ./schemas, shared request helpers in ../plugins.',
            },
          ],
        },
      ],
    },
  },
  // Layout is Prettier's (npm run format): switch off any ESLint rule that would fight it. Keep last.
  prettier,
);
