// The rules of eslint.config.js that guard the layout: an upward import, a focused test and an import cycle are
// reported, their allowed counterparts are not. Each text is linted as if it were a file at that path, through
// ESLint's Node API with the project's own config.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The project's config, running only `ruleIds`. These rules need resolved paths, not types: skipping the
 * type-aware program keeps this test to seconds. */
function linterFor(...ruleIds: string[]): ESLint {
  return new ESLint({
    cwd: root,
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    ruleFilter: ({ ruleId }) => ruleIds.includes(ruleId),
  });
}

const eslint = linterFor('import-x/no-restricted-paths', 'no-restricted-properties');

/** The rule ids ESLint reports for `text` as the file `filePath` (relative to the repository). */
async function reportedRules(filePath: string, text: string, linter = eslint): Promise<string[]> {
  const [result] = await linter.lintText(text, { filePath: `${root}${filePath}` });
  return (result?.messages ?? []).map((message) => message.ruleId ?? `fatal: ${message.message}`);
}

describe('import direction', () => {
  it.each([
    ['core importing the monitor', 'core/probe.ts', "import { startMonitor } from '../monitor/server.ts';"],
    ['core importing lib', 'core/probe.ts', "import { SeededRandom } from '../lib/random/index.ts';"],
    ['lib importing core', 'lib/tsne/probe.ts', "import { TransferscopeError } from '../../core/errors.ts';"],
    ['one lib importing the internals of another', 'lib/tsne/probe.ts', "import { trainLinearSvm } from '../linear-svm/linear-svm.ts';"],
    ['analysis importing lib internals', 'analysis/probe.ts', "import { trainLinearSvm } from '../lib/linear-svm/linear-svm.ts';"],
    ['datasets importing the store', 'datasets/probe.ts', "import { Store } from '../store/store.ts';"],
    ['store importing the trainer', 'store/probe.ts', "import { loadConfig } from '../trainer/config.ts';"],
    ['the trainer importing analysis', 'trainer/probe.ts', "import { perClassAccuracy } from '../analysis/confusion.ts';"],
    ['analysis importing the monitor', 'analysis/probe.ts', "import { startMonitor } from '../monitor/server.ts';"],
    ['the monitor importing a worker job', 'monitor/probe.ts', "import { analyzeCheckpoints } from '../analysis/jobs/analyze-checkpoints.ts';"],
    ['the monitor importing the trainer', 'monitor/probe.ts', "import { loadConfig } from '../trainer/config.ts';"],
    ['the server importing a route', 'monitor/server-probe.ts', "import { runsRoutes } from './routes/runs.ts';"],
    ['the CLI importing a route', 'bin/probe.ts', "import { runsRoutes } from '../monitor/routes/runs.ts';"],
    ['the dashboard importing the store', 'dashboard/src/probe.ts', "import type { Store } from '../../store/store.ts';"],
  ])('reports %s', async (_, filePath, text) => {
    expect(await reportedRules(filePath, text)).toEqual(['import-x/no-restricted-paths']);
  });

  it.each([
    ['lib importing another lib through its index.ts', 'lib/tsne/probe.ts', "import { SeededRandom } from '../random/index.ts';"],
    ['a lib importing its own internals', 'lib/linear-svm/probe.ts', "import { trainLinearSvm } from './linear-svm.ts';"],
    [
      'the trainer importing datasets and the store',
      'trainer/probe.ts',
      "import { Store } from '../store/store.ts';\nimport { splitDomain } from '../datasets/split-domain.ts';",
    ],
    ['the monitor importing analysis', 'monitor/probe.ts', "import { perClassAccuracy } from '../analysis/confusion.ts';"],
    ['the app mounting a route', 'monitor/app.ts', "import { runsRoutes } from './routes/runs.ts';"],
    ['a route importing a route', 'monitor/routes/probe.ts', "import { runsRoutes } from './runs.ts';"],
    [
      'the dashboard importing core and lib',
      'dashboard/src/probe.ts',
      "import type { RunSummary } from '../../core/protocol.ts';\nimport { procrustes } from '../../lib/procrustes/index.ts';",
    ],
    ['the CLI importing a worker job', 'bin/probe.ts', "import { analyzeCheckpoints } from '../analysis/jobs/analyze-checkpoints.ts';"],
    [
      'a test importing lib internals and a route',
      'tests/probe.test.ts',
      "import { trainLinearSvm } from '../lib/linear-svm/linear-svm.ts';\nimport { runsRoutes } from '../monitor/routes/runs.ts';",
    ],
  ])('allows %s', async (_, filePath, text) => {
    expect(await reportedRules(filePath, text)).toEqual([]);
  });
});

describe('focused tests', () => {
  it.each(['describe', 'it', 'test'])('reports %s.only in a test file', async (name) => {
    expect(await reportedRules('tests/probe.test.ts', `${name}.only('focused', () => {});`)).toEqual(['no-restricted-properties']);
  });
});

describe('import cycles', () => {
  const cycles = linterFor('import-x/no-cycle');

  it('reports a file importing a module that imports it back', async () => {
    // core/params.ts imports TransferscopeError from core/errors.ts.
    expect(await reportedRules('core/errors.ts', "import { parseReference } from './params.ts';", cycles)).toEqual(['import-x/no-cycle']);
  });

  it('allows importing a module whose import back is type-only, which leaves no cycle at run time', async () => {
    // core/analysis-keys.ts imports only types from core/protocol.ts.
    expect(await reportedRules('core/protocol.ts', "import { analysisKey } from './analysis-keys.ts';", cycles)).toEqual([]);
  });
});
