// The GitHub events the route stores are the ones the set-up documents ask people to subscribe.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GITHUB_EVENTS } from '../../src/ingest/github/github-route.js';

describe('GitHub webhook events to subscribe', () => {
  it('are listed in manifest.yml and docs/quality.md, each of them', () => {
    const manifest = readFileSync('manifest.yml', 'utf8');
    const doc = readFileSync('docs/quality.md', 'utf8');
    expect([...GITHUB_EVENTS].sort()).toEqual(['check_suite', 'pull_request', 'pull_request_review', 'push', 'workflow_run']);
    for (const e of GITHUB_EVENTS) {
      expect(manifest).toMatch(new RegExp(`^#\\s+${e}\\s`, 'm'));
      expect(doc).toContain(`(\`${e}\`)`);
    }
  });
});
