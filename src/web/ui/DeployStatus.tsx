// A deploy's status, and whether it went out against the gate, the same on the service's
// deploy list and the deploy's own page: glyph and word carry it, colour repeats it.
import type { Deploy } from '../api/types';

const DEPLOY_STATUS_TEXT: Readonly<Record<Deploy['status'], string>> = {
  started: '▶ started',
  finished: '✓ finished',
  failed: '✕ failed',
  rolled_back: '↺ rolled back',
};

export function DeployStatus({ deploy }: { readonly deploy: Deploy }) {
  return (
    <>
      <span className={`badge deploy-status deploy-${deploy.status}`}>
        {DEPLOY_STATUS_TEXT[deploy.status]}
      </span>
      {deploy.againstDenial ? (
        <>
          {' '}
          <span
            className="badge deploy-against-denial"
            data-field="against-denial"
            title={`gate decision ${deploy.decision ?? ''} denied this deploy`}
          >
            against the gate
          </span>
        </>
      ) : null}
    </>
  );
}
