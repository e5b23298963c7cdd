// Alert states, their transitions, and the record of evaluation cycles.
import type { Kysely } from 'kysely';
import type { AlertRepository } from '../app/ports/store.js';
import type { AlertNumbers } from '../core/slo/alert-transitions.js';
import { decodeJson, encodeJson } from './codec.js';
import type { DatabaseSchema } from './schema.js';

export function alertRepository(db: Kysely<DatabaseSchema>): AlertRepository {
  return {
    async listAlertStates() {
      const rows = await db.selectFrom('alert_states').selectAll().execute();
      return rows.map((row) => ({
        sloId: row.slo_id,
        rule: row.rule,
        severity: row.severity,
        since: row.since,
        numbers: decodeJson(row.numbers) as AlertNumbers,
      }));
    },
    async insertAlertState(state) {
      await db
        .insertInto('alert_states')
        .values({
          slo_id: state.sloId,
          rule: state.rule,
          severity: state.severity,
          since: state.since,
          numbers: encodeJson(state.numbers),
        })
        .execute();
    },
    async deleteAlertState(sloId, rule) {
      await db
        .deleteFrom('alert_states')
        .where('slo_id', '=', sloId)
        .where('rule', '=', rule)
        .execute();
    },
    async insertAlertTransitions(transitions) {
      if (transitions.length === 0) return;
      await db
        .insertInto('alert_transitions')
        .values(
          transitions.map((transition) => ({
            slo_id: transition.sloId,
            slo: transition.slo,
            service: transition.service,
            rule: transition.rule,
            severity: transition.severity,
            transition: transition.transition,
            at: transition.at,
            numbers: encodeJson(transition.numbers),
          })),
        )
        .execute();
    },
    async listAlertTransitions({ slo, service, transition, severity, fromMs, toMs, limit }) {
      let query = db.selectFrom('alert_transitions').selectAll().orderBy('id', 'desc').limit(limit);
      if (slo !== undefined) query = query.where('slo', '=', slo);
      if (service !== undefined) query = query.where('service', '=', service);
      if (transition !== undefined) query = query.where('transition', '=', transition);
      if (severity !== undefined) query = query.where('severity', '=', severity);
      if (fromMs !== undefined) query = query.where('at', '>=', fromMs);
      if (toMs !== undefined) query = query.where('at', '<', toMs);
      const rows = await query.execute();
      return rows.map((row) => ({
        id: row.id,
        sloId: row.slo_id,
        slo: row.slo,
        service: row.service,
        rule: row.rule,
        severity: row.severity,
        transition: row.transition === 'resolved' ? 'resolved' : 'started',
        at: row.at,
        numbers: decodeJson(row.numbers) as AlertNumbers,
      }));
    },
    async insertEvaluationCycle(cycle) {
      // DO NOTHING rather than catching the violation: on PostgreSQL a failed statement
      // would abort the whole transaction.
      const result = await db
        .insertInto('evaluation_cycles')
        .values({
          at: cycle.at,
          holder: cycle.holder,
          slos: cycle.slos,
          transitions: cycle.transitions,
          finished_at: cycle.finishedAt,
        })
        .onConflict((oc) => oc.column('at').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async listEvaluationCycles(limit) {
      const rows = await db
        .selectFrom('evaluation_cycles')
        .selectAll()
        .orderBy('at', 'desc')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        at: row.at,
        holder: row.holder,
        slos: row.slos,
        transitions: row.transitions,
        finishedAt: row.finished_at,
      }));
    },
  };
}
