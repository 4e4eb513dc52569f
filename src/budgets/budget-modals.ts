// Budget modals: ask for an increase (amount, reason, team), approve another amount, deny with a
// reason. Submissions are validated before ack, so mistakes and refusals show on the right field.
import type { App, webApi } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { budgetRepo } from '../db/repos/budget-repo.js';
import { orgRepo } from '../db/repos/org-repo.js';
import { MAX_REASON_CHARS } from './budget-policy.js';
import { decide, decisionRefusal } from './decisions.js';
import { confirmByDm, planRequest, RequestRefusal, submitWithConfirmation, type RequestPlan } from './requests.js';
import { clip, usd } from '../slack/format.js';
import { resolveCaller } from '../slack/caller.js';
import { parseAmount } from '../slack/parse.js';
import { CallbackIds } from '../slack/ids.js';
import { drainOutbox } from '../slack/outbox.js';

type View = Record<string, unknown>;
type StateValues = Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null }>>;

const plain = (text: string) => ({ type: 'plain_text', text });

function textInput(blockId: string, label: string, opts: { initial?: string; placeholder?: string; multiline?: boolean; max?: number; optional?: boolean; hint?: string }) {
  return {
    type: 'input',
    block_id: blockId,
    optional: opts.optional ?? false,
    label: plain(label),
    ...(opts.hint ? { hint: plain(opts.hint) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: blockId,
      multiline: opts.multiline ?? false,
      ...(opts.max ? { max_length: opts.max } : {}),
      ...(opts.initial ? { initial_value: opts.initial } : {}),
      ...(opts.placeholder ? { placeholder: plain(opts.placeholder) } : {}),
    },
  };
}

export interface RequestModalMeta {
  /** where the button was clicked, for the confirmation */
  channelId?: string;
}

/** the request modal: team, amount, reason */
export function requestModalView(teams: Array<{ id: number; name: string }>, selectedTeamId: number | undefined, meta: RequestModalMeta, maxUsd: number): View {
  if (teams.length === 0) {
    return {
      type: 'modal',
      callback_id: CallbackIds.budgetRequestModal,
      title: plain('Request budget increase'),
      close: plain('Close'),
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'There are no teams yet. An admin creates them with `/aispend admin team create <name> <#channel>`.' } },
      ],
    };
  }
  // selects hold 100 options: keep the selected team among them
  const ordered = [...teams.filter((t) => t.id === selectedTeamId), ...teams.filter((t) => t.id !== selectedTeamId)].slice(0, 100);
  const option = (t: { id: number; name: string }) => ({ text: plain(clip(t.name, 75)), value: String(t.id) });
  const selected = ordered.find((t) => t.id === selectedTeamId);
  return {
    type: 'modal',
    callback_id: CallbackIds.budgetRequestModal,
    private_metadata: JSON.stringify(meta),
    title: plain('Request budget increase'),
    submit: plain('Send request'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: 'team',
        label: plain('Team'),
        element: {
          type: 'static_select',
          action_id: 'team',
          placeholder: plain('Choose a team'),
          options: ordered.map(option),
          ...(selected ? { initial_option: option(selected) } : {}),
        },
      },
      textInput('amount', 'Amount (USD)', { placeholder: 'e.g. 500, $1,200 or 1.5k', hint: `More than $0, at most ${usd(maxUsd)}.` }),
      textInput('reason', 'Why does the team need more?', {
        multiline: true,
        max: MAX_REASON_CHARS,
        placeholder: 'What it is for, and what it will deliver',
      }),
    ],
  };
}

export function approveAmountModalView(r: { id: number; amount_usd: number }, teamName: string): View {
  return {
    type: 'modal',
    callback_id: CallbackIds.approveAmountModal,
    private_metadata: JSON.stringify({ requestId: r.id }),
    title: plain('Approve another amount'),
    submit: plain('Approve'),
    close: plain('Cancel'),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `Request #${r.id} asks for *${usd(r.amount_usd)}* for ${teamName}.` } },
      textInput('amount', 'Amount to approve (USD)', { initial: String(r.amount_usd), placeholder: 'e.g. 300 or 1.5k' }),
      textInput('note', 'Note (optional)', { multiline: true, max: MAX_REASON_CHARS, optional: true }),
    ],
  };
}

export function denyModalView(r: { id: number; amount_usd: number }, teamName: string): View {
  return {
    type: 'modal',
    callback_id: CallbackIds.denyReasonModal,
    private_metadata: JSON.stringify({ requestId: r.id }),
    title: plain('Deny request'),
    submit: plain('Deny'),
    close: plain('Cancel'),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `Request #${r.id} asks for *${usd(r.amount_usd)}* for ${teamName}. The requester will see your reason.` } },
      textInput('reason', 'Reason', { multiline: true, max: MAX_REASON_CHARS, placeholder: 'Why not, and what would change your mind' }),
    ],
  };
}

/**
 * Opens the request modal (the 100% alert's and the digest's *Request increase* buttons).
 * `teamId` preselects a team; else the user's own team when `opts.userId` is given.
 */
export async function openRequestModal(
  client: webApi.WebClient,
  triggerId: string,
  deps: Deps,
  teamId?: number,
  opts: { userId?: string; channelId?: string } = {},
): Promise<void> {
  const org = orgRepo(deps.db);
  const selected = teamId ?? (opts.userId ? (org.personBySlack(opts.userId)?.team_id ?? undefined) : undefined);
  const view = requestModalView(org.teams(), selected, { channelId: opts.channelId }, deps.config.budget.maxRequestUsd);
  await client.views.open({ trigger_id: triggerId, view: view as never });
}

