import { describe, expect, it } from 'vitest';
import {
  didYouMean,
  isUnescapedMention,
  parseAmount,
  parseChannelMention,
  parseChannelRef,
  parseEmail,
  parseUserMention,
  parseUserRef,
  tokenize,
} from '../../src/slack/parse.js';
import { parseSummaryArgs } from '../../src/queries/summary.js';

describe('tokenize', () => {
  it('splits on any run of whitespace and drops empties', () => {
    expect(tokenize('  summary \t platform\n month  ')).toEqual(['summary', 'platform', 'month']);
    expect(tokenize('')).toEqual([]);
  });
});

describe('user mentions', () => {
  it('reads escaped mentions with and without a name', () => {
    expect(parseUserMention('<@U123ABC|ana>')).toBe('U123ABC');
    expect(parseUserMention('<@U123ABC>')).toBe('U123ABC');
    expect(parseUserMention('<@W0ENTERPRISE|bo.smith>')).toBe('W0ENTERPRISE');
  });

  it('refuses what is not a user mention', () => {
    expect(parseUserMention('@ana')).toBeUndefined();
    expect(parseUserMention('<#C123|general>')).toBeUndefined();
    expect(parseUserMention('<@u123>')).toBeUndefined();
    expect(parseUserMention('<@U123|ana')).toBeUndefined();
    expect(parseUserMention('U123ABC')).toBeUndefined();
  });

  it('parseUserRef also takes a bare member ID, but not short words', () => {
    expect(parseUserRef('<@U123ABC|ana>')).toBe('U123ABC');
    expect(parseUserRef('U0123ABCD')).toBe('U0123ABCD');
    expect(parseUserRef('U2')).toBeUndefined();
    expect(parseUserRef('platform')).toBeUndefined();
  });
});

describe('channel mentions', () => {
  it('reads escaped channels with and without a name', () => {
    expect(parseChannelMention('<#C123ABC|platform-eng>')).toBe('C123ABC');
    expect(parseChannelMention('<#C123ABC>')).toBe('C123ABC');
    expect(parseChannelMention('<#G0PRIVATE|secret>')).toBe('G0PRIVATE');
  });

  it('refuses what is not a channel mention', () => {
    expect(parseChannelMention('#platform-eng')).toBeUndefined();
    expect(parseChannelMention('<@U123|ana>')).toBeUndefined();
    expect(parseChannelMention('<#c123>')).toBeUndefined();
  });

  it('parseChannelRef also takes a bare channel ID', () => {
    expect(parseChannelRef('C0123ABCD')).toBe('C0123ABCD');
    expect(parseChannelRef('<#C0123ABCD|x>')).toBe('C0123ABCD');
    expect(parseChannelRef('C1')).toBeUndefined();
    expect(parseChannelRef('general')).toBeUndefined();
  });

  it('recognises mentions that arrived as plain text', () => {
    expect(isUnescapedMention('@ana')).toBe(true);
    expect(isUnescapedMention('#platform-eng')).toBe(true);
    expect(isUnescapedMention('<@U1>')).toBe(false);
    expect(isUnescapedMention('ana')).toBe(false);
  });
});

describe('emails', () => {
  it('reads mailto links as Slack escapes them, and plain emails, lower-cased', () => {
    expect(parseEmail('<mailto:ana@example.com|ana@example.com>')).toBe('ana@example.com');
    expect(parseEmail('<mailto:Ana.B@Example.CO>')).toBe('ana.b@example.co');
    expect(parseEmail('bo+ai@corp.example.org')).toBe('bo+ai@corp.example.org');
  });

  it('refuses what is not an email', () => {
    expect(parseEmail('ana@example')).toBeUndefined();
    expect(parseEmail('@example.com')).toBeUndefined();
    expect(parseEmail('ana.example.com')).toBeUndefined();
    expect(parseEmail('<mailto:not-an-email|not-an-email>')).toBeUndefined();
    expect(parseEmail('<@U123|ana>')).toBeUndefined();
  });
});

describe('amounts', () => {
  it.each([
    ['500', 500],
    ['$500', 500],
    ['1.5k', 1500],
    ['1.5K', 1500],
    ['$1.5k', 1500],
    ['$1,200.50', 1200.5],
    ['1,200', 1200],
    ['2m', 2_000_000],
    ['.5k', 500],
    ['0.125', 0.13],
    ['12,345,678', 12_345_678],
  ])('%s is %d dollars', (word, dollars) => {
    expect(parseAmount(word)).toBe(dollars);
  });

  it.each(['', 'abc', '-500', '$-5', '1,20', '12,34.5', '1.2.3', '5x', '1.5kk', '$', 'k', '500usd', 'USD500', '1e3', '€500'])(
    '%j is not an amount',
    (word) => {
      expect(parseAmount(word)).toBeUndefined();
    },
  );
});

describe('did you mean', () => {
  const known = ['summary', 'me', 'budget', 'request', 'sessions', 'models', 'digest', 'help', 'admin'];
  it('suggests the closest word for typos and prefixes', () => {
    expect(didYouMean('sumary', known)).toBe('summary');
    expect(didYouMean('SUMMRY', known)).toBe('summary');
    expect(didYouMean('modles', known)).toBe('models');
    expect(didYouMean('sess', known)).toBe('sessions');
    expect(didYouMean('budegt', known)).toBe('budget');
  });

  it('suggests nothing for unrelated words', () => {
    expect(didYouMean('banana', known)).toBeUndefined();
    expect(didYouMean('xyz', known)).toBeUndefined();
  });
});

describe('summary arguments', () => {
  it('takes a team and a period in any order, case-insensitive, defaulting to the week', () => {
    expect(parseSummaryArgs(['platform', 'MONTH'])).toEqual({ kind: 'month', team: 'platform', extra: [] });
    expect(parseSummaryArgs(['Sprint', 'data'])).toEqual({ kind: 'sprint', team: 'data', extra: [] });
    expect(parseSummaryArgs([])).toEqual({ kind: 'week', team: undefined, extra: [] });
    expect(parseSummaryArgs(['team:platform'])).toEqual({ kind: 'week', team: 'platform', extra: [] });
    expect(parseSummaryArgs(['cycle'])).toEqual({ kind: 'sprint', team: undefined, extra: [] });
  });

  it('reports words beyond one team and one period', () => {
    expect(parseSummaryArgs(['platform', 'data'])).toEqual({ kind: 'week', team: 'platform', extra: ['data'] });
    expect(parseSummaryArgs(['week', 'month'])).toEqual({ kind: 'week', team: undefined, extra: ['month'] });
  });
});
