import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { FIT_MAX_OUTPUT_TOKENS, fitAlternative, modelFitAltCost, normalizeModel, priceTokens } from '../../src/domain/pricing.js';

const AT = Date.parse('2026-11-20T09:00:00Z');
const one = { at: AT, perRequest: true };

describe('priceTokens', () => {
  it('prices uncached input, cache reads, cache writes and output each at its own rate', () => {
    // Sonnet 4.5: $3 in, $0.30 cache read, $3.75 cache write (5 min), $15 out per Mtok
    const p = priceTokens('anthropic', 'claude-sonnet-4-5-20250929', { input: 1523, output: 412, cacheRead: 20_480, cacheWrite: 3_072 }, one);
    expect(p.priced).toBe(true);
    expect(p.modelId).toBe('claude-sonnet-4-5');
    expect(p.costUsd).toBeCloseTo(1523 * 3e-6 + 412 * 15e-6 + 20_480 * 0.3e-6 + 3_072 * 3.75e-6, 12);
  });

  it('matches the library exactly for many token mixes (the rate card is derived from it)', () => {
    for (const [provider, model] of [
      ['anthropic', 'claude-opus-4-1'],
      ['anthropic', 'claude-haiku-4-5'],
      ['openai', 'gpt-4o'],
      ['openai', 'gpt-5-mini'],
    ] as const) {
      for (const [input, cacheRead, cacheWrite, output] of [
        [0, 0, 0, 1],
        [1_000, 0, 0, 0],
        [12_345, 67_890, 1_111, 2_222],
        [150_000, 40_000, 9_000, 30_000],
      ] as const) {
        const ours = priceTokens(provider, model, { input, output, cacheRead, cacheWrite }, one).costUsd;
        const lib = calcPrice(
          { input_tokens: input + cacheRead + cacheWrite, cache_read_tokens: cacheRead, cache_write_tokens: cacheWrite, output_tokens: output },
          model,
          { providerId: provider, timestamp: new Date(AT) },
        )!.total_price;
        expect(ours).toBeCloseTo(lib, 12);
      }
    }
  });

  it('prices 1-hour cache writes at their own rate', () => {
    // Opus 4.1: 5-minute write $18.75, 1-hour write $30 per Mtok
    const p = priceTokens('anthropic', 'claude-opus-4-1', { input: 0, output: 0, cacheRead: 0, cacheWrite: 3_000_000, cacheWrite1h: 1_000_000 }, { at: AT, perRequest: false });
    expect(p.costUsd).toBeCloseTo(2 * 18.75 + 30, 9);
  });

  it('applies the long-context tier to one large request, but not to a sum of small ones', () => {
    const tokens = { input: 250_000, output: 1_000, cacheRead: 0, cacheWrite: 0 };
    // Sonnet 4.5 over 200k input: $6 in, $22.50 out
    expect(priceTokens('anthropic', 'claude-sonnet-4-5', tokens, one).costUsd).toBeCloseTo(250_000 * 6e-6 + 1_000 * 22.5e-6, 12);
    expect(priceTokens('anthropic', 'claude-sonnet-4-5', tokens, { at: AT, perRequest: false }).costUsd).toBeCloseTo(250_000 * 3e-6 + 1_000 * 15e-6, 12);
  });

  it('follows prices that changed over time (o3 before and after its price cut)', () => {
    const t = { input: 1_000_000, output: 0, cacheRead: 0, cacheWrite: 0 };
    expect(priceTokens('openai', 'o3', t, { at: Date.parse('2025-05-01T00:00:00Z'), perRequest: false }).costUsd).toBeCloseTo(10, 9);
    expect(priceTokens('openai', 'o3', t, { at: AT, perRequest: false }).costUsd).toBeCloseTo(2, 9);
  });

  it('flags an unknown model as unpriced instead of pricing it at zero silently', () => {
    expect(priceTokens('anthropic', 'claude-experimental-9', { input: 10, output: 10, cacheRead: 0, cacheWrite: 0 }, one)).toEqual({ costUsd: 0, priced: false });
  });

  it('prices a provider the library does not know by its model name, and Bedrock-style names', () => {
    expect(priceTokens('cursor', 'gpt-4o', { input: 1_000_000, output: 0, cacheRead: 0, cacheWrite: 0 }, one).costUsd).toBeCloseTo(2.5, 9);
    expect(normalizeModel('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe('claude-sonnet-4-5-20250929-v1:0');
    expect(priceTokens('anthropic', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', { input: 100_000, output: 0, cacheRead: 0, cacheWrite: 0 }, one).costUsd).toBeCloseTo(0.3, 9);
  });
});

describe('model fit', () => {
  it('maps top-tier models to the cheaper model of the same generation', () => {
    expect(fitAlternative('claude-opus-4-1-20250805')).toEqual({ provider: 'anthropic', model: 'claude-sonnet-4-0' });
    expect(fitAlternative('claude-opus-4-20250514')).toEqual({ provider: 'anthropic', model: 'claude-sonnet-4-0' });
    expect(fitAlternative('claude-opus-4-5')).toEqual({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(fitAlternative('claude-opus-4-8')).toEqual({ provider: 'anthropic', model: 'claude-sonnet-4-6' });
    expect(fitAlternative('claude-4-opus')).toEqual({ provider: 'anthropic', model: 'claude-sonnet-4-0' });
    expect(fitAlternative('gpt-5-2025-08-07')).toEqual({ provider: 'openai', model: 'gpt-5-mini' });
    expect(fitAlternative('gpt-5.4')).toEqual({ provider: 'openai', model: 'gpt-5.4-mini' });
    expect(fitAlternative('gpt-4.1')).toEqual({ provider: 'openai', model: 'gpt-4.1-mini' });
    expect(fitAlternative('gpt-4o-2024-08-06')).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(fitAlternative('o3')).toEqual({ provider: 'openai', model: 'o3-mini' });
    for (const cheap of ['claude-sonnet-4-5', 'claude-haiku-4-5', 'gpt-5-mini', 'gpt-4o-mini', 'o3-mini', 'gpt-4.1-nano']) {
      expect(fitAlternative(cheap)).toBeUndefined();
    }
  });

  it('prices the alternative for a single call with a small answer only', () => {
    const tokens = { input: 2_000, output: 300, cacheRead: 0, cacheWrite: 0 };
    expect(modelFitAltCost({ model: 'claude-opus-4-1', requests: 1, tokens, at: AT })).toBeCloseTo(2_000 * 3e-6 + 300 * 15e-6, 12);
    expect(modelFitAltCost({ model: 'claude-opus-4-1', requests: 1, tokens: { ...tokens, output: FIT_MAX_OUTPUT_TOKENS }, at: AT })).toBeNull();
    expect(modelFitAltCost({ model: 'claude-opus-4-1', requests: 0, tokens, at: AT })).toBeNull();
    expect(modelFitAltCost({ model: 'claude-sonnet-4-5', requests: 1, tokens, at: AT })).toBeNull();
  });
});
