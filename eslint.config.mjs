// Type-aware lint for every project. Module boundaries are enforced from the Nx project tags:
// a newcomer adding an import across layers or bounded contexts gets told at lint time.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const sameScope = (scope) => ({
  sourceTag: `scope:${scope}`,
  onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared'],
});

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.cache/**',
      '.nx/**',
      'services/care-web/dist/**',
      'libs/contracts/src/gen/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/require-await': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          // The benchmarks and the demo reuse a few pieces of the services they drive (the notifier's test harness,
          // event builders, ids and quiet-hours rule; fraud-guard's activation codes) and the local stand-ins. Named
          // one by one so nothing else slips through; moving them into libs would empty this list.
          allow: [
            '@bnp/exposure/src/resolution/person-exposed.encoder',
            '@bnp/notifier/src/testing/*',
            '@bnp/notifier/src/shared/ids',
            '@bnp/notifier/src/shared/topics',
            '@bnp/notifier/src/dispatch/quiet-hours',
            '@bnp/fraud-guard/src/activation/activation-code',
            '@bnp/smtp-sink',
            '@bnp/twilio-stand-in',
            '@bnp/witness',
            '@bnp/regulator-portal',
            '@bnp/scripts/migrate',
          ],
          depConstraints: [
            // Layers: a service holds its rules; data-access talks to stores and brokers; util and contracts depend on nothing.
            {
              sourceTag: 'type:service',
              onlyDependOnLibsWithTags: ['type:data-access', 'type:contracts', 'type:util', 'type:testing'],
            },
            {
              sourceTag: 'type:data-access',
              onlyDependOnLibsWithTags: ['type:data-access', 'type:contracts', 'type:util', 'type:testing'],
            },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: ['type:data-access', 'type:contracts', 'type:util'],
            },
            // Local stand-ins for third parties know nothing of the platform.
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:util'] },
            // The operator's side of our Kafka contracts (deploy/local/operator-bss): the contracts and nothing else.
            { sourceTag: 'type:operator-adapter', onlyDependOnLibsWithTags: ['type:contracts'] },
            // Benchmarks drive the real services and stand-ins, and may reuse their test harnesses and the scripts.
            {
              sourceTag: 'type:bench',
              onlyDependOnLibsWithTags: [
                'type:service',
                'type:tool',
                'type:script',
                'type:contracts',
                'type:util',
                'type:testing',
                'type:data-access',
              ],
            },
            // Operator scripts (start, migrate, topics, dead letters, the demo) use the shared libs; the demo
            // reads the notifier's quiet-hours rule to say when notices will go.
            {
              sourceTag: 'type:script',
              onlyDependOnLibsWithTags: [
                'type:service',
                'type:contracts',
                'type:util',
                'type:testing',
                'type:data-access',
              ],
            },
            // End-to-end specs drive the system from outside, through contracts and test helpers.
            {
              sourceTag: 'type:e2e',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:testing', 'type:data-access'],
            },
            // Bounded contexts: code of one context never imports another's.
            sameScope('shared'),
            sameScope('intake'),
            sameScope('exposure'),
            sameScope('notify'),
            sameScope('fraud'),
            sameScope('local'),
            sameScope('operator'),
            {
              sourceTag: 'scope:bench',
              onlyDependOnLibsWithTags: [
                'scope:shared',
                'scope:intake',
                'scope:exposure',
                'scope:notify',
                'scope:fraud',
                'scope:local',
                'scope:ops',
              ],
            },
            { sourceTag: 'scope:ops', onlyDependOnLibsWithTags: ['scope:shared', 'scope:notify'] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
);
