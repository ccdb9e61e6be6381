import { useEffect, useState } from 'react';
import { api } from '../api';
import type { Session } from '../auth';
import { useI18n, type MessageKey } from '../i18n';
import { VerifyCaller } from './VerifyCaller';

interface PersonView {
  personId: string;
  reach: 'notified' | 'unreachable' | 'pending' | 'not-notified';
  incidents: {
    incidentId: string;
    paused: boolean;
    revisions: {
      revision: number;
      categories: string[];
      tier: string;
      rule: { id: string; words: string };
      numbers: { subscriberId: string; msisdnMasked: string; stillHeld: boolean }[];
    }[];
  }[];
  notices: {
    noticeId: string;
    incidentId: string;
    templateId: string | null;
    templateVersion: string | null;
    language: string | null;
    reach: string;
    timeline: { at: string; channel: string; status: string; recipientMasked: string | null; error: string | null }[];
  }[];
  enrollments: { enrollmentId: string; state: string; enrollBy: string | null; monitoringMonths: number }[];
  protection: { commandId: string; numberMasked: string | null; acknowledgement: { outcome: string } | null }[];
}

export function PersonPage(props: { session: Session; personId: string; reason: string; supervisor: boolean }) {
  const { t } = useI18n();
  const [view, setView] = useState<PersonView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revealed, setRevealed] = useState<Record<string, string>>({});
  const [verificationId, setVerificationId] = useState<string | null>(null);
  const [optedOut, setOptedOut] = useState<Record<string, string>>({});

  useEffect(() => {
    api<PersonView>(props.session, `/people/${encodeURIComponent(props.personId)}`, {
      reason: props.reason || 'console',
    })
      .then(setView)
      .catch((failure: unknown) => setError((failure as Error).message));
  }, [props.session, props.personId, props.reason]);

  const reveal = async (subscriberId: string) => {
    const why = window.prompt(t('person.revealReason'));
    if (!why) return;
    try {
      const { msisdn } = await api<{ msisdn: string }>(
        props.session,
        `/people/${encodeURIComponent(props.personId)}/numbers/${encodeURIComponent(subscriberId)}/reveal`,
        { method: 'POST', reason: why },
      );
      setRevealed((current) => ({ ...current, [subscriberId]: msisdn }));
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  const optOut = async (enrollmentId: string) => {
    if (!verificationId) return;
    try {
      const done = await api<{ status: string }>(
        props.session,
        `/people/${encodeURIComponent(props.personId)}/enrollments/${encodeURIComponent(enrollmentId)}/opt-out`,
        { method: 'POST', body: { verificationId }, reason: props.reason || 'console' },
      );
      setOptedOut((current) => ({ ...current, [enrollmentId]: done.status }));
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  if (error) {
    return (
      <p role="alert" className="error">
        {t('error.prefix', { message: error })}
      </p>
    );
  }
  if (!view) return <p>{t('app.loading')}</p>;
  return (
    <article className="card" data-testid="person-view">
      <h2>{t('person.title', { id: view.personId })}</h2>
      <p>
        {t('person.reach')}: <strong data-testid="reach">{t(`person.reach.${view.reach}` as MessageKey)}</strong>
      </p>
      <VerifyCaller
        session={props.session}
        personId={view.personId}
        reason={props.reason}
        heldNumbers={heldNumbers(view)}
        onVerified={setVerificationId}
      />
      <h3>{t('person.incidents')}</h3>
      {view.incidents.map((incident) => (
        <section key={incident.incidentId} className="incident">
          <h4>
            {t('person.incident', { id: incident.incidentId })} {incident.paused && <em>({t('person.paused')})</em>}
          </h4>
          {incident.revisions.map((revision) => (
            <dl key={revision.revision} data-testid={`revision-${revision.revision}`}>
              <dt>{t('person.revision', { n: revision.revision })}</dt>
              <dd />
              <dt>{t('person.tier')}</dt>
              <dd data-testid="tier">{revision.tier}</dd>
              <dt>{t('person.categories')}</dt>
              <dd data-testid="categories">{revision.categories.join(', ')}</dd>
              <dt>{t('person.rule')}</dt>
              <dd lang="en">{revision.rule.words}</dd>
              <dt>{t('person.numbers')}</dt>
              <dd>
                <ul>
                  {revision.numbers.map((number) => (
                    <li key={number.subscriberId} dir="ltr" data-testid={`number-${number.subscriberId}`}>
                      {revealed[number.subscriberId] ?? number.msisdnMasked}{' '}
                      {!number.stillHeld && <em>({t('person.recycled')})</em>}
                      {props.supervisor && number.stillHeld && !revealed[number.subscriberId] && (
                        <button type="button" onClick={() => void reveal(number.subscriberId)}>
                          {t('person.reveal')}
                        </button>
                      )}
                    </li>
                  ))}
                </ul>
              </dd>
            </dl>
          ))}
        </section>
      ))}
      <h3>{t('person.notices')}</h3>
      {view.notices.length === 0 && <p>{t('person.none')}</p>}
      {view.notices.map((notice) => (
        <section key={notice.noticeId} className="notice" data-testid="notice">
          <p>
            {t('person.template')}: <code>{notice.templateId}</code> v{notice.templateVersion} ·{' '}
            {t('person.languageOf')}: {notice.language}
          </p>
          <table>
            <caption>{t('person.timeline')}</caption>
            <tbody>
              {notice.timeline.map((step, index) => (
                <tr key={index}>
                  <td dir="ltr">{new Date(step.at).toLocaleString()}</td>
                  <td>{step.channel}</td>
                  <td>{step.status}</td>
                  <td dir="ltr">{step.recipientMasked}</td>
                  <td lang="en">{step.error}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      <h3>{t('person.enrollments')}</h3>
      {view.enrollments.length === 0 && <p>{t('person.none')}</p>}
      <ul>
        {view.enrollments.map((enrollment) => (
          <li key={enrollment.enrollmentId}>
            {t('person.state')}:{' '}
            <strong data-testid="enrollment-state">{optedOut[enrollment.enrollmentId] ?? enrollment.state}</strong>
            {enrollment.enrollBy && ` · ${t('person.enrollBy')}: ${new Date(enrollment.enrollBy).toLocaleDateString()}`}
            {verificationId && !optedOut[enrollment.enrollmentId] && (
              <>
                {' '}
                <button type="button" onClick={() => void optOut(enrollment.enrollmentId)}>
                  {t('person.optOut')}
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      <h3>{t('person.protection')}</h3>
      {view.protection.length === 0 && <p>{t('person.none')}</p>}
      <ul>
        {view.protection.map((command) => (
          <li key={command.commandId} dir="ltr">
            {command.numberMasked} · {t('person.ack')}: {command.acknowledgement?.outcome ?? t('person.noAck')}
          </li>
        ))}
      </ul>
    </article>
  );
}

/** The numbers the person still held at each incident's latest revision, once each: where a care code may go. */
function heldNumbers(view: PersonView): { subscriberId: string; msisdnMasked: string }[] {
  const held = new Map<string, string>();
  for (const incident of view.incidents) {
    const latest = incident.revisions[incident.revisions.length - 1];
    for (const number of latest?.numbers ?? [])
      if (number.stillHeld) held.set(number.subscriberId, number.msisdnMasked);
  }
  return [...held].map(([subscriberId, msisdnMasked]) => ({ subscriberId, msisdnMasked }));
}
