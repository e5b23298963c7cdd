// The incidents that touched a service, newest impact start first.
import type { Incident } from '../../api/types';
import { useApi } from '../../api/use-api';
import { paths } from '../../router/routes';
import { LoadView } from '../../ui/LoadView';
import { Panel } from '../../ui/Panel';
import { IncidentTable } from '../incidents/IncidentTable';

/** The most recent ones; the incidents screen lists them all. */
const SHOWN = 20;

export function ServiceIncidents({ name }: { readonly name: string }) {
  const query = `service=${encodeURIComponent(name)}`;
  const incidents = useApi<Incident[]>(`/api/v1/incidents?${query}&limit=${String(SHOWN)}`);
  if (incidents.load.kind === 'forbidden') return null;
  return (
    <Panel
      title="Incidents"
      id="service-incidents"
      actions={<a href={paths.incidents(`status=all&${query}`)}>All incidents of {name}</a>}
    >
      <LoadView load={incidents.load} what="incidents" retry={incidents.reload}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No incident has touched {name}.</p>
          ) : (
            <IncidentTable incidents={list} caption={`Incidents of ${name}`} showServices={false} />
          )
        }
      </LoadView>
    </Panel>
  );
}
