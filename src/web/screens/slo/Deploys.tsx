// Deploys of the SLO's service within the series' window: vertical markers on the
// charts and, so that the information is not in the picture only, a list under them
// with what each did to this SLO's budget. Whether one went out against the gate is
// told on the deploy's own page (the marks do not carry the decision): each links there.
import type { SloDeployMark, SloSeries } from '../../api/types';
import type { Marker } from '../../charts/TimeChart';
import { formatInstant } from '../../format/time';
import { paths } from '../../router/routes';
import { HoursAroundDeploy } from '../../ui/DeployBudget';

export type SeriesDeploy = NonNullable<SloSeries['deploys']>[number];

const STATUS_TEXT: Readonly<Record<string, string>> = {
  started: 'started',
  finished: 'finished',
  failed: 'failed',
  rolled_back: 'rolled back',
};

/** Dash patterns (CSS pixels) of the markers, also drawn in the list's swatches. */
export const DEPLOY_DASH = [4, 3] as const;
export const ROLLBACK_DASH = [1, 3] as const;

export function isRollback(deploy: SeriesDeploy): boolean {
  return deploy.status === 'rolled_back' || deploy.labels.includes('rollback');
}

export function deploysOf(series: SloSeries): readonly SeriesDeploy[] {
  return series.deploys ?? [];
}

export function deployMarkers(series: SloSeries): Marker[] {
  return deploysOf(series).map((deploy) =>
    isRollback(deploy)
      ? { at: Date.parse(deploy.at) / 1000, color: '--burning', dash: ROLLBACK_DASH }
      : { at: Date.parse(deploy.at) / 1000, color: '--text-muted', dash: DEPLOY_DASH },
  );
}

export function DeployList(props: {
  readonly series: SloSeries;
  readonly service: string;
  /** The status's latest deploys: their budgets, where the series did not read one. */
  readonly latest: readonly SloDeployMark[];
}) {
  const deploys = deploysOf(props.series);
  const latestBudget = new Map(props.latest.map((mark) => [mark.id, mark.budget]));
  return (
    <section className="deploy-markers" data-deploys={deploys.length}>
      <h3>Deploys in this window</h3>
      {deploys.length === 0 ? (
        <p className="muted" data-empty="deploys">
          No deploys recorded in this window
        </p>
      ) : (
        <ul className="deploy-list">
          {deploys.map((deploy) => {
            const rollback = isRollback(deploy);
            return (
              <li key={deploy.id} data-deploy={deploy.id}>
                <span
                  className={rollback ? 'deploy-swatch deploy-swatch-rollback' : 'deploy-swatch'}
                  aria-hidden="true"
                />
                <time data-field="at" dateTime={deploy.at}>
                  {formatInstant(deploy.at)}
                </time>{' '}
                <span data-field="version">{deploy.version ?? 'no version'}</span>{' '}
                <span data-field="status">{STATUS_TEXT[deploy.status] ?? deploy.status}</span>
                {rollback ? (
                  <>
                    {' '}
                    <span className="badge deploy-rolled_back" data-field="rollback">
                      rollback
                    </span>
                  </>
                ) : null}{' '}
                <DeployBudgetText budget={deploy.budget ?? latestBudget.get(deploy.id) ?? null} />{' '}
                <a
                  className="small"
                  data-field="deploy-link"
                  href={paths.deploy(props.service, deploy.id)}
                >
                  the deploy and its gate decision
                  <span className="visually-hidden"> ({deploy.version ?? deploy.id})</span>
                </a>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function DeployBudgetText({ budget }: { readonly budget: SeriesDeploy['budget'] }) {
  if (budget === null) {
    // The API reads the budget of the latest deploys only.
    return (
      <span className="muted small" data-field="budget">
        budget around it not read (an older deploy)
      </span>
    );
  }
  return (
    <span className="small" data-field="budget">
      <HoursAroundDeploy budget={budget} />
    </span>
  );
}
