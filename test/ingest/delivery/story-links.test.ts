import { describe, expect, it } from 'vitest';
import { keysInBranch, keysInText, orderKeys, storyKeysFor } from '../../../src/ingest/delivery/story-links.js';

describe('issue keys in text', () => {
  it('finds upper-case keys in titles and messages', () => {
    expect(keysInText('Add SSO (ENG-123), see also PROJ-842 and [WEB-7]')).toEqual(['ENG-123', 'PROJ-842', 'WEB-7']);
  });

  it('drops false friends', () => {
    expect(keysInText('Use UTF-8 and SHA-256 with ISO-8601 dates; fixes CVE-2024-1234 on GPT-4 and TLS-1')).toEqual([]);
  });

  it('keeps a false-friend prefix that is a known project key', () => {
    expect(keysInText('ISO-12 audit', { known: new Set(['ISO']) })).toEqual(['ISO-12']);
  });

  it('ignores lower-case prose, keys inside words, leading zeros and single letters', () => {
    expect(keysInText('eng-123 xENG-5 ENG-05 A-1 ENG-12345678')).toEqual([]);
  });
});

describe('issue keys in branch names', () => {
  it('finds upper-case keys anywhere in the branch', () => {
    expect(keysInBranch('feature/ENG-123-add-sso')).toEqual(['ENG-123']);
    expect(keysInBranch('ENG-123_add_sso')).toEqual(['ENG-123']);
  });

  it("takes a lower-case key (Linear's suggested branch name) only with a known prefix", () => {
    expect(keysInBranch('ada/eng-123-add-sso', { known: new Set(['ENG']) })).toEqual(['ENG-123']);
    expect(keysInBranch('ada/eng-123-add-sso')).toEqual([]);
    expect(keysInBranch('release-2024')).toEqual([]);
  });
});

describe('storyKeysFor', () => {
  it('searches branch, title and body, known prefixes first, without repeats', () => {
    const keys = storyKeysFor(
      { branch: 'ENG-123-add-sso', title: 'Add SSO (ENG-123)', body: 'Fixes ENG-123 and NEW-9; refs PROJ-842' },
      { known: new Set(['PROJ']) },
    );
    expect(keys).toEqual(['PROJ-842', 'ENG-123', 'NEW-9']);
  });

  it('keeps keys the sender named outright', () => {
    expect(storyKeysFor({ explicit: ['SC-4711', null, ' '], title: 'x' })).toEqual(['SC-4711']);
  });

  it('orders known keys first', () => {
    expect(orderKeys(['A1-1', 'BB-2', 'A1-1'], new Set(['BB']))).toEqual(['BB-2', 'A1-1']);
  });
});
