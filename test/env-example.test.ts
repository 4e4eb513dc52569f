import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configKeys, loadConfig } from '../src/config.js';

const text = readFileSync('.env.example', 'utf8');
const entries = new Map(
  text
    .split('\n')
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
);

describe('.env.example', () => {
  it('documents every variable the config reads', () => {
    const missing = configKeys().filter((k) => !entries.has(k));
    expect(missing).toEqual([]);
  });

  it('lists nothing the config does not read', () => {
    const unknown = [...entries.keys()].filter((k) => !configKeys().includes(k));
    expect(unknown).toEqual([]);
  });

  it('parses as a valid configuration as it stands', () => {
    expect(() => loadConfig(Object.fromEntries(entries) as NodeJS.ProcessEnv)).not.toThrow();
  });
});
