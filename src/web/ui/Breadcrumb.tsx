// The way back up from a screen. Screens draw it outside their LoadView, from what the
// address already says, so that a 404, a 403 or an error keeps it; what only the
// answer knows (an SLO's service) joins once it has arrived.
import { Fragment } from 'react';

export interface Crumb {
  readonly label: string;
  /** Absent: where the person is, or a step without a screen of its own. */
  readonly href?: string;
}

export function Breadcrumb({ trail }: { readonly trail: readonly Crumb[] }) {
  return (
    <nav aria-label="Breadcrumb">
      <p className="breadcrumb">
        {trail.map((crumb, index) => (
          <Fragment key={index}>
            {index === 0 ? null : ' / '}
            {crumb.href === undefined ? crumb.label : <a href={crumb.href}>{crumb.label}</a>}
          </Fragment>
        ))}
      </p>
    </nav>
  );
}
