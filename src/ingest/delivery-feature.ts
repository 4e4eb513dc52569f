// Delivery ingest: GitHub, Jira and Linear webhooks and generic delivery events.
import type { Feature } from '../feature.js';
import { genericDeliveryRoute } from './delivery/delivery-route.js';
import { githubRoute } from './github/github-route.js';
import { jiraRoute } from './jira/jira-route.js';
import { linearRoute } from './linear/linear-route.js';

export const deliveryFeature: Feature = {
  name: 'delivery',
  routes: () => [githubRoute(), jiraRoute(), linearRoute(), genericDeliveryRoute()],
};
