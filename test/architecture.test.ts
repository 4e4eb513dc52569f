// The layers of docs/architecture.md are held by lint: each rule, shown refusing a violation (and
// letting the allowed form through), through ESLint's own API and the project's config.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint holds the layers', () => {
  it('domain imports nothing of db, slack, http or a feature', async () => {
    expect(await problems('src/domain/x.ts', "import { orgRepo } from '../db/repos/org-repo.js';\nexport const x = orgRepo;\n")).toEqual([
      expect.stringContaining('src/domain holds pure rules'),
    ]);
    expect(await problems('src/domain/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toHaveLength(1);
    expect(await problems('src/domain/x.ts', "import { addDays } from './time.js';\nexport const x = addDays;\n")).toEqual([]);
  });

  it('db imports no feature and no Slack', async () => {
    expect(await problems('src/db/repos/x.ts', "import type { LoopRule } from '../../loops/loop-rules.js';\nexport type X = LoopRule;\n")).toEqual([
      expect.stringContaining('src/db may import src/domain only'),
    ]);
    expect(await problems('src/db/repos/x.ts', "import type { Period } from '../../domain/time.js';\nexport type X = Period;\n")).toEqual([]);
  });

  it('shared plumbing knows no feature', async () => {
    expect(await problems('src/slack/x.ts', "import { budgetStatus } from '../budgets/index.js';\nexport const x = budgetStatus;\n")).toEqual([
      expect.stringContaining('Shared plumbing knows no feature'),
    ]);
  });

  it('a feature uses another only through its index.ts', async () => {
    expect(await problems('src/digest/x.ts', "import { budgetStatus } from '../budgets/budget-numbers.js';\nexport const x = budgetStatus;\n")).toEqual([
      expect.stringContaining('only through its public module'),
    ]);
    expect(await problems('src/digest/x.ts', "import { budgetStatus } from '../budgets/index.js';\nexport const x = budgetStatus;\n")).toEqual([]);
    // its own files and the shared layers are fine
    expect(await problems('src/digest/x.ts', "import { digestJob } from './digest-job.js';\nimport { kickOutbox } from '../slack/outbox.js';\nexport const x = [digestJob, kickOutbox];\n")).toEqual([]);
  });

  it('nothing outside src/db runs SQL', async () => {
    const sql = "import type { Db } from '../db/open.js';\nexport const n = (db: Db) => db.prepare('SELECT 1').get();\n";
    expect(await problems('src/queries/x.ts', sql)).toEqual([expect.stringContaining('SQL lives in src/db')]);
    expect(await problems('src/db/repos/x.ts', sql.replace("'../db/open.js'", "'../open.js'"))).toEqual([]);
    // a regular expression's exec is not SQL
    expect(await problems('src/queries/x.ts', 'export const m = /a/.exec(String(1));\n')).toEqual([]);
  });
});
