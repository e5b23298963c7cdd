// Services grouped by team, then tier (critical first), each with its SLOs' statuses.
import type { Service, SloStatus, Tier } from '../../api/types';

export const TIER_ORDER: readonly Tier[] = ['critical', 'standard', 'low'];

export interface ServiceGroup {
  readonly name: string;
  readonly tier: Tier | null;
  readonly service: Service | null;
  readonly slos: readonly SloStatus[];
}

export interface TierGroup {
  readonly tier: Tier | null;
  readonly services: readonly ServiceGroup[];
}

export interface TeamGroup {
  /** null: the services list was not readable, so owners are not known. */
  readonly team: string | null;
  readonly tiers: readonly TierGroup[];
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function groupServices(
  services: readonly Service[],
  statuses: readonly SloStatus[],
): TeamGroup[] {
  const slosOf = new Map<string, SloStatus[]>();
  for (const status of statuses) {
    const list = slosOf.get(status.service) ?? [];
    list.push(status);
    slosOf.set(status.service, list);
  }
  const groups: ServiceGroup[] = services.map((service) => ({
    name: service.metadata.name,
    tier: service.spec.tier,
    service,
    slos: sortByName(slosOf.get(service.metadata.name) ?? []),
  }));
  const known = new Set(services.map((service) => service.metadata.name));
  for (const [name, slos] of slosOf) {
    if (!known.has(name)) groups.push({ name, tier: null, service: null, slos: sortByName(slos) });
  }

  const teams = new Map<string | null, ServiceGroup[]>();
  for (const group of groups) {
    const team = group.service?.spec.team ?? null;
    teams.set(team, [...(teams.get(team) ?? []), group]);
  }
  return [...teams.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : byName(a, b)))
    .map(([team, members]) => ({ team, tiers: tiersOf(members) }));
}

function tiersOf(members: readonly ServiceGroup[]): TierGroup[] {
  return [...TIER_ORDER, null]
    .map((tier) => ({
      tier,
      services: members
        .filter((member) => member.tier === tier)
        .sort((a, b) => byName(a.name, b.name)),
    }))
    .filter((group) => group.services.length > 0);
}

function sortByName(statuses: SloStatus[]): SloStatus[] {
  return statuses.sort((a, b) => byName(a.slo, b.slo));
}

/** Keeps the services and SLOs whose name holds the text; a matching service keeps all. */
export function filterGroups(teams: readonly TeamGroup[], text: string): TeamGroup[] {
  const needle = text.trim().toLowerCase();
  if (needle === '') return [...teams];
  return teams
    .map((team) => ({
      team: team.team,
      tiers: team.tiers
        .map((tier) => ({
          tier: tier.tier,
          services: tier.services
            .map((service) =>
              service.name.includes(needle)
                ? service
                : { ...service, slos: service.slos.filter((slo) => slo.slo.includes(needle)) },
            )
            .filter((service) => service.slos.length > 0 || service.name.includes(needle)),
        }))
        .filter((tier) => tier.services.length > 0),
    }))
    .filter((team) => team.tiers.length > 0);
}

/** The groups cut after `count` SLO rows (services without SLOs count as one row). */
export function firstSlos(teams: readonly TeamGroup[], count: number): TeamGroup[] {
  if (!Number.isFinite(count)) return [...teams];
  let left = count;
  const cut: TeamGroup[] = [];
  for (const team of teams) {
    if (left <= 0) break;
    const tiers: TierGroup[] = [];
    for (const tier of team.tiers) {
      if (left <= 0) break;
      const services: ServiceGroup[] = [];
      for (const service of tier.services) {
        if (left <= 0) break;
        const slos = service.slos.slice(0, left);
        left -= Math.max(1, slos.length);
        services.push({ ...service, slos });
      }
      tiers.push({ tier: tier.tier, services });
    }
    cut.push({ team: team.team, tiers });
  }
  return cut;
}
