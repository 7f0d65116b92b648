import {
  FAN_CLUB_GIFT_ID,
  FanClubInfo,
  FanClubSettings,
  FanList,
  type UpdateFanClubBody,
} from '@onair/protocol';
import { api } from '../app/api.ts';

/** Fan-club calls over the shared client (same error handling and auth as every other call). */
export const fanClubApi = {
  info: (handle: string) => api.request('GET', `/users/${encodeURIComponent(handle)}/fan-club`, FanClubInfo),
  /** Joining is the club gift: charged like any gift, and the server joins and follows on its commit. */
  join: (handle: string) => api.sendGift(handle, { giftId: FAN_CLUB_GIFT_ID, quantity: 1 }),
  settings: () => api.request('GET', '/me/fan-club', FanClubSettings),
  update: (body: UpdateFanClubBody) => api.request('PATCH', '/me/fan-club', FanClubSettings, body),
  fans: () => api.request('GET', '/studio/fans', FanList),
  csvPath: () => '/api/v1/studio/fans.csv',
};
