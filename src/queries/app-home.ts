// App Home: on `app_home_opened` (tab 'home') and on the Refresh button, publish the viewer's
// dashboard with views.publish. Someone aispend cannot match to a person gets a welcome view.
import type { App } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { ActionIds } from '../slack/ids.js';
import { publishHome } from './query-service.js';

export function registerAppHome(app: App, deps: Deps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    try {
      await publishHome(deps, client, event.user);
    } catch (e) {
      deps.logger.error('app home publish failed', { user: event.user, err: e });
    }
  });
  app.action(ActionIds.homeRefresh, async ({ ack, body, client }) => {
    await ack();
    try {
      await publishHome(deps, client, body.user.id);
    } catch (e) {
      deps.logger.error('app home refresh failed', { user: body.user.id, err: e });
    }
  });
}
