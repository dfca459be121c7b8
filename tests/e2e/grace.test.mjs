// Run against a platform whose media grace period is VC_GRACE_SECS seconds.
import { test } from 'node:test';
import { launch, person, agentStartsCall, clientJoins, statusIs, receivesVideo } from './lib.mjs';

test('a client that leaves and does not come back fails the call after the grace period', async () => {
  const grace = Number(process.env.VC_GRACE_SECS ?? '3');
  const browser = await launch();
  try {
    const agent = await person(browser);
    const client = await person(browser);
    const url = await agentStartsCall(agent.page);
    await clientJoins(client.page, url);
    await statusIs(agent.page, 'active', 20000);
    await receivesVideo(agent.page);
    // The client's phone dies: no goodbye, no reload.
    await client.context.close();
    await statusIs(agent.page, 'failed', (grace + 15) * 1000);
  } finally {
    await browser.close();
  }
});
