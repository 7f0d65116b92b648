import { OnAirError } from '@onair/sdk';

/** What the API calls the fields, as the forms label them. */
const FIELD_LABELS: Record<string, string> = {
  handle: 'Handle',
  password: 'Password',
  displayName: 'Display name',
  bio: 'Bio',
  avatarUrl: 'Avatar URL',
  name: 'Token name',
};

/**
 * The server's message, ready to show. Validation messages arrive as `body.avatarUrl: Invalid URL`;
 * the field path is swapped for the form's label so it reads `Avatar URL: Invalid URL`.
 */
export function errorMessage(err: unknown): string {
  if (err instanceof OnAirError) {
    if (err.code === 'request.invalid') {
      const match = /^body\.(\w+): (.*)$/s.exec(err.message);
      const label = match?.[1] ? FIELD_LABELS[match[1]] : undefined;
      if (match && label) return `${label}: ${match[2]}`;
    }
    return err.message;
  }
  if (err instanceof Error) return err.message;
  return 'Something went wrong. Try again.';
}
