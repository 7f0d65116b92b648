import type { BonusRate, LeagueTier, RewardTable, WeekResult } from '@onair/core';
import type { RewardItem, RewardMissionView, RewardPayout } from '@onair/protocol';
import type { RewardPayoutRow } from '../../db/schema.ts';

const percentOf = (bps: number) => bps / 100;
const top = (steps: { percent: number }[]) => steps.reduce((m, s) => Math.max(m, s.percent), 0);

export function presentPayout(r: RewardPayoutRow): RewardPayout {
  return {
    id: String(r.id),
    kind: r.kind,
    periodKey: r.periodKey,
    sessionId: r.sessionId,
    periodStart: r.periodStart.toISOString(),
    periodEnd: r.periodEnd.toISOString(),
    baseDiamonds: r.baseDiamonds,
    percent: percentOf(r.bps),
    bonusDiamonds: r.bonusDiamonds,
    items: r.items.map((i) => ({
      mission: i.mission as RewardItem['mission'],
      percent: percentOf(i.bps),
      label: i.label,
    })),
    explanation: r.explanation,
    transferId: r.transferId === null ? null : String(r.transferId),
    createdAt: r.createdAt.toISOString(),
  };
}

const leagueLabel = (l: { current: LeagueTier; bestBefore: LeagueTier } | null) =>
  l ? `${l.current} now, best before this week ${l.bestBefore}` : 'no league yet';

/** Each mission of the table with what it pays and, for weekly ones, how far the creator is. */
export function presentMissions(table: RewardTable, week: WeekResult, rate: BonusRate): RewardMissionView[] {
  const earned = (mission: RewardItem['mission']) =>
    percentOf(rate.items.find((i) => i.mission === mission)?.bps ?? 0);
  const longestMin = Math.floor(week.longestLiveMs / 60_000);
  return [
    {
      mission: 'duration',
      scope: 'live',
      title: 'LIVE duration',
      progress: null,
      progressLabel: 'Paid on each LIVE when it ends',
      unit: 'min',
      steps: table.perLive.duration,
      earnedPercent: null,
      maxPercent: top(table.perLive.duration),
    },
    {
      mission: 'newFollowers',
      scope: 'live',
      title: 'New followers during a LIVE',
      progress: null,
      progressLabel: 'Paid on each LIVE when it ends',
      unit: 'followers',
      steps: table.perLive.newFollowers,
      earnedPercent: null,
      maxPercent: top(table.perLive.newFollowers),
    },
    {
      mission: 'liveDays',
      scope: 'weekly',
      title: `LIVE days (a LIVE of ${table.weekly.validLiveMinutes}+ min)`,
      progress: week.liveDays,
      progressLabel: `${week.liveDays} of 7 days`,
      unit: 'days',
      steps: table.weekly.liveDays,
      earnedPercent: earned('liveDays'),
      maxPercent: top(table.weekly.liveDays),
    },
    {
      mission: 'longLive',
      scope: 'weekly',
      title: `One LIVE of ${table.weekly.longLiveMinutes}+ min`,
      progress: longestMin,
      progressLabel: `longest LIVE ${longestMin} min`,
      unit: 'min',
      steps: [{ min: table.weekly.longLiveMinutes, percent: table.weekly.longLivePercent }],
      earnedPercent: earned('longLive'),
      maxPercent: table.weekly.longLivePercent,
    },
    {
      mission: 'activeFans',
      scope: 'weekly',
      title: 'Active fan club members',
      progress: week.activeFans,
      progressLabel: `${week.activeFans} active`,
      unit: 'members',
      steps: table.weekly.activeFans,
      earnedPercent: earned('activeFans'),
      maxPercent: top(table.weekly.activeFans),
    },
    {
      mission: 'league',
      scope: 'weekly',
      title: 'Reach or keep your highest league',
      progress: null,
      progressLabel: leagueLabel(week.league),
      unit: '',
      steps: [],
      earnedPercent: earned('league'),
      maxPercent: table.weekly.leaguePercent,
    },
  ];
}
