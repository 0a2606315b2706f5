import nestjsTyped from '@darraghor/eslint-plugin-nestjs-typed';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '.tools/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Nest rules: providers are registered, injected tokens match, route params match their names.
  ...nestjsTyped.configs.flatRecommended,
  ...nestjsTyped.configs.flatNoSwagger,
  prettier,
  {
    files: ['**/*.ts'],
    languageOptions: {
      // Nest reads constructor parameter types at run time, so imports used there are values.
      parserOptions: {
        emitDecoratorMetadata: true,
        experimentalDecorators: true,
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Nest injects through constructor parameter properties and decorated classes.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { disallowTypeAnnotations: false, fixStyle: 'inline-type-imports' },
      ],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
      'padding-line-between-statements': [
        'error',
        { blankLine: 'always', prev: '*', next: 'return' },
        { blankLine: 'always', prev: ['const', 'let'], next: '*' },
        { blankLine: 'any', prev: ['const', 'let'], next: ['const', 'let'] },
      ],
      'lines-between-class-members': ['error', 'always', { exceptAfterSingleLine: true }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Tests declare throwaway controllers and providers in testing modules.
      '@darraghor/nestjs-typed/injectable-should-be-provided': 'off',
    },
  },
  {
    // These are registered by dynamic modules built in code (the platform module adds only the
    // connections a service uses, the sandbox's core module carries its config), which the rule's
    // static search of @Module arrays cannot follow.
    files: [
      'libs/platform/src/**/*.ts',
      'services/sandbox/src/common/sandbox-clock.ts',
      'services/sandbox/src/health/health.controller.ts',
    ],
    rules: { '@darraghor/nestjs-typed/injectable-should-be-provided': 'off' },
  },
);
