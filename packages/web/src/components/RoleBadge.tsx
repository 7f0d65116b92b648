import type { Role } from '@onair/protocol';

/** Creators and admins wear a badge; viewers don't need one. */
export function RoleBadge({ role }: { role: Role }) {
  if (role === 'viewer') return null;
  return <span className={`badge badge-${role}`}>{role === 'admin' ? 'Admin' : 'Creator'}</span>;
}
