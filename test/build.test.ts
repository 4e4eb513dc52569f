// What the Docker image runs, tested without Docker (it cannot build images here): `npm run build`
// compiles src/ to dist/, `node dist/main.js` (no tsx, production dependencies only) starts and answers
// /healthz, and the Dockerfile's own HEALTHCHECK command passes against it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { productNodeFlags } from '../bench/lib/compiled-server.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { REPO, runNode } from './helpers/run-node.js';
import { tempDbPath } from './helpers/temp-db.js';
import { largeEventsExport } from './ingest/otlp/otlp-builders.js';

const DIST = join(REPO, 'dist');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');

function npmCli(): string {
  const candidates = [process.env.npm_execpath, join(dirname(process.execPath), '../lib/node_modules/npm/bin/npm-cli.js')];
  const found = candidates.find((c) => c && c.endsWith('.js') && existsSync(c));
  if (!found) throw new Error('npm-cli.js not found next to node');
  return found;
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}

/** the Dockerfile's instructions of its last stage, continuation lines joined */
function lastStage(): string[] {
  const lines = dockerfile.replace(/\\\n\s*/g, ' ').split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  const from = lines.map((l, i) => (/^FROM\s/i.test(l) ? i : -1)).filter((i) => i >= 0);
  return lines.slice(from.at(-1));
}

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
  const r = await runNode([npmCli(), 'run', 'build'], { cwd: REPO });
  if (r.code !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
}, 180_000);
afterAll(async () => {
  await slack.stop();
});

