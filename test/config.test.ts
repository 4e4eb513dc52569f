import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const c = loadConfig({} as NodeJS.ProcessEnv);
    expect(c.port).toBe(3000);
    expect(c.databasePath).toBe('data/aispend.db');
    expect(c.timezone).toBe('UTC');
    expect(c.digestCron).toBe('0 9 * * 1');
    expect(c.loop).toMatchObject({ minCostUsd: 10, minMinutes: 30, settleSeconds: 90 });
    expect(c.slack.apiUrl).toBe('https://slack.com/api/');
    expect(c.anthropic.apiUrl).toBe('https://api.anthropic.com');
    expect(c.openai.apiUrl).toBe('https://api.openai.com');
    expect(c.slack.socketMode).toBe(false);
    expect(c.admins).toEqual([]);
  });

  it('treats empty strings as unset and coerces numbers', () => {
    const c = loadConfig({ PORT: '', LOOP_MIN_COST_USD: '12.5', SLACK_APP_TOKEN: '  ', AISPEND_ADMINS: 'U1AAA, U2BBB' } as never);
    expect(c.port).toBe(3000);
    expect(c.loop.minCostUsd).toBe(12.5);
    expect(c.slack.socketMode).toBe(false);
    expect(c.admins).toEqual(['U1AAA', 'U2BBB']);
  });

  it('takes LOOP_SETTLE_SECONDS of 0 (judge at once) but not below', () => {
    expect(loadConfig({ LOOP_SETTLE_SECONDS: '0' } as never).loop.settleSeconds).toBe(0);
    expect(loadConfig({ LOOP_SETTLE_SECONDS: '150' } as never).loop.settleSeconds).toBe(150);
    expect(() => loadConfig({ LOOP_SETTLE_SECONDS: '-1' } as never)).toThrow(/LOOP_SETTLE_SECONDS must be at least 0/);
  });

  it('OTLP_GRPC_PORT: unset is off, a port turns the gRPC receiver on, anything else is refused', () => {
    expect(loadConfig({} as never).otlpGrpcPort).toBeUndefined();
    expect(loadConfig({ OTLP_GRPC_PORT: '' } as never).otlpGrpcPort).toBeUndefined();
    expect(loadConfig({ OTLP_GRPC_PORT: '4317' } as never).otlpGrpcPort).toBe(4317);
    for (const bad of ['grpc', '70000', '-1', '43.17']) {
      expect(() => loadConfig({ OTLP_GRPC_PORT: bad } as never)).toThrow(/OTLP_GRPC_PORT must be a port number such as 4317/);
    }
  });

  it('keeps raw records RETENTION_DAYS days: 90 by default, at least 7, whole days', () => {
    expect(loadConfig({} as never).retentionDays).toBe(90);
    expect(loadConfig({ RETENTION_DAYS: '7' } as never).retentionDays).toBe(7);
    expect(loadConfig({ RETENTION_DAYS: '400' } as never).retentionDays).toBe(400);
    expect(() => loadConfig({ RETENTION_DAYS: '6' } as never)).toThrow(/RETENTION_DAYS must be at least 7/);
    expect(() => loadConfig({ RETENTION_DAYS: '30.5' } as never)).toThrow(/RETENTION_DAYS must be a whole number/);
  });

  it('leaves /metrics open unless METRICS_TOKEN is set, and refuses a short token', () => {
    expect(loadConfig({} as never).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: 'm'.repeat(16) } as never).metricsToken).toBe('m'.repeat(16));
    expect(() => loadConfig({ METRICS_TOKEN: 'short' } as never)).toThrow(/METRICS_TOKEN must be at least 16 characters/);
  });

  it('reports every problem at once', () => {
    let err: ConfigError | undefined;
    try {
      loadConfig(
        { PORT: 'abc', AISPEND_TIMEZONE: 'Mars/Olympus', SLACK_BOT_TOKEN: 'xoxp-user', DIGEST_CRON: 'every monday', AISPEND_ADMINS: 'bob' } as never,
        { requireSlack: true },
      );
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const joined = err!.problems.join('\n');
    expect(joined).toContain('PORT must be a number');
    expect(joined).toContain('AISPEND_TIMEZONE must be an IANA time zone');
    expect(joined).toContain('SLACK_BOT_TOKEN must start with xoxb-');
    expect(joined).toContain('DIGEST_CRON must be a cron expression');
    expect(joined).toContain('AISPEND_ADMINS must be Slack user IDs');
    expect(joined).toContain('SLACK_SIGNING_SECRET is missing');
    expect(err!.message).toContain('npm run demo');
  });

  it('names where to find each missing Slack credential', () => {
    try {
      loadConfig({} as never, { requireSlack: true });
      expect.unreachable();
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toContain('SLACK_BOT_TOKEN is missing');
      expect(msg).toContain('OAuth & Permissions');
      expect(msg).toContain('Signing Secret');
    }
  });

  it('needs no signing secret in Socket Mode', () => {
    const c = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' } as never, { requireSlack: true });
    expect(c.slack.socketMode).toBe(true);
  });

  it('normalises SLACK_API_URL to end with a slash', () => {
    expect(loadConfig({ SLACK_API_URL: 'http://127.0.0.1:9/api' } as never).slack.apiUrl).toBe('http://127.0.0.1:9/api/');
  });
});
