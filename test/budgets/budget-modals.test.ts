// The request modal (from the 100% alert or the digest): validation on the right fields, then the
// same request as the slash command, confirmed privately.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallbackIds } from '../../src/slack/ids.js';
import { requestModalView } from '../../src/budgets/budget-modals.js';
import type { TestApp } from '../helpers/test-app.js';
import {
  APPROVALS_CHANNEL,
  OUTSIDER,
  REQUESTER,
  TEAM_CHANNEL,
  auditActions,
  requests,
  seedOrg,
  startBudgetApp,
  type Org,
} from './budget-fixtures.js';

let t: TestApp;
let org: Org;
beforeEach(async () => {
  t = await startBudgetApp();
  org = seedOrg(t.db);
});
afterEach(async () => {
  await t.close();
});

function submit(user: string, values: { team?: number; amount?: string; reason?: string }, meta: object = { channelId: TEAM_CHANNEL }) {
  return t.submitView({
    user_id: user,
    callback_id: CallbackIds.budgetRequestModal,
    private_metadata: JSON.stringify(meta),
    values: {
      team: { team: { type: 'static_select', selected_option: values.team === undefined ? null : { value: String(values.team) } } },
      amount: { amount: { value: values.amount ?? null } },
      reason: { reason: { value: values.reason ?? null } },
    },
  });
}

describe('the request modal', () => {
  it('shows every problem on its field and records nothing', async () => {
    const res = await submit(REQUESTER, { team: org.platform.id, amount: 'plenty', reason: '' });
    expect(await res.json()).toEqual({
      response_action: 'errors',
      errors: {
        amount: 'Give an amount in dollars, such as 500, $500 or 1.5k.',
        reason: 'Say why the team needs more: a reason is required.',
      },
    });
    const other = await submit(OUTSIDER, { team: org.platform.id, amount: '500', reason: 'help' });
    expect(await other.json()).toEqual({
      response_action: 'errors',
      errors: { team: 'You can ask for your own team only, and you are not on platform. An admin adds you with /aispend admin team add platform <@you>.' },
    });
    const noTeam = await submit(REQUESTER, { amount: '500', reason: 'help' });
    expect(await noTeam.json()).toEqual({ response_action: 'errors', errors: { team: 'Choose a team.' } });
    expect(requests(t.db)).toEqual([]);
    expect(t.slack.callsOf('chat.postMessage')).toHaveLength(0);
  });

  it('posts the request and confirms privately in the channel of the button', async () => {
    const res = await submit(REQUESTER, { team: org.platform.id, amount: '1.5k', reason: 'Black Friday load tests' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const confirm = await t.slack.waitFor(() => t.slack.callsOf('chat.postEphemeral')[0]);
    expect(confirm.args).toMatchObject({ channel: TEAM_CHANNEL, user: REQUESTER });
    expect(String(confirm.args.text)).toMatch(
      new RegExp(`^:white_check_mark: Your request #1 for \\+\\$1,500 for platform is <https://fake\\.slack\\.com/archives/${APPROVALS_CHANNEL}/p\\d+\\|posted in <#${APPROVALS_CHANNEL}>>\\.`),
    );
    expect(requests(t.db)).toMatchObject([{ id: 1, amount_usd: 1500, reason: 'Black Friday load tests', status: 'pending', channel_id: APPROVALS_CHANNEL }]);
    expect(t.slack.messagesIn(APPROVALS_CHANNEL).filter((m) => !m.thread_ts)).toHaveLength(1);
    expect(auditActions(t.db)).toEqual(['budget.request']);
  });

  it('confirms by DM when the modal was not opened from a channel', async () => {
    await submit(REQUESTER, { team: org.platform.id, amount: '200', reason: 'more' }, {});
    const dm = await t.slack.waitFor(() => t.slack.messagesIn(`D${REQUESTER}`)[0]);
    expect(dm.text).toContain('Your request #1 for +$200 for platform is <https://fake.slack.com/archives/');
    expect(t.slack.callsOf('chat.postEphemeral')).toHaveLength(0);
  });

  it('lists at most 100 teams, keeping the chosen one', () => {
    const teams = Array.from({ length: 130 }, (_, i) => ({ id: i + 1, name: `team-${i + 1}` }));
    const view = requestModalView(teams, 120, {}, 100_000) as { blocks: Array<{ element?: { options?: unknown[]; initial_option?: { value: string } } }> };
    expect(view.blocks[0]!.element!.options).toHaveLength(100);
    expect(view.blocks[0]!.element!.initial_option).toEqual({ text: { type: 'plain_text', text: 'team-120' }, value: '120' });
  });
});