function parseMeta<T>(raw: string | undefined): Partial<T> {
  try {
    return raw ? (JSON.parse(raw) as Partial<T>) : {};
  } catch {
    return {};
  }
}

/** how long a modal submission waits for users.info before answering without it */
const CALLER_LOOKUP_WAIT_MS = 1_500;

const valueOf = (values: StateValues, block: string) => values[block]?.[block]?.value ?? undefined;

export function registerBudgetViews(app: App, deps: Deps): void {
  app.view(CallbackIds.budgetRequestModal, async ({ ack, view, body, client }) => {
    const values = view.state.values as unknown as StateValues;
    const userId = body.user.id;
    const teamId = Number(values.team?.team?.selected_option?.value);
    const amountText = valueOf(values, 'amount') ?? '';
    const isAdmin = deps.config.admins.includes(userId);
    // know the person (first time: from their Slack email) before checking membership; a slow Slack
    // must not make the submission miss its 3 s, so the lookup gets part of them (and then lands later)
    await Promise.race([
      resolveCaller({ deps, userId, isAdmin, client }),
      new Promise((resolve) => setTimeout(resolve, CALLER_LOOKUP_WAIT_MS).unref()),
    ]);
    let plan: RequestPlan;
    try {
      if (!Number.isInteger(teamId) || teamId <= 0) throw new RequestRefusal({ team: 'Choose a team.' });
      plan = planRequest(deps, {
        teamId,
        requester: userId,
        isAdmin,
        amountUsd: parseAmount(amountText),
        reason: valueOf(values, 'reason'),
      });
    } catch (e) {
      if (e instanceof RequestRefusal) {
        await ack({ response_action: 'errors', errors: toPlain(e.issues) });
        return;
      }
      throw e;
    }
    await ack();
    const meta = parseMeta<RequestModalMeta>(view.private_metadata);
    try {
      await submitAndConfirm(deps, client, plan, userId, meta);
    } catch (e) {
      // the modal is closed already: say so privately rather than fail in silence
      deps.logger.error('budget request from the modal failed', { err: e, user: userId });
      await client.chat
        .postMessage({ channel: userId, text: 'Sorry, your budget request could not be recorded. Please try again, or use `/aispend request`.' })
        .catch(() => undefined);
    }
  });

  app.view(CallbackIds.approveAmountModal, async ({ ack, view, body }) => {
    const values = view.state.values as unknown as StateValues;
    const { requestId } = parseMeta<{ requestId: number }>(view.private_metadata);
    const amountText = (valueOf(values, 'amount') ?? '').trim();
    const amount = parseAmount(amountText);
    if (amount === undefined) {
      await ack({ response_action: 'errors', errors: { amount: 'Give an amount in dollars, such as 300, $300 or 1.5k.' } });
      return;
    }
    const result = decide(deps, {
      requestId: Number(requestId),
      actor: body.user.id,
      outcome: 'approve',
      amountUsd: amount,
      note: valueOf(values, 'note') ?? undefined,
    });
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: { [result.field ?? 'amount']: result.plain.slice(0, 2000) } });
      return;
    }
    await ack();
    await drainOutbox(deps);
  });

  app.view(CallbackIds.denyReasonModal, async ({ ack, view, body }) => {
    const values = view.state.values as unknown as StateValues;
    const { requestId } = parseMeta<{ requestId: number }>(view.private_metadata);
    const result = decide(deps, {
      requestId: Number(requestId),
      actor: body.user.id,
      outcome: 'deny',
      note: valueOf(values, 'reason') ?? undefined,
    });
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: { reason: result.plain.slice(0, 2000) } });
      return;
    }
    await ack();
    await drainOutbox(deps);
  });
}

async function submitAndConfirm(
  deps: Deps,
  client: webApi.WebClient,
  plan: RequestPlan,
  userId: string,
  meta: Partial<RequestModalMeta>,
): Promise<void> {
  const { requestId, message } = await submitWithConfirmation(deps, plan);
  // the modal has no response_url: the confirmation goes privately where the button was, else by DM
  if (meta.channelId) {
    try {
      await client.chat.postEphemeral({ channel: meta.channelId, user: userId, text: message.text, blocks: message.blocks as never });
      return;
    } catch (e) {
      deps.logger.warn('request confirmation: postEphemeral failed; sending a DM', { err: e });
    }
  }
  await confirmByDm(deps, requestId, userId, message);
}

function toPlain(issues: Partial<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(issues)) if (v) out[k] = v.replace(/`/g, '').slice(0, 2000);
  return out;
}

/** Opens the approve-amount or deny modal for an approver; returns a refusal message instead when they may not decide. */
export async function openDecisionModal(
  client: webApi.WebClient,
  triggerId: string,
  deps: Deps,
  input: { requestId: number; actor: string; kind: 'amount' | 'deny' },
): Promise<string | undefined> {
  const r = budgetRepo(deps.db).byId(input.requestId);
  const refusal = decisionRefusal(deps, r, input.actor);
  if (refusal) return refusal.message;
  const teamName = orgRepo(deps.db).teamById(r!.team_id)?.name ?? 'the team';
  const view = input.kind === 'amount' ? approveAmountModalView(r!, teamName) : denyModalView(r!, teamName);
  await client.views.open({ trigger_id: triggerId, view: view as never });
  return undefined;
}
