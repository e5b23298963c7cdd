// The service's cron jobs, as the heartbeats screen lists them. Left out for a service
// without any (most have none, and the heartbeats screen says how to add one), and until
// the list has come, so that the screen does not jump when it is empty.
import type { Heartbeat } from '../../api/types';
import { useApi } from '../../api/use-api';
import { paths } from '../../router/routes';
import { LoadView } from '../../ui/LoadView';
import { Panel } from '../../ui/Panel';
import { HeartbeatTable } from '../heartbeats/HeartbeatTable';

export function ServiceHeartbeats({ name }: { readonly name: string }) {
  const query = `service=${encodeURIComponent(name)}`;
  const heartbeats = useApi<Heartbeat[]>(`/api/v1/heartbeats?${query}`);
  const { load } = heartbeats;
  if (load.kind === 'loading' || load.kind === 'forbidden') return null;
  if (load.kind === 'ok' && load.data.length === 0) return null;
  return (
    <Panel
      title="Heartbeats"
      id="service-heartbeats"
      actions={<a href={paths.heartbeats(query)}>On the heartbeats screen</a>}
    >
      <LoadView load={load} what="heartbeats" retry={heartbeats.reload}>
        {(list) => (
          <HeartbeatTable
            heartbeats={list}
            caption={`Heartbeat checks of ${name}`}
            showService={false}
          />
        )}
      </LoadView>
    </Panel>
  );
}
