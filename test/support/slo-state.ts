// The state the overview gives an SLO, worked out again from its status: the tests' own
// reading of the rule (docs/ui.md), not the code's.
interface StatusForState {
  readonly sli: number | null;
  readonly source?: { readonly state: string } | null | undefined;
  readonly errorBudget: { readonly remaining: number };
  readonly alerts: readonly { readonly firing: boolean }[];
}

export function expectedSloState(status: StatusForState): string {
  if (status.source?.state === 'unknown') return 'unknown';
  if (status.sli === null) return 'no-data';
  if (status.errorBudget.remaining <= 0) return 'exhausted';
  if (status.alerts.some((alert) => alert.firing)) return 'burning';
  return 'ok';
}
