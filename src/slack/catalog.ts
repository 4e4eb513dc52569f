// Usage of every /aispend subcommand (DESIGN.md section 2). Help and "did you mean" read this list; docs/commands.md describes it.
export interface CatalogEntry {
  name: string;
  usage: string;
  summary: string;
  admin?: boolean;
}

export const catalog: CatalogEntry[] = [
  { name: 'summary', usage: 'summary [team] [week|month|sprint]', summary: 'Spend vs delivered stories, cost per story, trend' },
  { name: 'me', usage: 'me', summary: 'Your sessions, spend, delivered stories and loop alerts' },
  { name: 'budget', usage: 'budget [team] | budget history [team]', summary: 'Month-to-date spend against budget, forecast, requests' },
  { name: 'request', usage: 'request <amount> <reason…> [team:<name>] | request cancel <id>', summary: 'Ask for a budget increase for your team' },
  { name: 'sessions', usage: 'sessions [looping] [me|team]', summary: 'Recent agent sessions with spend, commits and loop alerts' },
  { name: 'models', usage: 'models [team]', summary: 'Model mix and what cheaper routing would save' },
  { name: 'digest', usage: 'digest [team] | digest post [team]', summary: "Preview this week's digest privately; admins can post it" },
  {
    name: 'quality',
    usage: 'quality [team] [week|month]',
    summary: 'Reverts, reopened stories, CI first pass, reviews, tests touched and rework spend: AI-assisted work beside the rest',
  },
  { name: 'help', usage: 'help', summary: 'This list' },
  {
    name: 'admin',
    usage:
      'admin team create <name> <#channel> | team add <name> <@user|email>… | team remove <name> <@user|email>… | ' +
      'team approvers <name> <@user>…|none | team channel <name> <#channel> | team approvals-channel <name> <#channel>|none | team list | ' +
      'budget set <team> <amount> | link <@user> <email|jira:<accountId>> | map <workspace|project|key> <id> <team> | ' +
      'plan <@user|email>… subscription|api|auto | reconcile [anthropic|openai] [week|month] | ' +
      'loop <team> [<cost_usd> <minutes>|default] | unpriced',
    summary: 'Connect people, teams, budgets and sources (admins only)',
    admin: true,
  },
];

export const adminUsage = [
  'admin team create <name> <#channel>',
  'admin team add <name> <@user|email>…',
  'admin team remove <name> <@user|email>…',
  'admin team approvers <name> <@user>…|none',
  'admin team channel <name> <#channel>',
  'admin team approvals-channel <name> <#channel>|none',
  'admin team list',
  'admin budget set <team> <amount>',
  'admin link <@user> <email|jira:<accountId>|linear:<id>|github:<login>>',
  'admin map <workspace|project|key> <id> <team>',
  'admin map list',
  'admin plan <@user|email>… subscription|api|auto',
  'admin reconcile [anthropic|openai] [week|month]',
  'admin loop <team> [<cost_usd> <minutes>|default]',
  'admin unpriced',
];
