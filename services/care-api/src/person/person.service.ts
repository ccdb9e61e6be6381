import { Injectable } from '@nestjs/common';
import { CareErrorCode, CareException } from '../shared/care.exception';
import { ContactKeys } from '../shared/contact-keys';
import { personView, type PersonView } from './person-view';
import { PersonRepository } from './person.repository';

@Injectable()
export class PersonService {
  constructor(
    private readonly people: PersonRepository,
    private readonly keys: ContactKeys,
  ) {}

  async view(personId: string): Promise<PersonView> {
    const records = await this.people.records(personId);
    if (!records) throw new CareException(CareErrorCode.PersonNotFound, 'care knows no incident of this person');
    return personView(records);
  }

  /** Only a number the person still held at their latest exposure: a recycled number shows nothing. */
  async revealNumber(personId: string, subscriberId: string): Promise<{ msisdn: string }> {
    const envelope = await this.people.heldNumberEnvelope(personId, subscriberId);
    if (!envelope) throw new CareException(CareErrorCode.NothingToReveal, 'no number of this person to reveal here');
    return { msisdn: this.keys.openMsisdn(envelope, subscriberId) };
  }

  async revealEmail(personId: string): Promise<{ email: string }> {
    const envelope = await this.people.emailEnvelope(personId);
    if (!envelope) throw new CareException(CareErrorCode.NothingToReveal, 'no email of this person to reveal');
    return { email: this.keys.openEmail(envelope) };
  }
}
