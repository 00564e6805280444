// Lint rules: type-aware checks that catch real bugs (lost promises, dead conditions), and the import direction of
// the layout (core, lib < datasets < store < trainer < analysis < monitor < bin; dashboard -> core, lib), so an
// upward import fails `npm run lint` instead of waiting for a review. Formatting is Prettier's alone.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';
import prettierConfig from 'eslint-config-prettier';
import globals from 'globals';

const root = import.meta.dirname;

// Every folder of our code, so "imports nothing of ours but X" can be spelled as "not from the others".
const OURS = ['core', 'lib', 'datasets', 'store', 'trainer', 'analysis', 'monitor', 'dashboard', 'bin', 'bench', 'scripts', 'tests', 'configs', 'examples'];
const others = (...allowed) => OURS.filter((folder) => !allowed.includes(folder)).map((folder) => `./${folder}`);

// Production code: bin/, bench/, scripts/, tests/, examples/ and the package entry index.ts may import anything.
const PRODUCTION = ['./core', './lib', './datasets', './store', './trainer', './analysis', './monitor', './dashboard/src'];

// Each lib/<library> is a package of its own: from outside it, only its index.ts is its API.
const LIBRARIES = readdirSync(new URL('./lib', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const libraryEntryZones = LIBRARIES.map((library) => ({
  target: [...PRODUCTION.filter((folder) => folder !== './lib'), ...LIBRARIES.filter((other) => other !== library).map((other) => `./lib/${other}`)],
  from: `./lib/${library}`,
  except: ['./index.ts'],
  message: `Import lib/${library}/index.ts, the library's entry point, not its internals.`,
}));

const layerZones = [
  { target: './core', from: others('core'), message: 'core/ is the bottom layer: it imports nothing of ours.' },
  { target: './lib', from: others('lib'), message: 'lib/ is generic numerics: it imports only lib/.' },
  { target: './datasets', from: others('core', 'lib', 'datasets'), message: 'datasets/ imports only core/ and lib/.' },
  { target: './store', from: others('core', 'lib', 'store'), message: 'store/ imports only core/ and lib/.' },
  { target: './trainer', from: others('core', 'lib', 'datasets', 'store', 'trainer'), message: 'trainer/ imports only core/, lib/, datasets/ and store/.' },
  {
    target: './analysis',
    from: others('core', 'lib', 'datasets', 'store', 'trainer', 'analysis'),
    message: 'analysis/ imports only core/, lib/, datasets/, store/ and trainer/.',
  },
  { target: './monitor', from: others('core', 'lib', 'store', 'analysis', 'monitor'), message: 'monitor/ imports only core/, lib/, store/ and analysis/.' },
  {
    target: './monitor',
    from: ['./analysis/jobs', './analysis/attribution'],
    message: 'analysis/jobs and analysis/attribution hold tfjs code that runs only in worker processes: spawn the worker entry by path instead.',
  },
  {
    // Routes are mounted by monitor/app.ts only; bin/ is held to this too, since a route outside the app has no error handler.
    target: [...PRODUCTION.filter((folder) => folder !== './monitor'), './monitor/!(app).ts', './monitor/!(routes)/**', './bin'],
    from: './monitor/routes',
    message: 'monitor/routes/* are mounted by monitor/app.ts only: import the app or the server.',
  },
  { target: './dashboard/src', from: others('core', 'lib', 'dashboard'), message: 'dashboard/src imports only core/ and lib/ (it runs in the browser).' },
];

export default defineConfig(
  {
    ignores: ['dashboard/dist/**', 'bench/out/**', '.transferscope/**', '.scratch/**', 'data/**', 'tmp/**', 'lib/wasm/*-wasm.ts'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  // Before our rules: it turns `curly` off, which with 'all' does not fight Prettier.
  prettierConfig,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js'] })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-condition': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      curly: ['error', 'all'],
      eqeqeq: ['error', 'always'],
      'import-x/no-default-export': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { basePath: root, zones: [...layerZones, ...libraryEntryZones] }],
    },
  },
  {
    // Solid's compiler assigns the variable of a `ref={el}`, which ESLint cannot see.
    files: ['dashboard/src/**/*.tsx'],
    rules: { 'no-unassigned-vars': 'off' },
  },
  {
    files: ['tests/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['describe', 'it', 'test'].map((object) => ({
          object,
          property: 'only',
          message: 'A focused test skips the rest of the file in CI: remove .only.',
        })),
      ],
    },
  },
  {
    // Config files whose tools read the default export.
    files: ['eslint.config.js', 'vitest.config.ts', 'dashboard/vite.config.ts'],
    rules: { 'import-x/no-default-export': 'off' },
  },
  {
    // Plain JavaScript is outside tsconfig.json: no type information for it.
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
);
