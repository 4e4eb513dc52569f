// The README is a newcomer's front page (at most 300 lines) and the reference lives in docs/: every
// relative link in README.md and docs/*.md resolves, anchors included (GitHub's heading slugs), and
// docs/configuration.md documents every variable the configuration reads.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configKeys } from '../src/config.js';
import { REPO } from './helpers/run-node.js';

const FILES = ['README.md', ...readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** the text outside fenced code blocks and inline code */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading (github-slugger): lower case, punctuation dropped, spaces to hyphens */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

interface Link {
  file: string;
  target: string;
}

function links(file: string): Link[] {
  const text = prose(readFileSync(join(REPO, file), 'utf8'));
  const targets = [
    ...[...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
    ...[...text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1]!),
    ...[...text.matchAll(/<img[^>]+src="([^"]+)"/g)].map((m) => m[1]!),
  ];
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t)).map((target) => ({ file, target }));
}

describe('README.md and docs/', () => {
  it('README.md is a front page: at most 300 lines', () => {
    const lines = readFileSync(join(REPO, 'README.md'), 'utf8').split('\n').length;
    expect(lines).toBeLessThanOrEqual(300);
  });

  it('every relative link resolves, to a file that exists and a heading that exists', () => {
    const all = FILES.flatMap(links);
    expect(all.length).toBeGreaterThan(50);
    const broken: string[] = [];
    for (const { file, target } of all) {
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const abs = path === '' ? join(REPO, file) : resolve(dirname(join(REPO, file)), decodeURIComponent(path));
      if (!abs.startsWith(REPO) || !existsSync(abs)) {
        broken.push(`${file}: ${target} (no such file)`);
        continue;
      }
      if (anchor !== undefined && anchor !== '') {
        if (!abs.endsWith('.md') || statSync(abs).isDirectory()) continue;
        if (!anchors(abs).has(anchor)) broken.push(`${file}: ${target} (no heading #${anchor} in ${relative(REPO, abs)})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the README links every page of docs/', () => {
    const linked = new Set(links('README.md').map((l) => l.target.split('#')[0]));
    const pages = FILES.filter((f) => f.startsWith('docs/'));
    expect(pages.filter((p) => !linked.has(p))).toEqual([]);
  });

  it('docs/configuration.md documents every variable the configuration reads', () => {
    const text = readFileSync(join(REPO, 'docs/configuration.md'), 'utf8');
    expect(configKeys().filter((k) => !text.includes(`| \`${k}\` |`))).toEqual([]);
  });

  it('computes GitHub heading anchors', () => {
    expect(slug('`/aispend sessions [looping] [me|team]`')).toBe('aispend-sessions-looping-meteam');
    expect(slug('Any other tracker or pipeline: `POST /ingest/delivery`')).toBe('any-other-tracker-or-pipeline-post-ingestdelivery');
    expect(slug('Diagnosis: `aispend doctor`')).toBe('diagnosis-aispend-doctor');
  });
});
