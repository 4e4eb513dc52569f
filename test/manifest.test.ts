import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOT_SCOPES } from '../src/slack/scopes.js';

const manifest = parse(readFileSync('manifest.yml', 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('manifest.yml', () => {
  it('declares /aispend with escaping, a usage hint and the Bolt endpoint', () => {
    const [cmd] = manifest.features.slash_commands;
    expect(cmd.command).toBe('/aispend');
    expect(cmd.should_escape).toBe(true);
    expect(cmd.usage_hint.length).toBeGreaterThan(0);
    expect(cmd.usage_hint.length).toBeLessThanOrEqual(1000);
    expect(cmd.url).toMatch(/\/slack\/events$/);
  });

  it('has a bot user, interactivity, the App Home tab and the events the features listen to', () => {
    expect(manifest.features.bot_user.display_name).toBe('aispend');
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['app_home_opened', 'message.channels']),
    );
  });

  it('asks for the scopes the features need, and each event has its scope', () => {
    const scopes: string[] = manifest.oauth_config.scopes.bot;
    for (const s of ['commands', 'chat:write', 'files:write', 'users:read', 'users:read.email', 'im:write', 'channels:history']) {
      expect(scopes).toContain(s);
    }
    const events: string[] = manifest.settings.event_subscriptions.bot_events;
    if (events.includes('message.groups')) expect(scopes).toContain('groups:history');
    expect(new Set(scopes).size).toBe(scopes.length);
  });

  it('asks for exactly the scopes aispend doctor checks the token for (src/slack/scopes.ts)', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
  });

  it('stays within Slack limits', () => {
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
    expect(manifest.display_information.long_description.length).toBeLessThanOrEqual(4000);
  });
});
