import type { BurnWindow, SloStatus } from '../../api/types';
import { formatBurnRate } from '../../format/numbers';
import { Panel } from '../../ui/Panel';

const WINDOWS: readonly BurnWindow[] = ['5m', '30m', '1h', '2h', '6h', '1d', '3d', 'window'];

/** Burn rate per window: 1× spends the budget exactly over the SLO window. */
export function BurnRates({ status }: { readonly status: SloStatus }) {
  return (
    <Panel title="Burn rates" id="burn-rates">
      <div className="table-scroll">
        <table className="numbers-table">
          <caption className="visually-hidden">
            Burn rate per window; 1× spends exactly the budget over the SLO window
          </caption>
          <thead>
            <tr>
              {WINDOWS.map((window) => (
                <th scope="col" key={window} className="numeric">
                  {window === 'window' ? status.window.length : window}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              {WINDOWS.map((window) => (
                <td key={window} className="numeric" data-burn={window}>
                  {formatBurnRate(status.burnRates[window])}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
      <p className="muted small">
        1× spends exactly the budget over the SLO window; — means no events in that window.
      </p>
    </Panel>
  );
}
