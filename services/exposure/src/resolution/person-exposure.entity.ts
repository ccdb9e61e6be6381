import { Column, Entity, PrimaryColumn } from 'typeorm';

export type PersonExposureStatus = 'ACTIVE' | 'RETRACTED';

/**
 * A person's exposure in one incident, across revisions: what the newest revision says was taken, and
 * what downstream was already told (`announced_categories`), so a later revision only produces work
 * for what is new. Categories are bitmasks of breach.v1.PiiCategory.
 */
@Entity({ name: 'person_exposures' })
export class PersonExposureEntity {
  @PrimaryColumn({ name: 'incident_id', type: 'text', primaryKeyConstraintName: 'PK_person_exposures' })
  incidentId!: string;

  @PrimaryColumn({ name: 'person_id', type: 'uuid', primaryKeyConstraintName: 'PK_person_exposures' })
  personId!: string;

  /** A UUIDv7, kept across revisions. Not indexed: nothing here looks an exposure up by it. */
  @Column({ name: 'exposure_id', type: 'uuid' })
  exposureId!: string;

  @Column({ name: 'status', type: 'text' })
  status!: PersonExposureStatus;

  @Column({ name: 'categories', type: 'int' })
  categories!: number;

  @Column({ name: 'announced_categories', type: 'int', default: 0 })
  announcedCategories!: number;

  /** exposure.v1.RiskTier */
  @Column({ name: 'tier', type: 'smallint' })
  tier!: number;

  @Column({ name: 'policy_version', type: 'text' })
  policyVersion!: string;

  @Column({ name: 'policy_rule', type: 'text' })
  policyRule!: string;

  @Column({ name: 'subscriber_ids', type: 'text', array: true })
  subscriberIds!: string[];

  @Column({ name: 'first_revision', type: 'int' })
  firstRevision!: number;

  @Column({ name: 'last_revision', type: 'int' })
  lastRevision!: number;

  @Column({ name: 'retracted_revision', type: 'int', nullable: true })
  retractedRevision!: number | null;
}
