import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One subscription (SIM) of a person. A recycled number appears on a former customer's row and on its
 * new holder's row; only one row that is not `Former` may hold a number at a time.
 */
@Entity({ name: 'subscribers' })
@Index('IDX_subscribers_person_id', ['personId'])
@Index('IDX_subscribers_msisdn_bidx', ['msisdnBidx'])
@Index('UQ_subscribers_current_holder', ['msisdnBidx'], { unique: true, where: '"account_status" <> 3' })
export class SubscriberEntity {
  @PrimaryColumn({ name: 'subscriber_id', type: 'text', primaryKeyConstraintName: 'PK_subscribers' })
  subscriberId!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ name: 'msisdn_enc', type: 'bytea' })
  msisdnEnc!: Buffer;

  @Column({ name: 'msisdn_bidx', type: 'bytea' })
  msisdnBidx!: Buffer;

  @Column({ name: 'msisdn_masked', type: 'text' })
  msisdnMasked!: string;

  /** breach.v1.Region */
  @Column({ name: 'region', type: 'smallint' })
  region!: number;

  /** exposure.v1.LineType */
  @Column({ name: 'line_type', type: 'smallint' })
  lineType!: number;

  /** AccountStatus */
  @Column({ name: 'account_status', type: 'smallint' })
  accountStatus!: number;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
