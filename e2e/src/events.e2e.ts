import { type SpawnedServer, spawnServer } from '@onair/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from './browser.ts';
import { clientFor } from './creator.ts';

const CREATOR_ZONE = 'Europe/Paris';
const FAN_ZONE = 'America/New_York';

/** Signs `handle` up and opens a signed-in page in a browser set to `timezoneId`. */
async function signedInPage(
  browser: Browser,
  server: SpawnedServer,
  handle: string,
  timezoneId: string,
  viewport: { width: number; height: number },
): Promise<Page> {
  const res = await fetch(`${server.url}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ handle, password: 'password123' }),
  });
  const cookie = /onair_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  if (!cookie) throw new Error(`signup of ${handle} failed: ${res.status}`);
  const context = await browser.newContext({ viewport, timezoneId });
  await context.addCookies([{ name: 'onair_session', value: cookie, url: server.url }]);
  return context.newPage();
}

/** `2026-12-07T16:30`: what a datetime-local input holds, `ms` from now in a zone. */
function localIn(ms: number, zone: string): string {
  const parts: Record<string, string> = {};
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  for (const p of f.formatToParts(new Date(Date.now() + ms))) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/**
 * A scheduled LIVE end to end: the creator schedules it in the Studio (Paris time), a fan in New
 * York finds it on the profile, asks to be reminded and then sees it first in the feed's Upcoming
 * strip; the creator sees the RSVP count; the server's clock moves to ten minutes before the start
 * and the worker's reminder job reaches the fan's open page as a notification.
 */
describe('scheduled LIVE events in the browser', () => {
  let server: SpawnedServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await spawnServer({ TEST_CLOCK: 'on', JOBS_POLL_MS: '200' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('schedules, RSVPs, and delivers the reminder', async () => {
    // The first account of a server is its admin: it may go LIVE and move the test clock.
    const studio = await signedInPage(browser, server, 'remy', CREATOR_ZONE, { width: 1280, height: 1000 });
    const host = await clientFor(server, 'remy');

    await studio.goto(`${server.url}/studio/events`);
    const form = studio.getByTestId('event-form');
    await form.waitFor();
    expect(await form.getByLabel('Time zone').inputValue()).toBe(CREATOR_ZONE);
    await form.getByLabel('Title').fill('Croissants from scratch');
    await form.getByLabel('Starts').fill(localIn(30 * 60_000, CREATOR_ZONE));
    await form.getByLabel('Expected length (minutes)').fill('90');
    await form.getByLabel('Description').fill('Butter, flour, patience.');
    await form.getByRole('button', { name: 'Schedule LIVE' }).click();
    const row = studio.getByTestId('event-row').filter({ hasText: 'Croissants from scratch' });
    await row.waitFor();
    await screenshot(studio, 'events-studio-scheduled');
    const [event] = (await host.myEvents()).items;
    expect(event).toMatchObject({
      title: 'Croissants from scratch',
      timeZone: CREATOR_ZONE,
      durationMin: 90,
    });

    // A fan on a phone, in New York, finds it on the profile and asks for a reminder.
    const fan = await signedInPage(browser, server, 'nora', FAN_ZONE, { width: 390, height: 844 });
    await fan.goto(`${server.url}/@remy`);
    await fan.getByTestId('profile-upcoming').getByText('Croissants from scratch').click();
    await fan.getByTestId('event-page').waitFor();
    const fanTime = await fan.getByTestId('event-local-time').textContent();
    const creatorTime = await fan.getByTestId('event-zone-time').textContent();
    expect(fanTime).toMatch(/E[SD]T/);
    expect(creatorTime).not.toBe(fanTime);
    await fan.getByTestId('event-remind').click();
    await expect.poll(() => fan.getByTestId('event-remind').textContent()).toBe('Reminder set');
    expect(await fan.getByTestId('event-rsvp-count').textContent()).toContain('1 person');
    expect(await fan.getByTestId('event-ics').getAttribute('href')).toBe(`/api/v1/events/${event!.id}.ics`);
    await screenshot(fan, 'events-page-phone');

    // The feed's Upcoming strip: the RSVPed event first, with a later one beside it.
    await host.scheduleEvent({
      title: 'Sourdough basics',
      startsLocal: `${localIn(24 * 3_600_000, CREATOR_ZONE).slice(0, 10)}T20:00`,
      timeZone: CREATOR_ZONE,
      durationMin: 60,
    });
    const feed = await fan.context().newPage();
    await feed.goto(server.url);
    const strip = feed.getByTestId('feed-upcoming');
    const cards = strip.getByTestId('upcoming-card');
    await expect.poll(() => cards.count()).toBe(2);
    const first = cards.first();
    expect(await first.textContent()).toContain('Croissants from scratch');
    expect(await first.textContent()).toContain('Reminder set');
    expect(await first.locator('time').textContent()).toMatch(/^In \d+ min$/);
    expect(await first.getByTestId('upcoming-rsvps').textContent()).toBe('1 going');
    expect(await first.getAttribute('href')).toBe(`/events/${event!.id}`);
    expect(await cards.nth(1).textContent()).toContain('Sourdough basics');
    // Paris 20:00 tomorrow on a New York clock: 14:00, or 15:00 in the weeks the two zones' DST differ.
    expect(await cards.nth(1).locator('time').textContent()).toMatch(/1[45]:00$/);
    await screenshot(feed, 'events-feed-upcoming-phone');
    await feed.setViewportSize({ width: 1280, height: 800 });
    await screenshot(feed, 'events-feed-upcoming-desktop');
    await feed.close();

    await studio.reload();
    await expect.poll(() => row.getByTestId('event-rsvps').textContent()).toBe('1 reminder');
    await screenshot(studio, 'events-studio-rsvps');
    await studio.setViewportSize({ width: 390, height: 1400 });
    await screenshot(studio, 'events-studio-phone');

    // Twenty-one minutes later on the server's clock: the reminder job is due; the worker runs it.
    const moved = await fetch(`${server.url}/api/v1/test/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${host.token}` },
      body: JSON.stringify({ advanceMs: 21 * 60_000 }),
    });
    expect(moved.status).toBe(200);
    await fan.getByTestId('notification-badge').waitFor({ timeout: 15_000 });
    // It arrives as a toast too; dismissed here so the panel shows unobstructed.
    const toast = fan.getByTestId('toast').filter({ hasText: 'starts soon' });
    await toast.waitFor();
    await toast.getByRole('button', { name: 'Dismiss' }).click();
    await fan.getByTestId('notification-bell').click();
    const note = fan.getByTestId('notification-item').filter({ hasText: 'starts soon' });
    await note.waitFor();
    expect(await note.getAttribute('href')).toBe(`/events/${event!.id}`);
    await screenshot(fan, 'events-reminder-phone');
    await fan.setViewportSize({ width: 1280, height: 900 });
    await screenshot(fan, 'events-reminder-desktop');
    const fanApi = await clientFor(server, 'nora');
    const reminders = (await fanApi.notifications({ limit: 20 })).items.filter(
      (n) => n.kind === 'event_reminder',
    );
    expect(reminders).toHaveLength(1);
  }, 120_000);
});
