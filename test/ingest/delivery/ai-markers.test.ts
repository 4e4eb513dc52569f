import { describe, expect, it } from 'vitest';
import {
  AI_MARKER_RULES,
  detectAiMarkers,
  markerConfidence,
  markersColumn,
  parseClaudeSession,
  type WorkEvidence,
} from '../../../src/ingest/delivery/ai-markers.js';

const markers = (e: WorkEvidence) => detectAiMarkers(e).markers;

describe('AI marker rules, one by one', () => {
  const cases: Array<[string, WorkEvidence]> = [
    ['claude-co-author', { text: 'Fix login\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>' }],
    ['claude-generated', { text: 'Fix login\n\n🤖 Generated with [Claude Code](https://claude.ai/code)' }],
    ['claude-session', { text: 'Fix login\n\nClaude-Session: https://claude.ai/code/session_01abc' }],
    ['cursor-co-author', { text: 'Fix login\n\nCo-authored-by: Cursor <cursoragent@cursor.com>' }],
    ['cursor-made-with', { text: 'Fix login\n\nMade-with: Cursor' }],
    ['cursor-agent-author', { text: 'Fix login', authorEmail: 'CursorAgent@cursor.com', authorName: 'Cursor Agent' }],
    ['copilot-agent-author', { text: 'Fix login', authorEmail: '198982749+Copilot@users.noreply.github.com' }],
    ['copilot-co-author', { text: 'Fix (#12)\n\nCo-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>' }],
    ['codex-co-author', { text: 'Fix login\n\nCo-authored-by: Codex <noreply@openai.com>' }],
    ['codex-agent-author', { text: 'Fix login', authorEmail: 'codex@openai.com' }],
    ['amp-co-author', { text: 'Fix login\n\nAmp-Thread-ID: https://ampcode.com/threads/T-1' }],
    ['ai-label', { text: 'Fix login', labels: ['bug', 'Claude-Code-Assisted'] }],
    ['pr-ai-commit', { text: 'Fix login', aiCommitsOnBranch: true }],
    ['reported', { reported: true }],
    ['agent-branch', { text: 'Fix login', branch: 'copilot/fix-login' }],
    ['session-window', { text: 'Fix login', sessionLink: 'window' }],
    ['claude-code-telemetry', { text: 'Fix login', agentCommitsNearby: true }],
  ];

  it('has a test case for every rule in the table', () => {
    expect(cases.map((c) => c[0]).sort()).toEqual(AI_MARKER_RULES.map((r) => r.id).sort());
  });

  for (const [id, evidence] of cases) {
    it(`recognises ${id}`, () => {
      expect(markers(evidence)).toEqual([id]);
      expect(detectAiMarkers(evidence).aiAssisted).toBe(true);
    });
  }
});

describe('detectAiMarkers', () => {
  it('marks nothing for a plain human commit', () => {
    const d = detectAiMarkers({ text: 'Fix login\n\nCo-authored-by: Grace Hopper <grace@acme.com>', authorEmail: 'ada@acme.com', branch: 'main' });
    expect(d).toEqual({ aiAssisted: false, markers: [] });
  });

  it('does not take a human called Claude for the assistant', () => {
    expect(markers({ text: 'Paint\n\nCo-authored-by: Claude Monet <claude@monet.fr>' })).toEqual([]);
  });

  it('matches trailer keys in any case and lists every marker in table order', () => {
    const text = 'x\n\nco-authored-by: claude <noreply@anthropic.com>\nMADE-WITH: cursor\nclaude-session: abc123';
    expect(markers({ text })).toEqual(['claude-co-author', 'claude-session', 'cursor-made-with']);
  });

  it('only takes a trailer at the start of a line', () => {
    expect(markers({ text: 'Explain why Made-with: Cursor is not a trailer here' })).toEqual([]);
  });

  it('recognises the Copilot agent as a PR author login and the Cursor PR footer', () => {
    expect(markers({ authorLogin: 'Copilot' })).toEqual(['copilot-agent-author']);
    expect(markers({ text: 'Body\n\nMade with [Cursor](https://cursor.com)' })).toEqual(['cursor-made-with']);
  });

  it('labels the inferred rules low confidence and the written ones high', () => {
    expect(markerConfidence('claude-co-author')).toBe('high');
    expect(markerConfidence('claude-code-telemetry')).toBe('low');
    expect(markerConfidence('session-window')).toBe('low');
    expect(markerConfidence('no-such-rule')).toBeUndefined();
  });

  it('stores markers as a comma list, or null', () => {
    expect(markersColumn(['a', 'b'])).toBe('a,b');
    expect(markersColumn([])).toBeNull();
  });
});

describe('parseClaudeSession', () => {
  it('takes the id out of the session URL', () => {
    expect(parseClaudeSession('Fix\n\nClaude-Session: https://claude.ai/code/session_01HkQ7abc')).toBe('01HkQ7abc');
  });
  it('accepts a bare id, with or without the session_ prefix', () => {
    expect(parseClaudeSession('Fix\n\nClaude-Session: 5f0c6b1e-9d7a-4c1b-8e2f-3a4b5c6d7e8f')).toBe(
      '5f0c6b1e-9d7a-4c1b-8e2f-3a4b5c6d7e8f',
    );
    expect(parseClaudeSession('Fix\n\nclaude-session: session_01XY')).toBe('01XY');
  });
  it('finds nothing without the trailer, or with a URL of another shape', () => {
    expect(parseClaudeSession('Fix login')).toBeUndefined();
    expect(parseClaudeSession(null)).toBeUndefined();
    expect(parseClaudeSession('Fix\n\nClaude-Session: https://example.com/not/a/session/x?y')).toBeUndefined();
  });
});
