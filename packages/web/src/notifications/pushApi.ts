import {
  type AddPushDeviceBody,
  PushDevice,
  PushKey,
  PushSettings,
  type UpdatePushDeviceBody,
  type UpdatePushSettingsBody,
} from '@onair/protocol';
import { z } from 'zod';
import { api } from '../app/api.ts';

// The SDK has no push area yet; these go through the same client (cookie, origin rules, coded
// errors) with the protocol's schemas, so a mismatch with the server still fails loudly.

const id = (deviceId: string) => encodeURIComponent(deviceId);
/** DELETE answers 204 with no body. */
const NoContent = z.unknown();
const Queued = z.object({ queued: z.literal(true) });

export const pushApi = {
  key: () => api.request('GET', '/push/key', PushKey),
  settings: () => api.request('GET', '/push/settings', PushSettings),
  updateSettings: (body: UpdatePushSettingsBody) =>
    api.request('PATCH', '/push/settings', PushSettings, body),
  addDevice: (body: AddPushDeviceBody) => api.request('POST', '/push/devices', PushDevice, body),
  updateDevice: (deviceId: string, body: UpdatePushDeviceBody) =>
    api.request('PATCH', `/push/devices/${id(deviceId)}`, PushDevice, body),
  removeDevice: async (deviceId: string): Promise<void> => {
    await api.request('DELETE', `/push/devices/${id(deviceId)}`, NoContent);
  },
  sendTest: (deviceId: string) => api.request('POST', `/push/devices/${id(deviceId)}/test`, Queued),
};
