import {
  type AddPushDeviceBody,
  PushDevice,
  PushKey,
  PushSettings,
  type UpdatePushDeviceBody,
  type UpdatePushSettingsBody,
} from '@onair/protocol';
import { z } from 'zod';
import { LeaguesApi } from './leagues-api.ts';

const Queued = z.object({ queued: z.literal(true) });
/** DELETE answers 204 with no body. */
const NoContent = z.unknown();
const device = (id: string) => `/push/devices/${encodeURIComponent(id)}`;

/** Web Push: the server's VAPID key, your devices and what each is told about, quiet hours. */
export class PushApi extends LeaguesApi {
  /** The application server key to pass to `pushManager.subscribe`. */
  pushKey() {
    return this.request('GET', '/push/key', PushKey);
  }

  pushSettings() {
    return this.request('GET', '/push/settings', PushSettings);
  }

  updatePushSettings(body: UpdatePushSettingsBody) {
    return this.request('PATCH', '/push/settings', PushSettings, body);
  }

  /** Adds a browser's `PushSubscription.toJSON()` as one of your devices (again: the same device). */
  addPushDevice(body: AddPushDeviceBody) {
    return this.request('POST', '/push/devices', PushDevice, body);
  }

  updatePushDevice(id: string, body: UpdatePushDeviceBody) {
    return this.request('PATCH', device(id), PushDevice, body);
  }

  async removePushDevice(id: string): Promise<void> {
    await this.request('DELETE', device(id), NoContent);
  }

  /** Queues a test notification to one of your devices (one per device per 30 s). */
  sendTestPush(id: string) {
    return this.request('POST', `${device(id)}/test`, Queued);
  }
}
