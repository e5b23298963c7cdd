// Lint rules that hold the architecture: imports point down the layers
// (core <- schema <- config/app <- cli/server), and the core stays pure.
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
  ...LAYERS.slice(1).map((layer) => ({
    files: [`src/${layer}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: layersAbove(layer) }] },
  })),
);
