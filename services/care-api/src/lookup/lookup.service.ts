import { Injectable } from '@nestjs/common';
import { ContactKeys } from '../shared/contact-keys';
import { PersonRepository } from '../person/person.repository';
import { OwningServicesClient, type DirectoryPerson } from './owning-services.client';
import { parseSearchQuery, type SearchQuery } from './search-query';

export type SearchOutcome = 'affected' | 'not-affected' | 'unknown';

export interface SearchResult {
  kind: SearchQuery['kind'];
  outcome: SearchOutcome;
  /** What the agent reads out: only as sure as the data is. */
  message: string;
  people: { personId: string; incidents: number; numbers: string[]; emailMasked: string | null }[];
}

const MESSAGES: Record<SearchOutcome, string> = {
  affected: 'This person was affected by an incident.',
  'not-affected': 'Not affected by any incident: the person is in our directory and in no exposure.',
  unknown: 'Unknown: not in our directory, so we cannot say whether they were affected.',
};

/**
 * Finds people by what a caller can tell an agent. Who holds an identifier today is the directory's answer
 * (exposure service, by blind index); whether they were affected is care's read model. "Not affected" is
 * said only when the directory knows the person.
 */
@Injectable()
export class LookupService {
  constructor(
    private readonly owners: OwningServicesClient,
    private readonly people: PersonRepository,
    private readonly keys: ContactKeys,
  ) {}

  async search(input: string, authorization: string): Promise<SearchResult> {
    const query = parseSearchQuery(input);
    const found = await this.find(query, authorization);
    if (found.length === 0) return { kind: query.kind, outcome: 'unknown', message: MESSAGES.unknown, people: [] };
    const affected = await this.people.affected(found.map((person) => person.personId));
    const outcome: SearchOutcome = affected.size > 0 ? 'affected' : 'not-affected';
    return {
      kind: query.kind,
      outcome,
      message: MESSAGES[outcome],
      people: found.map((person) => ({
        personId: person.personId,
        incidents: affected.get(person.personId) ?? 0,
        numbers: person.numbers.map((number) => number.msisdnMasked),
        emailMasked: person.emailMasked,
      })),
    };
  }

  private async find(query: SearchQuery, authorization: string): Promise<DirectoryPerson[]> {
    if (query.kind === 'reference') {
      const notice = await this.owners.reference(query.normalized, authorization);
      return notice ? [{ personId: notice.personId, emailMasked: null, language: '', numbers: [] }] : [];
    }
    const blindIndex = this.keys.indexer.indexHex(query.kind, query.normalized);
    return this.owners.directory(query.kind, blindIndex, authorization);
  }
}
