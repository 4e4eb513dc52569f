// The suite passes whatever is in the folder's .env or the developer's shell: `cp .env.example .env`,
// fill it in, and `npm test` still passes. This holds the tests to the two rules that make it so.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configKeys } from '../src/config.js';
import { REPO, runNode } from './helpers/run-node.js';

function testFiles(dir = join(REPO, 'test')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const HELPER = 'test/helpers/run-node.ts';
const SELF = 'test/env-independence.test.ts';

describe('tests are independent of the folder\'s .env and the shell', () => {
  it('start child processes only through test/helpers/run-node.ts (a fresh folder, only the variables given)', () => {
    const offenders = testFiles()
      .map((f) => relative(REPO, f))
      .filter((f) => f !== HELPER && f !== SELF)
      .filter((f) => /from 'node:child_process'|\b(spawn|spawnSync|execFile|execFileSync|execSync|fork)\(/.test(
        readFileSync(join(REPO, f), 'utf8').replace(/import type [^;]+;/g, ''),
      ));
    expect(offenders).toEqual([]);
  });

  it('never load the configuration from the environment or a .env file', () => {
    const reads = [/loadConfig\(\s*\)/, /loadConfig\(\s*undefined/, /loadConfig\(\s*process\.env/, /loadDotEnv\(/, /loadEnvFile\(/];
    const offenders = testFiles()
      .map((f) => relative(REPO, f))
      .filter((f) => f !== SELF)
      .filter((f) => reads.some((r) => r.test(readFileSync(join(REPO, f), 'utf8'))));
    expect(offenders).toEqual([]);
  });

  it('run with no variable of aispend\'s configuration in the environment (test/setup/clean-env.ts)', () => {
    expect(configKeys().filter((k) => process.env[k] !== undefined)).toEqual([]);
  });

  it('child processes start in an empty folder with only PATH, HOME and what the test gives', async () => {
    const r = await runNode(['-e', 'console.log(JSON.stringify({ dotenv: require("fs").existsSync(".env"), keys: Object.keys(process.env).sort() }))'], {
      env: { PORT: '0' },
    });
    const seen = JSON.parse(r.stdout) as { dotenv: boolean; keys: string[] };
    expect(seen.dotenv).toBe(false);
    expect(seen.keys.filter((k) => configKeys().includes(k))).toEqual(['PORT']);
  });
});
