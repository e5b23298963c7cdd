// What the service needs (critical dependencies first and marked) and what needs it.
import type { Service } from '../../api/types';
import { useApi } from '../../api/use-api';
import { paths } from '../../router/routes';
import { LoadView } from '../../ui/LoadView';
import { Panel } from '../../ui/Panel';

export function Dependencies({ service }: { readonly service: Service }) {
  const name = service.metadata.name;
  const dependencies = [...service.spec.dependencies].sort(
    (a, b) => Number(b.critical) - Number(a.critical),
  );
  return (
    <Panel title="Dependencies" id="dependencies">
      <div className="two-columns">
        <div>
          <h3>{name} depends on</h3>
          {dependencies.length === 0 ? (
            <p className="muted">No dependencies declared.</p>
          ) : (
            <ul className="dependency-list">
              {dependencies.map((dependency) => (
                <li key={dependency.service} data-dependency={dependency.service}>
                  <a href={paths.service(dependency.service)}>{dependency.service}</a>{' '}
                  {dependency.critical ? (
                    <span className="badge critical" data-field="critical">
                      <span aria-hidden="true">!</span> critical
                    </span>
                  ) : (
                    <span className="muted">degrades without it</span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
        <Dependents name={name} />
      </div>
    </Panel>
  );
}

function Dependents({ name }: { readonly name: string }) {
  const services = useApi<Service[]>('/api/v1/services');
  if (services.load.kind === 'forbidden') return null;
  return (
    <div>
      <h3>Depend on {name}</h3>
      <LoadView load={services.load} what="services" retry={services.reload}>
        {(all) => {
          const dependents = all.flatMap((other) =>
            other.spec.dependencies
              .filter((dependency) => dependency.service === name)
              .map((dependency) => ({ name: other.metadata.name, critical: dependency.critical })),
          );
          return dependents.length === 0 ? (
            <p className="muted">No service declares a dependency on it.</p>
          ) : (
            <ul className="dependency-list">
              {dependents.map((dependent) => (
                <li key={dependent.name} data-dependent={dependent.name}>
                  <a href={paths.service(dependent.name)}>{dependent.name}</a>{' '}
                  {dependent.critical ? (
                    <span className="badge critical">
                      <span aria-hidden="true">!</span> critical
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          );
        }}
      </LoadView>
    </div>
  );
}
