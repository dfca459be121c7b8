// The first real call, as people make it: agent console and client page in
// two browser contexts, through the real platform and media gateway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, person, agentStartsCall, clientJoins, statusIs, receivesVideo, framesIn, receivesAudio,
  visible, hidden, tid,
} from './lib.mjs';

test('a two-way call: video and audio both ways, mute seen, reload resumes, agent ends', async () => {
  const browser = await launch();
  try {
    const agent = await person(browser);
    const client = await person(browser);
    const url = await agentStartsCall(agent.page, { mode: 'two_way' });
    await statusIs(agent.page, 'created');

    await clientJoins(client.page, url);
    await statusIs(agent.page, 'active', 20000);
    await statusIs(client.page, 'active', 20000);

    // Both decode the other's video and hear the other's audio.
    assert.ok(await receivesVideo(agent.page) >= 5);
    assert.ok(await receivesVideo(client.page) >= 5);
    await receivesAudio(agent.page);
    await receivesAudio(client.page);

    // A loopback call is a good connection, and the agent's indicator says so.
    await agent.page.waitForFunction(
      (sel) => document.querySelector(sel)?.dataset.level === 'good',
      tid('network-quality'),
      { timeout: 15000 },
    );

    // The agent mutes: the client sees it; unmute: the sign goes away.
    await hidden(client.page, 'remote-audio-muted');
    await agent.page.click(tid('toggle-mic'));
    await visible(client.page, 'remote-audio-muted');
    await agent.page.click(tid('toggle-mic'));
    await hidden(client.page, 'remote-audio-muted');

    // The client reloads mid-call: it comes back into the same call.
    await client.page.reload();
    await statusIs(client.page, 'active', 20000);
    assert.ok(await receivesVideo(client.page) >= 5, 'client sees the agent again');
    assert.ok(await receivesVideo(agent.page) >= 5, 'agent sees the client again');
    await statusIs(agent.page, 'active');

    // The agent ends; the client page shows it.
    await agent.page.click(tid('end-call'));
    await visible(client.page, 'call-ended', 15000);
    await statusIs(agent.page, 'ended');
  } finally {
    await browser.close();
  }
});

test('one-way video: the agent sends none, the client still does', async () => {
  const browser = await launch();
  try {
    const agent = await person(browser);
    const client = await person(browser);
    const url = await agentStartsCall(agent.page, { mode: 'one_way' });
    await clientJoins(client.page, url);
    await statusIs(agent.page, 'active', 20000);
    assert.ok(await receivesVideo(agent.page) >= 5, 'the agent sees the client');
    await receivesAudio(client.page);
    const frames = await framesIn(client.page, tid('remote-video'), 3000);
    assert.equal(frames, 0, 'no agent video reaches the client');
  } finally {
    await browser.close();
  }
});
