// One incident: what it is and where it stands, who holds which role, its times, what
// Headroom saw (timeline, budget impact), the forms to move it on, and its postmortem.
import type { BudgetImpact, Incident, Postmortem, TimelineEntry } from '../../api/types';
import { useApi } from '../../api/use-api';
import { paths } from '../../router/routes';
import { IncidentStatusBadge, SeverityBadge } from '../../ui/IncidentBadges';
import { LoadView } from '../../ui/LoadView';
import { Breadcrumb } from '../../ui/Breadcrumb';
import { Panel } from '../../ui/Panel';
import { useTitle } from '../../ui/use-title';
import { BudgetImpactTable, Timeline } from './IncidentEvidence';
import {
  IncidentResponse,
  IncidentRoles,
  IncidentRunbooks,
  IncidentTimes,
  LinkedPages,
  StatusUpdates,
} from './IncidentFacts';
import { DraftPostmortem } from '../postmortem/DraftPostmortem';
import { NoteForm, ResolveForm, RoleForm, StatusForm } from './IncidentForms';

export function IncidentScreen({ id }: { readonly id: number }) {
  useTitle(`INC-${String(id)}`);
  const base = `/api/v1/incidents/${String(id)}`;
  const incident = useApi<Incident>(base);
  const timeline = useApi<TimelineEntry[]>(`${base}/timeline`);
  const impact = useApi<BudgetImpact>(`${base}/budget-impact`);
  const refresh = () => {
    incident.reload();
    timeline.reload();
    impact.reload();
  };
  return (
    <div className="screen">
      <Breadcrumb
        trail={[{ label: 'Incidents', href: paths.incidents() }, { label: `INC-${String(id)}` }]}
      />
      <LoadView load={incident.load} what={`incident INC-${String(id)}`} retry={incident.reload}>
        {(found) => (
          <>
            <IncidentHeader incident={found} />
            <div className="incident-layout">
              <div className="incident-main">
                <Panel title="Timeline" id="timeline">
                  <LoadView load={timeline.load} what="the timeline" retry={timeline.reload}>
                    {(entries) => <Timeline entries={entries} />}
                  </LoadView>
                </Panel>
                <Panel title="Error budget consumed" id="budget-impact">
                  <LoadView load={impact.load} what="the budget impact" retry={impact.reload}>
                    {(answer) => <BudgetImpactTable impact={answer} />}
                  </LoadView>
                </Panel>
                <Panel title="Status updates" id="updates">
                  <StatusUpdates incident={found} />
                </Panel>
              </div>
              <div className="incident-side">
                <Panel title="Respond" id="respond">
                  <StatusForm incident={found} onChanged={refresh} />
                  {found.status === 'resolved' ? null : (
                    <ResolveForm incident={found} onChanged={refresh} />
                  )}
                  <NoteForm incident={found} onChanged={refresh} />
                </Panel>
                <Panel title="Roles" id="roles">
                  <IncidentRoles incident={found} />
                  <RoleForm incident={found} onChanged={refresh} />
                </Panel>
                <Panel title="Times" id="times">
                  <IncidentTimes incident={found} />
                </Panel>
                <Panel title="Incident response" id="incident-response">
                  <IncidentResponse incident={found} />
                </Panel>
                <Panel title="Runbooks" id="runbooks">
                  <IncidentRunbooks incident={found} />
                </Panel>
                <PostmortemPanel incident={found} />
              </div>
            </div>
          </>
        )}
      </LoadView>
    </div>
  );
}

function IncidentHeader({ incident }: { readonly incident: Incident }) {
  return (
    <div className="screen-header">
      <div>
        <h1>
          <span data-field="ref">{incident.ref}</span>{' '}
          <span data-field="title">{incident.title}</span>
        </h1>
        <p className="incident-badges">
          <SeverityBadge severity={incident.severity} meaning={incident.severityMeaning} />{' '}
          <IncidentStatusBadge status={incident.status} />
          {incident.severityMeaning === null ? null : (
            <span className="muted" data-field="severity-meaning">
              {' '}
              {incident.severity}: {incident.severityMeaning}
            </span>
          )}
        </p>
        {incident.summary === null ? null : <p className="lead">{incident.summary}</p>}
        <p className="muted">
          Services:{' '}
          {incident.services.map((service, index) => (
            <span key={service} data-service={service}>
              {index === 0 ? '' : ', '}
              <a href={paths.service(service)}>{service}</a>
            </span>
          ))}
          {incident.teams.length === 0 ? null : <> · Teams: {incident.teams.join(', ')}</>}
        </p>
        {incident.pages.length === 0 ? null : (
          <div className="muted incident-pages">
            Pages: <LinkedPages pages={incident.pages} />
          </div>
        )}
      </div>
    </div>
  );
}

function PostmortemPanel({ incident }: { readonly incident: Incident }) {
  const postmortem = useApi<Postmortem>(`/api/v1/incidents/${String(incident.id)}/postmortem`);
  if (postmortem.load.kind === 'forbidden') return null;
  return (
    <Panel title="Postmortem" id="postmortem">
      {postmortem.load.kind === 'not-found' ? (
        <DraftPostmortem incident={incident} />
      ) : (
        <LoadView load={postmortem.load} what="the postmortem" retry={postmortem.reload}>
          {(found) => (
            <>
              <p>
                <span className={`badge review review-${found.status}`} data-field="review">
                  {found.status}
                </span>{' '}
                {found.unwrittenSections.length === 0
                  ? 'every section written'
                  : `${String(found.unwrittenSections.length)} section${found.unwrittenSections.length === 1 ? '' : 's'} to write`}
                {found.blamelessFindings.length === 0
                  ? ''
                  : `, ${String(found.blamelessFindings.length)} blameless finding${found.blamelessFindings.length === 1 ? '' : 's'}`}
                .
              </p>
              <p>
                <a href={paths.postmortem(incident.id)}>Open the postmortem and action items</a>
              </p>
            </>
          )}
        </LoadView>
      )}
    </Panel>
  );
}
