import { useState, type FormEvent } from 'react';
import { api } from '../api';
import type { Session } from '../auth';
import { useI18n } from '../i18n';

interface SearchResult {
  outcome: 'affected' | 'not-affected' | 'unknown';
  message: string;
  people: { personId: string; incidents: number; numbers: string[]; emailMasked: string | null }[];
}

export function SearchPage(props: { session: Session; reason: string; onReason: (reason: string) => void }) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      setResult(
        await api<SearchResult>(props.session, '/people/search', {
          method: 'POST',
          body: { query },
          reason: props.reason,
        }),
      );
    } catch (failure) {
      setResult(null);
      setError((failure as Error).message);
    }
  };

  return (
    <section className="card">
      <h2>{t('nav.search')}</h2>
      <form onSubmit={(event) => void submit(event)}>
        <label htmlFor="reason">{t('search.reason')}</label>
        <input
          id="reason"
          required
          maxLength={500}
          placeholder={t('search.reasonHint')}
          value={props.reason}
          onChange={(event) => props.onReason(event.target.value)}
        />
        <label htmlFor="query">{t('search.query')}</label>
        <input id="query" required dir="ltr" value={query} onChange={(event) => setQuery(event.target.value)} />
        <button type="submit">{t('search.submit')}</button>
      </form>
      {error && (
        <p role="alert" className="error">
          {t('error.prefix', { message: error })}
        </p>
      )}
      {result && (
        <div aria-live="polite" data-testid="search-result">
          <p className={`outcome ${result.outcome}`}>{result.message}</p>
          <ul>
            {result.people.map((person) => (
              <li key={person.personId}>
                <span dir="ltr">{person.numbers.join(', ')}</span> ·{' '}
                {t('search.incidents', { count: person.incidents })}{' '}
                {person.incidents > 0 && (
                  <a href={`#/person/${encodeURIComponent(person.personId)}`}>{t('search.open')}</a>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
