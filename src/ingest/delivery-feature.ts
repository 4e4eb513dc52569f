// Delivery ingest: GitHub, Jira and Linear webhooks and generic delivery events. After usage arrives,
// the rework spend of the sessions it touched follows (docs/quality.md "Rework spend").
import type { Feature } from '../feature.js';
import { genericDeliveryRoute } from './delivery/delivery-route.js';
import { refreshReworkOf } from './delivery/quality-writer.js';
import { githubRoute } from './github/github-route.js';
import { jiraRoute } from './jira/jira-route.js';
import { linearRoute } from './linear/linear-route.js';

export const deliveryFeature: Feature = {
  name: 'delivery',
  routes: () => [githubRoute(), jiraRoute(), linearRoute(), genericDeliveryRoute()],
  init(deps) {
    deps.afterIngest.push((effects) => {
      if (effects.sessionIds.length > 0) refreshReworkOf(deps, effects.sessionIds);
    });
  },
};
