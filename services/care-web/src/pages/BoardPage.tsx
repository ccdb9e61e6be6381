import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api';
import type { Session } from '../auth';
import { useI18n } from '../i18n';

interface Board {
  incidentId: string;
  paused: boolean;
  asOf: string;
  totals: { affected: number; notified: number; unreachable: number; pending: number };
  byTier: { tier: string; affected: number; notified: number; unreachable: number; pending: number }[];
}

const COLUMNS = ['affected', 'notified', 'unreachable', 'pending'] as const;

/** Counts by tier for one incident, polled every five seconds while the page is open. */
export function BoardPage({ session }: { session: Session }) {
  const { t } = useI18n();
  const [incidentId, setIncidentId] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!shown) return;
    const load = () =>
      api<Board>(session, `/incidents/${encodeURIComponent(shown)}/board`)
        .then((loaded) => {
          setBoard(loaded);
          setError(null);
        })
        .catch((failure: unknown) => setError((failure as Error).message));
    void load();
    const timer = window.setInterval(() => void load(), 5000);
    return () => window.clearInterval(timer);
  }, [session, shown]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setShown(incidentId.trim());
  };

  const downloadCsv = async () => {
    const response = await fetch(`/incidents/${encodeURIComponent(shown!)}/board/unreachable.csv`, {
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = `unreachable-${shown}.csv`;
    link.click();
  };

  return (
    <section className="card">
      <h2>{t('nav.board')}</h2>
      <form onSubmit={submit}>
        <label htmlFor="incident">{t('board.incident')}</label>
        <input
          id="incident"
          dir="ltr"
          required
          value={incidentId}
          onChange={(event) => setIncidentId(event.target.value)}
        />
        <button type="submit">{t('board.show')}</button>
      </form>
      {error && (
        <p role="alert" className="error">
          {t('error.prefix', { message: error })}
        </p>
      )}
      {board && (
        <>
          <p>
            <strong>{board.paused ? t('board.paused') : t('board.running')}</strong> ·{' '}
            {t('board.updated', { time: new Date(board.asOf).toLocaleTimeString() })}
          </p>
          <table data-testid="board">
            <thead>
              <tr>
                <th scope="col">{t('board.tier')}</th>
                {COLUMNS.map((column) => (
                  <th scope="col" key={column}>
                    {t(`board.${column}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {board.byTier.map((row) => (
                <tr key={row.tier}>
                  <th scope="row">{row.tier}</th>
                  {COLUMNS.map((column) => (
                    <td key={column}>{row[column]}</td>
                  ))}
                </tr>
              ))}
              <tr>
                <th scope="row">{t('board.total')}</th>
                {COLUMNS.map((column) => (
                  <td key={column}>{board.totals[column]}</td>
                ))}
              </tr>
            </tbody>
          </table>
          <button type="button" onClick={() => void downloadCsv()}>
            {t('board.csv')}
          </button>
        </>
      )}
    </section>
  );
}
