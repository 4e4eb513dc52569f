// The bot scopes manifest.yml asks for (test/manifest.test.ts keeps the two the same). `aispend doctor`
// compares them with the scopes Slack says the installed token has: a scope added to the manifest
// needs the app reinstalled before the token carries it.
export const BOT_SCOPES: readonly string[] = [
  'commands',
  'chat:write',
  'files:write',
  'files:read',
  'users:read',
  'users:read.email',
  'im:write',
  'im:history',
  'channels:history',
  'groups:history',
];
