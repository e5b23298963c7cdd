import { memo } from 'react';
import { paths } from '../../router/routes';
import { GateBadge } from './DeployGate';
import type { TeamGroup } from './group-services';
import { SloTable } from './SloTable';
import { TierBadge } from '../../ui/TierBadge';

/**
 * Memoised: typing in the overview's filter re-renders the screen at once, and only the
 * deferred render with the new text should touch a thousand rows.
 */
export const TeamSection = memo(function TeamSection({ group }: { readonly group: TeamGroup }) {
  const title = group.team === null ? 'Services of unknown teams' : `Team ${group.team}`;
  const id = `team-${group.team ?? 'unknown'}`;
  return (
    <section className="team" aria-labelledby={id} data-team={group.team ?? ''}>
      <h2 id={id}>{title}</h2>
      {group.tiers.map((tier) => (
        <div className="tier" key={tier.tier ?? 'none'} data-tier={tier.tier ?? ''}>
          <h3 className="tier-title">
            {tier.tier === null ? 'Tier not known' : `${capitalise(tier.tier)} tier`}
          </h3>
          <div className="service-grid">
            {tier.services.map((service) => (
              <article className="service-card" key={service.name} data-service={service.name}>
                <header>
                  <h4>
                    <a href={paths.service(service.name)}>{service.name}</a>
                  </h4>
                  {service.tier === null ? null : <TierBadge tier={service.tier} />}
                  {service.gate === null || service.gate.policies.length === 0 ? null : (
                    <span className="card-gate">
                      <span className="visually-hidden">Deploy gate: </span>
                      <GateBadge state={service.gate.state} />
                    </span>
                  )}
                </header>
                <SloTable slos={service.slos} caption={`SLOs of ${service.name}`} />
              </article>
            ))}
          </div>
        </div>
      ))}
    </section>
  );
});

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
