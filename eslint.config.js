// Lint rules that hold the architecture: imports point down the layers
// (core <- schema <- config/app <- cli/server), the core stays pure, and the web UI
// (src/web, TSX) takes only types from schema/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers from the bottom up: each may import only the layers before it.
const LAYERS = [
  'core',
  'schema',
  'config',
  'app',
  'store',
  'sources',
  'integrations',
  'jobs',
  'server',
  'cli',
  'web',
];

const layersAbove = (layer) =>
  LAYERS.slice(LAYERS.indexOf(layer) + 1).map((above) => ({
    group: [`**/${above}/*`, `**/${above}`],
    message: `imports point down the layers; ${layer}/ may not import ${above}/`,
  }));

const ioModules = ['fs', 'http', 'https', 'net', 'child_process', 'readline', 'os', 'process'];
const impureImports = [
  ...ioModules.flatMap((m) => [m, `node:${m}`]),
  'fastify',
  'kysely',
  'pg',
  'better-sqlite3',
  'undici',
  'yaml',
  'commander',
];

// What the browser gives the web UI (the `globals` package is not a dependency).
const browserGlobals = Object.fromEntries(
  [
    'window',
    'document',
    'navigator',
    'location',
    'history',
    'sessionStorage',
    'localStorage',
    'fetch',
    'Headers',
    'Request',
    'Response',
    'URL',
    'URLSearchParams',
    'AbortController',
    'DOMException',
    'performance',
    'requestAnimationFrame',
    'cancelAnimationFrame',
    'matchMedia',
    'ResizeObserver',
    'HTMLElement',
    'HTMLInputElement',
    'Event',
    'KeyboardEvent',
    'MouseEvent',
    'PopStateEvent',
    'console',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
  ].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: impureImports.map((name) => ({
            name,
            message: 'the core is pure: no I/O; pass data in as arguments',
          })),
          patterns: layersAbove('core'),
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'the core takes time as an argument',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'the core takes time as an argument',
        },
        {
          selector: "MemberExpression[object.name='process']",
          message: 'the core is pure: no process state',
        },
      ],
    },
  },
  // The other layers: imports point down.
  ...LAYERS.slice(1, -1).map((layer) => ({
    files: [`src/${layer}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: layersAbove(layer) }] },
  })),
  // The web UI runs in the browser and talks to the server over HTTP only: it takes
  // types from schema/ (zod stays on the server) and nothing else of the server's.
  {
    files: ['src/web/**/*.{ts,tsx}'],
    languageOptions: {
      globals: browserGlobals,
      parserOptions: { projectService: false, project: './tsconfig.web.json' },
    },
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: impureImports.map((name) => ({
            name,
            message: 'the web UI runs in the browser; ask the server over HTTP',
          })),
          patterns: [
            {
              group: ['**/schema/*'],
              allowTypeImports: true,
              message:
                'the web UI takes only types from schema/ (import type): zod stays on the server',
            },
            ...LAYERS.filter((layer) => layer !== 'schema' && layer !== 'web').map((layer) => ({
              group: [`**/${layer}/*`, `**/${layer}`],
              message: `the web UI may import schema/ types only, not ${layer}/`,
            })),
            { group: ['node:*'], message: 'the web UI runs in the browser' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['process', 'Buffer', 'require', 'global', '__dirname', '__filename'].map((name) => ({
          name,
          message: 'the web UI runs in the browser: no Node globals',
        })),
      ],
    },
  },
);
