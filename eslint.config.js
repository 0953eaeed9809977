// Lint for every TypeScript file the project owns: packages, tests, bench and demo.
// Type-aware rules (no-floating-promises) read each folder's tsconfig through the project service.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/console-dist/**',
      '**/node_modules/**',
      'demo/models/**',
      'bench/results/**',
      'coverage/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // An unawaited promise loses its error (and, on a server, its request): make every one explicit.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // The enterprise console pages run in the browser (their tsconfig has the DOM libs): browser globals, not Node's.
    files: ['packages/enterprise/console/src/**/*.{ts,tsx}'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        location: 'readonly',
        fetch: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        HTMLElement: 'readonly',
        HTMLInputElement: 'readonly',
        Event: 'readonly',
        Response: 'readonly',
        Intl: 'readonly',
      },
    },
  },
  {
    // Tests and benchmarks read untyped JSON bodies from real HTTP responses; `any` there is the honest type.
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The web console runs in the browser. Its names are checked by TypeScript's DOM lib (typescript-eslint turns
    // no-undef off for TypeScript); the browser globals are declared here for any rule that reads them. What
    // the console must never do is forbidden instead: web storage (the session is an HttpOnly cookie and no key
    // is ever stored) and HTML strings into the DOM (everything renders through Preact, escaped).
    files: ['packages/core/console/**/*.{ts,tsx}'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        location: 'readonly',
        history: 'readonly',
        fetch: 'readonly',
        URL: 'readonly',
        Blob: 'readonly',
        FormData: 'readonly',
        Response: 'readonly',
        HTMLElement: 'readonly',
        ImageData: 'readonly',
        ImageBitmap: 'readonly',
        createImageBitmap: 'readonly',
        ResizeObserver: 'readonly',
        performance: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
      },
    },
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'localStorage', message: 'The console stores nothing in the browser: the session is an HttpOnly cookie.' },
        { name: 'sessionStorage', message: 'The console stores nothing in the browser: the session is an HttpOnly cookie.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'window', property: 'localStorage', message: 'The console stores nothing in the browser.' },
        { object: 'window', property: 'sessionStorage', message: 'The console stores nothing in the browser.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'MemberExpression[property.name=/^(innerHTML|outerHTML)$/]',
          message: 'Render through Preact (escaped), never HTML strings.',
        },
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Render through Preact (escaped), never HTML strings.' },
        {
          selector: "CallExpression[callee.property.name='insertAdjacentHTML']",
          message: 'Render through Preact (escaped), never HTML strings.',
        },
      ],
    },
  },
);
