import { OnAirClient } from '@onair/sdk';

/** The one API client: same origin, authenticated by the httpOnly session cookie. */
export const api = new OnAirClient();
