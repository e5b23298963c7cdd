// Services grouped by team, then tier (critical first), each with its SLOs.
import type { OverviewService, OverviewSlo, Tier } from '../../api/types';

export const TIER_ORDER: readonly Tier[] = ['critical', 'standard', 'low'];

export type ServiceGroup = OverviewService;

export interface TierGroup {
  readonly tier: Tier | null;
  readonly services: readonly ServiceGroup[];
}

export interface TeamGroup {
  /** null: the service is not defined (or not readable), so its owner is not known. */
  readonly team: string | null;
  readonly tiers: readonly TierGroup[];
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The API gives services and their SLOs in name order; this keeps it within each group. */
export function groupServices(services: readonly OverviewService[]): TeamGroup[] {
  const teams = new Map<string | null, ServiceGroup[]>();
  for (const service of services) {
    const members = teams.get(service.team);
    if (members === undefined) teams.set(service.team, [service]);
    else members.push(service);
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

/** Every SLO of the overview, in the API's order. */
export function allSlos(services: readonly OverviewService[]): OverviewSlo[] {
  return services.flatMap((service) => service.slos);
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
                : { ...service, slos: service.slos.filter((slo) => slo.name.includes(needle)) },
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
