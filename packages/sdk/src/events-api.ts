import {
  API_PREFIX,
  type CreateEventInput,
  EventList,
  LiveEvent,
  MyEventsList,
  RsvpState,
  type UpdateEventInput,
} from '@onair/protocol';
import { queryString } from './http-client.ts';
import { PushApi } from './push-api.ts';

const id = (eventId: string) => encodeURIComponent(eventId);

/** Scheduled LIVEs: schedule, edit, cancel, "Remind me", calendar files. */
export class EventsApi extends PushApi {
  /** Schedules a LIVE: `startsLocal` (`2027-03-14T20:00`) is read in `timeZone` (IANA). */
  scheduleEvent(body: CreateEventInput) {
    return this.request('POST', '/events', LiveEvent, body);
  }

  event(eventId: string) {
    return this.request('GET', `/events/${id(eventId)}`, LiveEvent);
  }

  updateEvent(eventId: string, body: UpdateEventInput) {
    return this.request('PATCH', `/events/${id(eventId)}`, LiveEvent, body);
  }

  /** Cancels your event (idempotent); everyone who asked for a reminder is told. */
  cancelEvent(eventId: string) {
    return this.request('POST', `/events/${id(eventId)}/cancel`, LiveEvent);
  }

  /** A creator's upcoming events (or `when: 'past'`). */
  creatorEvents(handle: string, query: { when?: 'upcoming' | 'past'; limit?: number } = {}) {
    return this.request('GET', `/users/${encodeURIComponent(handle)}/events${queryString(query)}`, EventList);
  }

  /** The feed's "Upcoming" row: signed in, followed creators' events and your RSVPs come first. */
  upcomingEvents(query: { limit?: number } = {}) {
    return this.request('GET', `/events/upcoming${queryString(query)}`, EventList);
  }

  /** Your upcoming events with how many asked for a reminder. */
  myEvents() {
    return this.request('GET', '/me/events', MyEventsList);
  }

  /** "Remind me": idempotent, a repeat answers the same state. */
  rsvp(eventId: string) {
    return this.request('PUT', `/events/${id(eventId)}/rsvp`, RsvpState);
  }

  unrsvp(eventId: string) {
    return this.request('DELETE', `/events/${id(eventId)}/rsvp`, RsvpState);
  }

  /** Where a browser downloads the event's iCalendar file. */
  eventCalendarUrl(eventId: string): string {
    return `${this.baseUrl}${API_PREFIX}/events/${id(eventId)}.ics`;
  }

  /** A creator's upcoming events as a calendar feed a calendar app can subscribe to. */
  creatorCalendarUrl(handle: string): string {
    return `${this.baseUrl}${API_PREFIX}/users/${encodeURIComponent(handle)}/events.ics`;
  }
}
