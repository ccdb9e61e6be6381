import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccountStatus } from './directory.enums';

export interface DirectoryPerson {
  personId: string;
  emailMasked: string | null;
  language: string;
  /** The numbers the person holds today (a former customer's recycled number is not among them). */
  numbers: { subscriberId: string; msisdnMasked: string }[];
}

const PERSON_IDS: Record<'msisdn' | 'cnic' | 'email', string> = {
  // The current holder only: a recycled number leads to its new holder, never to the former one.
  msisdn: `SELECT "person_id" FROM "exposure"."subscribers" WHERE "msisdn_bidx" = $1 AND "account_status" <> ${AccountStatus.Former}`,
  cnic: 'SELECT "person_id" FROM "exposure"."persons" WHERE "cnic_bidx" = $1',
  email: 'SELECT "person_id" FROM "exposure"."persons" WHERE "email_bidx" = $1 LIMIT 20',
};

@Injectable()
export class DirectoryLookupRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(kind: 'msisdn' | 'cnic' | 'email', blindIndex: Buffer): Promise<DirectoryPerson[]> {
    const rows: {
      person_id: string;
      email_masked: string | null;
      language: string;
      numbers: DirectoryPerson['numbers'];
    }[] = await this.dataSource.query(
      `SELECT p."person_id", p."email_masked", p."language",
                coalesce((SELECT json_agg(json_build_object('subscriberId', s."subscriber_id", 'msisdnMasked', s."msisdn_masked")
                                          ORDER BY s."subscriber_id")
                          FROM "exposure"."subscribers" s
                          WHERE s."person_id" = p."person_id" AND s."account_status" <> ${AccountStatus.Former}), '[]') AS "numbers"
         FROM "exposure"."persons" p WHERE p."person_id" IN (${PERSON_IDS[kind]})`,
      [blindIndex],
    );
    return rows.map((row) => ({
      personId: row.person_id,
      emailMasked: row.email_masked,
      language: row.language,
      numbers: row.numbers,
    }));
  }
}
