// `/aispend models`: the model mix of the last 30 days (spend, share, requests, tokens) and what
// routing small-output calls on top-tier models to the cheaper model would have saved.
import { BILLING_ADJUSTMENT_MODEL, type ModelMix } from './summary.js';
import type { Period } from '../domain/time.js';
import { change, count, escapeMrkdwn, percent, tokens, usd } from '../slack/format.js';
import { code, context, header, section, type Block, type Message } from '../slack/blocks.js';
import { connectUsageText, dayRange } from './summary-blocks.js';

export interface ModelsView {
  scopeName: string;
  current: Period;
  previous: Period;
  mix: ModelMix;
  previousTotalUsd: number;
  stories: number;
  costPerStory: number | null;
  timezone: string;
}

const MODELS_SHOWN = 15;

function modelLine(m: ModelMix['models'][number]): string {
  const name = m.model === BILLING_ADJUSTMENT_MODEL ? '_billing adjustment_ (billed, not seen in telemetry)' : `*${escapeMrkdwn(m.model)}*`;
  const tok = m.inputTokens + m.outputTokens + m.cacheReadTokens + m.cacheWriteTokens;
  const parts = [
    m.unpriced ? 'unpriced' : usd(m.costUsd),
    percent(m.share),
    `${count(m.requests)} ${m.requests === 1 ? 'request' : 'requests'}`,
  ];
  if (tok > 0) parts.push(`${tokens(tok)} tokens`);
  return `${name} (${escapeMrkdwn(m.provider)}) — ${parts.join(' · ')}`;
}

export function modelsBlocks(v: ModelsView): Message {
  const { mix } = v;
  const range = dayRange(v.current.from, v.current.to);
  const title = `${v.scopeName} · models, last 30 days`;
  const foot = context(
    `${range} (today included) vs ${dayRange(v.previous.from, v.previous.to)} · days in ${v.timezone} · ` +
      'top-tier = Opus-class / GPT-5-class models; small output = under 1,000 output tokens · only you can see this',
  );
  if (mix.models.length === 0) {
    const text = `No AI usage recorded for ${v.scopeName} in the last 30 days.`;
    return { text, blocks: [header(title), section(`${escapeMrkdwn(text)}\n${connectUsageText()}`), foot] };
  }
  const n = mix.models.length;
  const spendChange = v.previousTotalUsd === 0 ? null : (mix.totalUsd - v.previousTotalUsd) / v.previousTotalUsd;
  const key =
    `*${usd(mix.totalUsd)}* across ${count(n)} ${n === 1 ? 'model' : 'models'} · ${count(mix.requests)} requests — ` +
    (spendChange === null ? 'no spend in the 30 days before' : `${change(spendChange)} vs ${usd(v.previousTotalUsd)} the 30 days before`) +
    '\n' +
    (v.stories === 0
      ? 'No stories delivered in these 30 days, so no cost per story.'
      : `${count(v.stories)} ${v.stories === 1 ? 'story' : 'stories'} delivered · *${usd(v.costPerStory)} per story*`);
  const shown = mix.models.slice(0, MODELS_SHOWN);
  const rest = mix.models.slice(MODELS_SHOWN);
  const lines = shown.map(modelLine);
  if (rest.length > 0) {
    lines.push(`…and ${rest.length} more (${usd(rest.reduce((a, m) => a + m.costUsd, 0))})`);
  }
  const blocks: Block[] = [header(title), section(key), section(lines.join('\n'))];
  const fit = mix.fit;
  if (fit.requests === 0) {
    blocks.push(section('*Model fit:* no small-output calls went to top-tier models, so cheaper routing would not save anything here.'));
  } else {
    const perModel = mix.models
      .filter((m) => m.fitRequests > 0)
      .slice(0, 5)
      .map(
        (m) =>
          `• ${escapeMrkdwn(m.model)}${m.alternative ? ` → ${escapeMrkdwn(m.alternative)}` : ''}: ` +
          `${count(m.fitRequests)} ${m.fitRequests === 1 ? 'call' : 'calls'}, ${usd(m.fitSavingsUsd)} to save`,
      );
    blocks.push(
      section(
        `*Model fit:* ${count(fit.requests)} small-output ${fit.requests === 1 ? 'call' : 'calls'} went to top-tier models and cost ${usd(fit.costUsd)}. ` +
          `On the provider's cheaper model (Sonnet for Opus, -mini for GPT) they would have cost ${usd(fit.altCostUsd)}: ` +
          `routing them would have saved *${usd(fit.savingsUsd)}* (${percent(mix.totalUsd > 0 ? fit.savingsUsd / mix.totalUsd : null)} of spend).\n` +
          perModel.join('\n'),
      ),
    );
  }
  if (mix.unpriced.length > 0) {
    const names = mix.unpriced.slice(0, 10).map((m) => `\`${escapeMrkdwn(m.model)}\``);
    blocks.push(
      context(
        `:warning: No price known for ${names.join(', ')}${mix.unpriced.length > 10 ? ` and ${mix.unpriced.length - 10} more` : ''}: ` +
          `their tokens are kept and their cost counts as $0 until a price is known. Admins: ${code('/aispend admin unpriced')}.`,
      ),
    );
  }
  blocks.push(foot);
  const top = mix.models[0]!;
  const text =
    `${v.scopeName}, last 30 days: ${usd(mix.totalUsd)} across ${n} models (top: ${top.model} ${percent(top.share)})` +
    (fit.requests > 0 ? `; cheaper routing would have saved ${usd(fit.savingsUsd)}` : '');
  return { text, blocks };
}
