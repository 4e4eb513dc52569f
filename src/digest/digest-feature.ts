// The weekly digest: the scheduled job (DIGEST_CRON, with a catch-up run at start), `/aispend digest`,
// and the digest's buttons.
import type { Feature } from '../feature.js';
import { registerDigestActions } from './digest-actions.js';
import { digestSubcommand } from './digest-command.js';
import { digestJob } from './digest-job.js';

export const digestFeature: Feature = {
  name: 'digest',
  subcommands: () => [digestSubcommand()],
  listeners: registerDigestActions,
  jobs: (deps) => [digestJob(deps)],
};
