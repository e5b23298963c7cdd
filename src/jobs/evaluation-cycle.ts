// One evaluation cycle: every SLO evaluated at one instant, alert transitions stored
// with the cycle record in one transaction, and only while this instance holds the
// lease. The cycle's instant is unique in the database: no cycle runs twice.
import type { AppDependencies } from '../app/ports/slo-catalog.js';
import { pageBurnAlerts } from '../app/alert-intake.js';
import { statusesOf } from '../app/slo-status.js';
import { alertTransitions } from '../core/slo/alert-transitions.js';

export const EVALUATOR_LEASE = 'evaluator';

export type CycleOutcome =
  | {
      readonly ran: true;
      readonly slos: number;
      readonly started: number;
      readonly resolved: number;
    }
  | { readonly ran: false; readonly reason: 'not-leader' | 'already-done' };

export async function runEvaluationCycle(
  deps: AppDependencies,
  holder: string,
  at: number,
): Promise<CycleOutcome> {
  const { store, catalog, clock } = deps;
  await catalog.refresh();
  const slos = catalog.all();
  const statuses = await statusesOf(deps, slos, at);
  // An SLO whose source could not be read keeps its alerts as they are: no data is
  // neither a recovery nor a new burn.
  const unread = new Set<number>();
  const evaluated = slos.flatMap((entry, index) => {
    const status = statuses[index];
    if (status === undefined || status.source?.state === 'unknown') {
      unread.add(entry.id);
      return [];
    }
    return [{ sloId: entry.id, status }];
  });
  const names = new Map(
    slos.map((entry) => [entry.id, { slo: entry.slo.name, service: entry.slo.service }]),
  );
  return store.transaction(async (tx) => {
    // Fencing: a holder whose lease ran out while it evaluated must not write.
    if (!(await tx.holdsLease(EVALUATOR_LEASE, holder, clock.now()))) {
      return { ran: false, reason: 'not-leader' } as const;
    }
    const active = (await tx.listAlertStates()).filter((alert) => !unread.has(alert.sloId));
    const { started, resolved } = alertTransitions(active, evaluated, at, names);
    const recorded = await tx.insertEvaluationCycle({
      at,
      holder,
      slos: slos.length,
      transitions: started.length + resolved.length,
      finishedAt: clock.now(),
    });
    if (!recorded) return { ran: false, reason: 'already-done' } as const;
    for (const alert of resolved) await tx.deleteAlertState(alert.sloId, alert.rule);
    for (const alert of started) {
      await tx.insertAlertState({
        sloId: alert.sloId,
        rule: alert.rule,
        severity: alert.severity,
        since: at,
        numbers: alert.numbers,
      });
    }
    await tx.insertAlertTransitions([...started, ...resolved]);
    await pageBurnAlerts(deps, tx, [...started, ...resolved], at);
    return {
      ran: true,
      slos: slos.length,
      started: started.length,
      resolved: resolved.length,
    } as const;
  });
}
