import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A person in the operator's directory, identified by CNIC (one person can hold several SIMs).
 * Personal data is stored only encrypted (`*_enc`, AES-256-GCM envelopes from libs/pii) with keyed
 * blind indexes (`*_bidx`, HMAC-SHA256) for lookup; keys live in configuration, never in the database.
 */
@Entity({ name: 'persons' })
@Index('UQ_persons_cnic_bidx', ['cnicBidx'], { unique: true })
@Index('IDX_persons_email_bidx', ['emailBidx'])
export class PersonEntity {
  @PrimaryColumn({ name: 'person_id', type: 'uuid', primaryKeyConstraintName: 'PK_persons' })
  personId!: string;

  @Column({ name: 'cnic_bidx', type: 'bytea' })
  cnicBidx!: Buffer;

  @Column({ name: 'cnic_enc', type: 'bytea' })
  cnicEnc!: Buffer;

  @Column({ name: 'name_enc', type: 'bytea' })
  nameEnc!: Buffer;

  @Column({ name: 'email_enc', type: 'bytea', nullable: true })
  emailEnc!: Buffer | null;

  @Column({ name: 'email_bidx', type: 'bytea', nullable: true })
  emailBidx!: Buffer | null;

  @Column({ name: 'email_masked', type: 'text', nullable: true })
  emailMasked!: string | null;

  @Column({ name: 'language', type: 'text' })
  language!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
