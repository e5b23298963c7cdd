import { paths } from '../router/routes';
import { Breadcrumb, type Crumb } from '../ui/Breadcrumb';
import { useTitle } from '../ui/use-title';

/** A mistyped address under a list's path leads back to that list, not only home. */
const SECTIONS: Readonly<Record<string, Crumb>> = {
  incidents: { label: 'Incidents', href: paths.incidents() },
  heartbeats: { label: 'Heartbeats', href: paths.heartbeats() },
  oncall: { label: 'On call', href: paths.oncall() },
  reports: { label: 'Reports', href: paths.reports() },
};

export function NotFoundScreen({ path }: { readonly path: string }) {
  useTitle('Not found');
  const section = SECTIONS[path.split('/')[1] ?? ''];
  return (
    <div className="screen">
      <Breadcrumb
        trail={[
          { label: 'Overview', href: paths.overview() },
          ...(section === undefined ? [] : [section]),
          { label: 'not found' },
        ]}
      />
      <h1>No such page</h1>
      <p>
        Nothing lives at <code>{path}</code>. Go to the <a href={paths.overview()}>overview</a>.
      </p>
    </div>
  );
}
