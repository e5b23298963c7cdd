// The status numbers as the API gives them, each with a data-field the tests read.
import type { SloStatus } from '../../api/types';
import {
  formatBudget,
  formatCount,
  formatObjective,
  formatSli,
  NO_EVENTS_TEXT,
} from '../../format/numbers';
import { formatExhaustion, formatInstant } from '../../format/time';
import { BudgetBar } from '../../ui/BudgetBar';
import { sloState } from '../../format/slo-state';

export function KeyNumbers({ status }: { readonly status: SloStatus }) {
  const budget = status.errorBudget;
  const counts = status.budgetingMethod === 'timeslices' ? status.slices : status.events;
  return (
    <section className="key-numbers" aria-label="Key numbers">
      <div className="big-number">
        <span className="big-label">Error budget left</span>
        <BudgetBar remaining={budget.remaining} state={sloState(status)} />
      </div>
      <dl className="facts">
        <Fact label="SLI" field="sli" value={formatSli(status.sli)} />
        <Fact label="Objective" field="objective" value={formatObjective(status.objective)} />
        <Fact label="Budget consumed" field="consumed" value={formatBudget(budget.consumed)} />
        <Fact
          label={`Budget (${budget.unit})`}
          field="spent"
          value={
            budget.spent === null || budget.allowed === null
              ? NO_EVENTS_TEXT
              : `${formatCount(budget.spent)} of ${formatCount(budget.allowed)} spent`
          }
        />
        {counts === null ? null : (
          <Fact
            label={status.budgetingMethod === 'timeslices' ? 'Minutes with events' : 'Events'}
            field="events"
            value={`${formatCount(counts.good)} good, ${formatCount(counts.bad)} bad of ${formatCount(counts.total)}`}
          />
        )}
        <Fact label="Budget runs out" field="exhaustion" value={formatExhaustion(status)} />
        <Fact
          label="Window"
          field="window"
          value={`${formatInstant(status.window.start)} – ${formatInstant(status.window.end)}`}
        />
        <Fact label="Evaluated at" field="at" value={formatInstant(status.at)} />
      </dl>
    </section>
  );
}

function Fact(props: { readonly label: string; readonly field: string; readonly value: string }) {
  return (
    <div>
      <dt>{props.label}</dt>
      <dd data-field={props.field}>{props.value}</dd>
    </div>
  );
}
