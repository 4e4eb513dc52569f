import { describe, expect, it } from 'vitest';
import { billingSourceOf, priceProviderOf, reconciledProvider } from '../../src/domain/billing-source.js';
import { priceTokens } from '../../src/domain/pricing.js';

describe('billing source of a usage row', () => {
  it('recognises Bedrock and Vertex model ids whatever the provider says', () => {
    expect(billingSourceOf('anthropic', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe('bedrock');
    expect(billingSourceOf('anthropic', 'anthropic.claude-haiku-4-5-20251001-v1:0')).toBe('bedrock');
    expect(billingSourceOf('anthropic', 'global.anthropic.claude-opus-4-5-v1:0')).toBe('bedrock');
    expect(billingSourceOf('anthropic', 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc')).toBe('bedrock');
    expect(billingSourceOf('anthropic', 'claude-sonnet-4-5@20250929')).toBe('vertex');
    expect(billingSourceOf('anthropic', 'claude-sonnet-4-5-20250929')).toBe('anthropic_api');
    expect(billingSourceOf('openai', 'gpt-5')).toBe('openai_api');
  });

  it('a subscription plan labels Claude Code usage, not cloud usage; other providers keep their name', () => {
    expect(billingSourceOf('anthropic', 'claude-sonnet-4-5', 'subscription')).toBe('subscription');
    expect(billingSourceOf('anthropic', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'subscription')).toBe('bedrock');
    expect(billingSourceOf('bedrock', 'claude-3-haiku')).toBe('bedrock');
    expect(billingSourceOf('cursor', 'claude-4-sonnet')).toBe('cursor');
  });

  it('only the polled APIs are reconciled with a bill', () => {
    expect(reconciledProvider('anthropic_api')).toBe('anthropic');
    expect(reconciledProvider('openai_api')).toBe('openai');
    for (const s of ['bedrock', 'vertex', 'subscription', 'cursor']) expect(reconciledProvider(s)).toBeUndefined();
  });

  it('Bedrock and Vertex are priced under their cloud by the price library', () => {
    const t = { input: 1_000_000, output: 1_000_000, cacheRead: 0, cacheWrite: 0 };
    const at = Date.parse('2026-11-20T00:00:00Z');
    const api = priceTokens('anthropic', 'claude-sonnet-4-5-20250929', t, { at, perRequest: false });
    const bedrock = priceTokens(priceProviderOf('bedrock', 'anthropic'), 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', t, { at, perRequest: false });
    const vertex = priceTokens(priceProviderOf('vertex', 'anthropic'), 'claude-sonnet-4-5@20250929', t, { at, perRequest: false });
    // Sonnet 4.5: $3 input + $15 output per million; Bedrock's regional endpoints list 10% more
    expect(api).toMatchObject({ costUsd: 18, priced: true });
    expect(bedrock.costUsd).toBeCloseTo(19.8, 9);
    expect(bedrock.modelId).toBe('regional.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(vertex).toMatchObject({ costUsd: 18, priced: true });
  });
});
