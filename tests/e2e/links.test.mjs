// Links that do not lead to a call show their own screens.
import { test } from 'node:test';
import { BASE, launch, person, agentStartsCall, visible, statusIs, tid } from './lib.mjs';

test('an unknown link says so', async () => {
  const browser = await launch();
  try {
    const { page } = await person(browser);
    await page.goto(`${BASE}/c/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA?lang=en`);
    await visible(page, 'link-not-found');
  } finally {
    await browser.close();
  }
});

test('the link of an ended call is expired', async () => {
  const browser = await launch();
  try {
    const agent = await person(browser);
    const url = await agentStartsCall(agent.page);
    await agent.page.click(tid('end-call'));
    await statusIs(agent.page, 'ended');
    const client = await person(browser);
    await client.page.goto(`${url}?lang=en`);
    await visible(client.page, 'link-expired');
  } finally {
    await browser.close();
  }
});

test('the client page speaks Russian to a Russian browser', async () => {
  const browser = await launch();
  try {
    const agent = await person(browser);
    const url = await agentStartsCall(agent.page);
    const client = await person(browser, { locale: 'ru-RU' });
    await client.page.goto(url);
    await client.page.waitForSelector(tid('join'));
    const lang = await client.page.evaluate(() => document.documentElement.lang);
    if (lang !== 'ru') throw new Error(`page language ${lang}`);
    const label = await client.page.textContent(tid('join'));
    if (!/[А-Яа-яЁё]/.test(label ?? '')) throw new Error(`join button not in Russian: ${label}`);
  } finally {
    await browser.close();
  }
});

test('a browser without WebRTC is told so', async () => {
  const browser = await launch();
  try {
    const agent = await person(browser);
    const url = await agentStartsCall(agent.page);
    const client = await person(browser);
    await client.page.addInitScript(() => {
      delete window.RTCPeerConnection;
      delete window.webkitRTCPeerConnection;
    });
    await client.page.goto(`${url}?lang=en`);
    await visible(client.page, 'webrtc-unsupported');
  } finally {
    await browser.close();
  }
});

test('a denied camera gets its own screen', async () => {
  // No automatic "allow": the permission prompt is refused.
  const browser = await launch([], { fakeUi: false });
  try {
    const agentBrowser = await launch();
    const agent = await person(agentBrowser);
    const url = await agentStartsCall(agent.page);
    const client = await person(browser, { permissions: [] });
    await client.page.goto(`${url}?lang=en`);
    await visible(client.page, 'camera-denied');
    await agentBrowser.close();
  } finally {
    await browser.close();
  }
});
