// Who is asking, and what they may do. Every app verb receives a principal and
// checks it before it touches anything; the rules live here, once.
import type { Role } from '../schema/api.js';
import { forbidden } from './errors.js';

export type Principal =
  | {
      readonly kind: 'token';
      readonly tokenId: string;
      readonly name: string;
      readonly role: Role;
      /** Teams an editor edits; empty for the other roles. */
      readonly teams: ReadonlySet<string>;
      /** The person the token belongs to, if it is bound to one (approvals need that). */
      readonly user: string | null;
    }
  | { readonly kind: 'ingest'; readonly keyId: string; readonly service: string }
  /** Headroom itself: bootstrap, background jobs. */
  | { readonly kind: 'system' };

/** How the audit log names the principal. */
export function actorOf(principal: Principal): string {
  switch (principal.kind) {
    case 'token':
      return `token:${principal.tokenId} (${principal.name})`;
    case 'ingest':
      return `ingest-key:${principal.keyId}`;
    case 'system':
      return 'system';
  }
}

/** Every user token may read; ingest keys read nothing. */
export function requireReader(principal: Principal): void {
  if (principal.kind === 'ingest') {
    throw forbidden('an ingest key may only send events; use an API token to read');
  }
}

export function requireAdmin(principal: Principal, action: string): void {
  if (principal.kind === 'system') return;
  if (principal.kind !== 'token' || principal.role !== 'admin') {
    throw forbidden(`${action} needs an admin token`);
  }
}

/** Teams the principal may change services and SLOs of: 'all' for admins. */
export function editableTeams(principal: Principal): 'all' | ReadonlySet<string> {
  if (principal.kind === 'system') return 'all';
  if (principal.kind !== 'token') return new Set();
  switch (principal.role) {
    case 'admin':
      return 'all';
    case 'editor':
      return principal.teams;
    case 'viewer':
      return new Set();
  }
}

export function mayEditTeam(principal: Principal, team: string | null): boolean {
  const teams = editableTeams(principal);
  return teams === 'all' || (team !== null && teams.has(team));
}

export function requireTeamEditor(principal: Principal, team: string | null, action: string): void {
  if (mayEditTeam(principal, team)) return;
  const whose = team === null ? 'a resource without a team' : `team "${team}"`;
  throw forbidden(
    `${action} changes ${whose}; that needs an admin token or an editor token of the team`,
  );
}

/** Responders act (acknowledge, declare, update incidents): any token but a viewer's. */
export function requireResponder(principal: Principal, action: string): void {
  requireReader(principal);
  if (principal.kind === 'token' && principal.role === 'viewer') {
    throw forbidden(`a viewer token may not ${action}; use an editor or admin token`);
  }
}

/** The person behind the principal, as incidents and postmortems name people. */
export function personOf(principal: Principal): string {
  switch (principal.kind) {
    case 'token':
      return principal.user ?? principal.name;
    case 'ingest':
      return `ingest-key:${principal.keyId}`;
    case 'system':
      return 'headroom';
  }
}
