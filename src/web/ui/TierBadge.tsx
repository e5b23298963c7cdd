import type { Tier } from '../api/types';

export function TierBadge({ tier }: { readonly tier: Tier }) {
  return (
    <span className={`badge tier-${tier}`} data-field="tier">
      {tier}
    </span>
  );
}