describe('npm run build', () => {
  it('compiles every source file to JavaScript in dist/', () => {
    expect(pkg.scripts.build).toContain('tsc -p tsconfig.build.json');
    expect(existsSync(join(DIST, 'main.js'))).toBe(true);
    expect(existsSync(join(DIST, 'cli/main.js'))).toBe(true);
    const sources = (function ts(dir: string): string[] {
      return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? ts(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    })(join(REPO, 'src'));
    for (const s of sources) expect(existsSync(join(DIST, relative(join(REPO, 'src'), s).replace(/\.ts$/, '.js')))).toBe(true);
  });

  it('needs no dev dependency at run time: every package dist/ imports is a production dependency', () => {
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const imported = new Set<string>();
    for (const f of jsFiles(DIST)) {
      const text = readFileSync(f, 'utf8');
      const specs = [
        ...text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]/gm),
        ...text.matchAll(/^import\s+['"]([^'"]+)['"]/gm),
        ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
      ];
      for (const m of specs) {
        const spec = m[1]!;
        if (spec.startsWith('.') || builtins.has(spec) || spec.startsWith('node:')) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    expect([...imported].filter((p) => !(p in pkg.dependencies)).sort()).toEqual([]);
    expect([...imported]).toEqual(expect.arrayContaining(['@slack/bolt', 'better-sqlite3', 'zod', 'chart.js']));
    expect(imported.has('tsx')).toBe(false);
    expect(pkg.dependencies).not.toHaveProperty('tsx');
  });
});

describe('the compiled entry point, as the image runs it', () => {
  it('starts with node alone, answers /healthz, reads a large OTLP export on its decode thread, passes the Dockerfile HEALTHCHECK, and stops cleanly on SIGTERM', async () => {
    const tmp = tempDbPath();
    const token = 'compiled-ingest-token-0123456789abcdef';
    let port = 0;
    let health: { status: number; body: unknown } | undefined;
    let logs: { status: number; body: unknown } | undefined;
    let probe: { code: number | null } | undefined;
    const cmd = lastStage().find((l) => /^CMD\s/i.test(l))!;
    const args = JSON.parse(cmd.replace(/^CMD\s+/i, '')) as string[];
    expect(args).toEqual(['node', '--max-semi-space-size=16', 'dist/main.js']);
    // the image runs node with the flags npm start gives it (and the bench's ingest server)
    expect(args.filter((a) => a.startsWith('--'))).toEqual(productNodeFlags(REPO));
    const healthcheck = JSON.parse(lastStage().find((l) => /^HEALTHCHECK\s/i.test(l))!.replace(/^.*?\sCMD\s+/i, '')) as string[];
    expect(healthcheck[0]).toBe('node');
    try {
      const r = await runNode([...args.slice(1, -1), join(DIST, 'main.js')], {
        cwd: REPO,
        env: {
          SLACK_BOT_TOKEN: 'xoxb-compiled',
          SLACK_SIGNING_SECRET: 'secret',
          SLACK_API_URL: slack.apiUrl,
          PORT: '0',
          DATABASE_PATH: tmp.path,
          AISPEND_INGEST_TOKEN: token,
          NODE_ENV: 'production',
        },
        onStderr: (text, child) => {
          if (port !== 0 || !text.includes('aispend is running')) return;
          port = Number(/"port":(\d+)/.exec(text)![1]);
          void (async () => {
            const res = await fetch(`http://127.0.0.1:${port}/healthz`);
            health = { status: res.status, body: await res.json() };
            // about 300 KB: decoded by dist/ingest/otlp/log-decode-thread.js, no TypeScript loader
            const sent = await fetch(`http://127.0.0.1:${port}/v1/logs`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body: JSON.stringify(largeEventsExport()),
            });
            logs = { status: sent.status, body: await sent.json() };
            probe = await runNode(healthcheck.slice(1), { env: { PORT: String(port) } });
            child.kill('SIGTERM');
          })();
        },
      });
      expect(port).toBeGreaterThan(0);
      expect(health).toEqual({ status: 200, body: { ok: true, schema_version: expect.any(Number) } });
      expect(logs).toEqual({ status: 200, body: { partialSuccess: { rejectedLogRecords: 4, errorMessage: expect.stringMatching(/^4 skipped: /) } } });
      expect(r.stderr).not.toContain('decode thread');
      expect(probe?.code).toBe(0);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('"msg":"stopped"');
    } finally {
      tmp.cleanup();
    }
  });

  it('the HEALTHCHECK fails when nothing answers', async () => {
    const healthcheck = JSON.parse(lastStage().find((l) => /^HEALTHCHECK\s/i.test(l))!.replace(/^.*?\sCMD\s+/i, '')) as string[];
    const closed = await startFakeSlack();
    const port = closed.port;
    await closed.stop();
    expect((await runNode(healthcheck.slice(1), { env: { PORT: String(port) } })).code).toBe(1);
  });

  it('the compiled CLI runs with node alone', async () => {
    const r = await runNode([join(DIST, 'cli/main.js'), 'help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: npx aispend <command>');
  });
});

describe('the Dockerfile and docker-compose.yml', () => {
  it('is multi-stage; the image runs compiled code as a non-root user with the database on a volume', () => {
    const stages = dockerfile.split('\n').filter((l) => /^FROM\s/i.test(l));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const last = lastStage();
    expect(last.find((l) => /^USER\s/i.test(l))).toMatch(/^USER\s+node$/);
    expect(last.find((l) => /^VOLUME\s/i.test(l))).toContain('/data');
    expect(last.find((l) => /^ENV\s/i.test(l))).toContain('DATABASE_PATH=/data/aispend.db');
    expect(last.find((l) => /^HEALTHCHECK\s/i.test(l))).toContain('/healthz');
    // no TypeScript, no tsx, no dev dependencies in what runs
    expect(last.join('\n')).not.toMatch(/COPY\s+src\b|tsx|npm ci(?! --omit=dev)/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    // the image never holds the host's secrets or data
    const ignore = readFileSync(join(REPO, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['.env', 'data/', 'node_modules/', '*.db']) expect(ignore).toContain(p);
  });

  it('docker-compose.yml puts an OpenTelemetry Collector in front of aispend', () => {
    const compose = parseYaml(readFileSync(join(REPO, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { build?: string; image?: string; volumes?: string[]; environment?: Record<string, string>; ports?: string[] }>;
    };
    expect(compose.services.aispend!.build).toBe('.');
    expect(compose.services.aispend!.volumes).toContain('aispend-data:/data');
    const collector = compose.services['otel-collector']!;
    expect(collector.image).toMatch(/^otel\/opentelemetry-collector-contrib:\d+\.\d+\.\d+$/);
    expect(collector.environment!.AISPEND_URL).toBe('http://aispend:3000');
    expect(collector.ports).toEqual(expect.arrayContaining(['4317:4317', '4318:4318']));
    const mount = collector.volumes!.find((v) => v.endsWith(':/etc/otelcol/config.yaml:ro'))!;
    const config = parseYaml(readFileSync(join(REPO, mount.split(':')[0]!), 'utf8')) as {
      exporters: Record<string, { endpoint: string; encoding?: string; headers: Record<string, string> }>;
      service: { pipelines: Record<string, { exporters: string[] }> };
    };
    const exporter = config.exporters['otlphttp/aispend']!;
    expect(exporter.endpoint).toBe('${env:AISPEND_URL}');
    // protobuf, the otlphttp exporter's default: aispend reads it as well as JSON
    expect(exporter.encoding).toBeUndefined();
    expect(exporter.headers.Authorization).toBe('Bearer ${env:AISPEND_INGEST_TOKEN}');
    expect(Object.keys(config.service.pipelines).sort()).toEqual(['logs', 'metrics']);
  });
});
