// Layer rules of DESIGN.md §3. Do not relax these rules: a layer that needs something
// from another layer gets it injected by `app`, the composition root.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const mainOnlyPackages = ['better-sqlite3', 'jose', '@modelcontextprotocol/*', '@cedar-policy/*', '@simplewebauthn/server', 'electron'];

// Folders of src-main, lowest layer first. Each may import the folders it lists.
const mainLayers = {
  core: [],
  crypto: ['core'],
  store: ['core'],
  audit: ['core', 'crypto', 'store'],
  policy: ['core'],
  attest: ['core', 'crypto', 'store', 'audit'],
  identity: ['core', 'crypto', 'store', 'audit'],
  authority: ['core', 'crypto', 'store', 'audit'],
  delegation: ['core', 'crypto', 'store', 'audit', 'policy'],
  approvals: ['core', 'crypto', 'store', 'audit', 'policy'],
  grants: ['core', 'store', 'audit', 'policy'],
  gateway: ['core', 'crypto', 'store', 'audit', 'policy'],
  reaper: ['core', 'store', 'audit'],
  oauth: ['core', 'crypto', 'store', 'audit'],
  'agent-client': ['core'],
  app: ['core', 'crypto', 'store', 'audit', 'policy', 'attest', 'identity', 'authority', 'grants', 'delegation', 'approvals', 'gateway', 'reaper', 'oauth'],
  http: ['core', 'app'],
  cli: ['core', 'app', 'http', 'agent-client'],
  electron: ['core', 'app', 'http'],
};
const allMainFolders = Object.keys(mainLayers);

// Packages each main folder may use beyond Node: everything else in mainOnlyPackages is banned there.
const mainPackageAllowance = {
  store: ['better-sqlite3'],
  crypto: ['jose'],
  policy: ['@cedar-policy/*'],
  attest: ['jose'],
  authority: ['jose'],
  audit: ['jose'],
  delegation: ['jose'],
  approvals: ['jose', '@simplewebauthn/server'],
  gateway: ['jose', '@modelcontextprotocol/*'],
  'agent-client': ['jose', '@modelcontextprotocol/*'],
  electron: ['electron'],
};

function restrict(patterns, paths = []) {
  return { 'no-restricted-imports': ['error', { patterns, paths }] };
}

function mainLayerConfig(folder) {
  const allowed = new Set([folder, ...mainLayers[folder]]);
  const bannedFolders = allMainFolders.filter((f) => !allowed.has(f));
  const packages = mainOnlyPackages.filter((p) => !(mainPackageAllowance[folder] ?? []).includes(p));
  const patterns = [
    { group: bannedFolders.flatMap((f) => [`../${f}/*`, `../../${f}/*`, `**/src-main/${f}/*`]), message: `src-main/${folder} may import only: ${[...allowed].join(', ')} (DESIGN.md §3).` },
    { group: ['**/src-renderer/*', '**/src-renderer'], message: 'The main process never imports renderer code.' },
    { group: packages, message: `Not allowed in src-main/${folder} (DESIGN.md §3).` },
  ];
  if (folder === 'core') {
    patterns.push({ group: nodeBuiltins, message: 'core is pure domain: no I/O, no Node modules.' });
  }
  return { files: [`src-main/${folder}/**/*.ts`], rules: restrict(patterns) };
}

const ipcRestriction = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Use the typed operator contract (src-main/electron/ipc.ts, preload.ts), not raw IPC.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'release/', 'test-results/', 'playwright-report/', '.tmp/', 'vendor/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: restrict([
      { group: nodeBuiltins, message: 'src-shared runs in the renderer too: no Node modules.' },
      { group: mainOnlyPackages, message: 'src-shared is a contract: no main-process packages.' },
      { group: ['**/src-main/*', '**/src-main', '**/src-renderer/*', '**/src-renderer'], message: 'src-shared imports nothing of the layers above it.' },
    ]),
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.tsx'],
    languageOptions: { globals: globals.browser },
    rules: restrict([
      { group: nodeBuiltins, message: 'The renderer has no Node.' },
      { group: mainOnlyPackages, message: 'The renderer reaches the main process only through the operator contract.' },
      { group: ['**/src-main/*', '**/src-main'], message: 'The renderer may import only src-shared.' },
    ]),
  },
  ...allMainFolders.map(mainLayerConfig),
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/electron/ipc.ts', 'src-main/electron/preload.ts'],
    rules: { 'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='webContents'][property.name='send']", message: 'Push events through the typed contract in src-main/electron/ipc.ts.' }] },
  },
  {
    files: ['src-main/electron/**/*.ts'],
    ignores: ['src-main/electron/ipc.ts', 'src-main/electron/preload.ts'],
    rules: restrict(
      [
        { group: allMainFolders.filter((f) => !['electron', 'core', 'app', 'http'].includes(f)).flatMap((f) => [`../${f}/*`]), message: 'electron is a thin adapter over app.' },
        { group: ['**/src-renderer/*'], message: 'The main process never imports renderer code.' },
        { group: mainOnlyPackages.filter((p) => p !== 'electron'), message: 'electron is a thin adapter over app.' },
      ],
      [ipcRestriction],
    ),
  },
  {
    files: ['scripts/**/*.mjs', 'bench/**/*.mjs', 'bin/**/*.js', 'eslint.config.js', '*.config.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { globals: globals.node },
  },
);
